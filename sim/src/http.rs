//! Transport-neutral request/response types and the interface every simulated
//! cloud implements, so that each cloud stays one self-contained module.

use bytes::Bytes;
use serde_json::{Map, Value};

/// One request as captured by the server, with its body fully read.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    /// Upper-case HTTP method (`GET`, `POST`, ...).
    pub method: String,
    /// Path part of the URI, as sent (not percent-decoded).
    pub path: String,
    /// Query string without the `?`, empty when absent.
    pub query: String,
    /// Headers in arrival order, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Bytes,
}

impl ApiRequest {
    /// Value of the first header named `name` (give it lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as a JSON object: an empty body is `{}`, anything that is not
    /// a JSON object is an error (HTTP 400).
    pub fn json_object(&self) -> Result<Map<String, Value>, SimError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(SimError::new(400, "request body must be a JSON object")),
            Err(_) => Err(SimError::new(400, "malformed JSON in request body")),
        }
    }
}

/// A response before the server turns it into a hyper response.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers (`Content-Length` is added by the server).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
}

impl ApiResponse {
    /// A JSON response with `Content-Type: application/json`.
    pub fn json(status: u16, value: &Value) -> Self {
        Self::text(status, "application/json", value.to_string())
    }

    /// A response with the given content type and body.
    pub fn text(status: u16, content_type: &str, body: String) -> Self {
        ApiResponse {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Bytes::from(body),
        }
    }

    /// A response without body (e.g. 204).
    pub fn empty(status: u16) -> Self {
        ApiResponse {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// Adds one header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A failure with the HTTP status to answer and a short human message; each
/// cloud renders it in its own error shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    /// HTTP status code.
    pub status: u16,
    /// Short human-readable message.
    pub message: String,
}

impl SimError {
    /// Builds an error from a status and a message.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        SimError {
            status,
            message: message.into(),
        }
    }
}

/// Which API a request is addressed to, decided by its path prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    /// `/vscale/v1/...`
    Vscale,
    /// `/inet/api/gateway/v1/...`
    Inet,
    /// `/zomro/billmgr...`
    Zomro,
    /// `/starvcenter/services/cloudresource/...`
    StarVCenter,
    /// Any other path (answered 404).
    Unknown,
}

impl Cloud {
    /// Every cloud that has a module, with its path prefix (docs/design/wire.md, "Endpoints and credentials").
    pub const PREFIXES: [(Cloud, &'static str); 4] = [
        (Cloud::Vscale, "/vscale/v1"),
        (Cloud::Inet, "/inet/api/gateway/v1"),
        (Cloud::Zomro, "/zomro/billmgr"),
        (Cloud::StarVCenter, "/starvcenter/services/cloudresource"),
    ];

    /// The cloud whose prefix the path starts with (as a whole segment).
    pub fn from_path(path: &str) -> Cloud {
        Self::PREFIXES
            .iter()
            .find(|(_, prefix)| strip_prefix(path, prefix).is_some())
            .map_or(Cloud::Unknown, |(cloud, _)| *cloud)
    }

    /// The name used in the request log and in fault filters.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Vscale => "vscale",
            Cloud::Inet => "inet",
            Cloud::Zomro => "zomro",
            Cloud::StarVCenter => "starvcenter",
            Cloud::Unknown => "unknown",
        }
    }

    /// Whether `name` is a valid cloud name (see [`Cloud::name`]).
    pub fn is_valid_name(name: &str) -> bool {
        ["vscale", "inet", "zomro", "starvcenter", "unknown"].contains(&name)
    }
}

/// The rest of `path` after `prefix` when `prefix` ends at a segment boundary.
pub fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Non-empty `/`-separated segments of a path.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// What every simulated cloud provides: a request handler, its error shape,
/// a dump of its state and a reset.
pub trait CloudApi: Send {
    /// Handles one API request at wall-clock time `now` (epoch ms); the cloud
    /// first advances its asynchronous work to `now`.
    fn handle(&mut self, req: &ApiRequest, now: u64) -> ApiResponse;
    /// A failure answered in this API's own error shape.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse;
    /// The API's own "busy, try again" answer (the request was not carried out).
    fn busy_response(&self) -> ApiResponse;
    /// The cloud's objects as its API renders them (for `GET /_sim/state`).
    fn dump(&mut self, now: u64) -> Value;
    /// Back to the startup state.
    fn reset(&mut self);
}
