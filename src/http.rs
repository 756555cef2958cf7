//! The one HTTP layer every cloud client uses: connection reuse, per-request timeout,
//! bounded retries with exponential backoff and jitter, `Retry-After`, a concurrency
//! limit, a DEBUG span per request and TRACE bodies with every secret masked.
//!
//! Retries follow one rule: a request is repeated only when repeating it cannot do
//! harm. Idempotent requests are retried on connect errors, timeouts, 429, 502/503/504
//! and the cloud's own "busy" answers. A non-idempotent request (a create) is retried
//! only when it certainly was not processed (connect error, 429, "busy"); when its
//! outcome is unknown the error says so ([`HttpError::is_ambiguous`]) and
//! [`crate::cloud::safe_create`] looks the object up before trying again.
//!
//! An operation with a `timeouts` value runs its requests [`within`] its deadline:
//! then busy/locked answers are waited out (with backoff) until the deadline instead of
//! for `max_retries` attempts, and no retry or backoff sleep goes past it.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use rand::Rng;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::cloud::CloudError;

/// Longest `Retry-After` honoured; a longer one ends the retries.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// First backoff step between attempts.
pub const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Largest backoff step.
pub const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Requests in flight at once per provider instance.
pub const MAX_IN_FLIGHT: usize = 16;

/// Keys whose values are secrets wherever they appear: headers, form fields, JSON keys.
const SECRET_KEYS: [&str; 12] = [
    "x-token",
    "authorization",
    "key_token",
    "cookie",
    "auth",
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "private_key",
    "privatekey",
];

/// Whether a header, form field or JSON key names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase();
    let last = key.rsplit('.').next().unwrap_or(&key);
    SECRET_KEYS
        .iter()
        .any(|s| last == *s || last.ends_with(&format!("_{s}")))
        || last.contains("password")
        || last.contains("private")
        || last.ends_with("pwd")
        || last.ends_with("key_token")
        || last.starts_with("vncpass")
        || key.ends_with("console.url")
        // StarVCenter's HTTPS private key (`slb.https.cert.key`, seeds/003 2.12.7).
        || key.ends_with("cert.key")
}

/// Returns a copy of a JSON value with every secret-named field masked.
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) && !v.is_null() {
                        Value::String(crate::secrets::MASK.into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// HTTP methods the clouds use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    /// Whether repeating the request is harmless by HTTP semantics.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// A form whose one field carries base64(UTF-8 JSON) (StarVCenter's `KEY_PARAM`).
    Base64JsonField {
        /// Form field name.
        field: &'static str,
        /// The JSON encoded into it.
        json: Value,
    },
}

impl Body {
    /// The body as it may be logged: secrets masked.
    fn loggable(&self) -> String {
        match self {
            Body::Empty => String::new(),
            Body::Json(v) => redact_json(v).to_string(),
            Body::Form(fields) => fields
                .iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        crate::secrets::MASK
                    } else {
                        v.as_str()
                    };
                    format!("{k}={v}")
                })
                .collect::<Vec<_>>()
                .join("&"),
            Body::Base64JsonField { field, json } => {
                format!("{field}=base64({})", redact_json(json))
            }
        }
    }
}

/// One request to send.
#[derive(Clone, Debug)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Extra headers (authentication included; masked in logs).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Overrides the method's idempotency (e.g. a POST that only reads).
    pub idempotent: bool,
}

impl Request {
    /// A request with the method's own idempotency.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotent: method.is_idempotent(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Marks the request as safe to repeat (reads sent as POST, deletes by id, ...).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

/// An answer received from the server.
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: bytes::Bytes,
}

impl Response {
    /// The first header with that (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8 text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, CloudError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CloudError::Protocol(format!(
                "the answer (HTTP {}) is not JSON: {e}: {}",
                self.status,
                truncate(&self.text(), 200)
            ))
        })
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these clouds).
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| *s >= 0.0)
            .map(Duration::from_secs_f64)
    }
}

/// How a cloud reads an answer: its own "busy, try again" signals on top of HTTP's.
pub trait Classifier: Send + Sync {
    /// `Some(reason)` when the answer means the server is busy or the object locked
    /// and the request was not carried out, so it is safe to repeat it.
    fn busy(&self, response: &Response) -> Option<String>;
}

/// A classifier with no cloud-specific busy answers.
pub struct NoBusyAnswers;

impl Classifier for NoBusyAnswers {
    fn busy(&self, _response: &Response) -> Option<String> {
        None
    }
}

/// Why a request did not produce an answer worth returning.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Could not connect: the request was never sent.
    #[error("cannot reach {url}: {message}")]
    Connect {
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// Sent, but no complete answer (timeout, connection dropped): outcome unknown.
    #[error("no answer from {url}: {message}")]
    NoAnswer {
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// An answer that retries did not make acceptable (after the last attempt, or
    /// an ambiguous one for a non-idempotent request).
    #[error("HTTP {}", .0.status)]
    Status(Response),
    /// The server kept answering busy/locked until retries ran out.
    #[error("still busy after {attempts} attempts: {reason}")]
    Busy {
        /// Attempts made.
        attempts: u32,
        /// The cloud's message.
        reason: String,
    },
    /// Terraform asked the provider to stop (Ctrl-C) while this request waited to retry.
    #[error("{0}")]
    Cancelled(#[from] crate::cancel::Cancelled),
}

impl HttpError {
    /// Whether the server may have carried out the request although no good answer
    /// came back (a create must be looked up before it is repeated).
    pub fn is_ambiguous(&self) -> bool {
        match self {
            HttpError::NoAnswer { .. } => true,
            HttpError::Status(r) => matches!(r.status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }
}

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `work` with every request it sends bound to `deadline`: busy answers are
/// retried until then, and no retry sleeps past it. Nested calls keep the earlier
/// deadline.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    let deadline = current_deadline().map_or(deadline, |d| d.min(deadline));
    DEADLINE.scope(deadline, work).await
}

/// The deadline `timeout` from now (for [`within`]).
pub fn deadline_in(timeout: Duration) -> Instant {
    Instant::now() + timeout
}

/// The deadline of the operation under way, if it has one.
pub fn current_deadline() -> Option<Instant> {
    DEADLINE.try_with(|d| *d).ok()
}

/// Connection settings of one provider instance.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Per attempt.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Skip TLS verification.
    pub insecure: bool,
}

/// The shared HTTP client of one provider instance.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
    in_flight: Arc<Semaphore>,
    classifier: Arc<dyn Classifier>,
    cloud: &'static str,
}

impl HttpClient {
    /// Builds a client for one cloud.
    pub fn new(
        cloud: &'static str,
        settings: HttpSettings,
        classifier: Arc<dyn Classifier>,
    ) -> Result<Self, CloudError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "terraform-provider-polycloud/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .danger_accept_invalid_certs(settings.insecure)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CloudError::Protocol(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            client,
            settings,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            classifier,
            cloud,
        })
    }

    /// Retries allowed after a first attempt.
    pub fn max_retries(&self) -> u32 {
        self.settings.max_retries
    }

    /// Sends a request, retrying what is safe to retry. Returns the first 2xx..4xx
    /// answer that is not "busy"; 5xx/429 answers that outlast the retries come back as
    /// [`HttpError::Status`].
    pub async fn send(&self, request: &Request) -> Result<Response, HttpError> {
        let mut attempt: u32 = 0;
        loop {
            let outcome = self.send_once(request, attempt).await;
            let retry = match &outcome {
                Ok(response) => self.retry_reason(request, response),
                Err(HttpError::Connect { .. }) => Some(RetryReason::Backoff),
                Err(HttpError::NoAnswer { .. }) if request.idempotent => Some(RetryReason::Backoff),
                Err(_) => None,
            };
            let Some(reason) = retry else {
                return match outcome {
                    Ok(response) if response.status >= 500 || response.status == 429 => {
                        Err(HttpError::Status(response))
                    }
                    other => other,
                };
            };
            let deadline = current_deadline();
            let delay = match &reason {
                RetryReason::After(after) => *after,
                _ => backoff(attempt),
            };
            // With a deadline, busy answers are waited out until it; nothing sleeps past it.
            let busy_with_time = matches!(reason, RetryReason::Busy(_))
                && deadline.is_some_and(|d| Instant::now() + delay < d);
            let past_deadline = deadline.is_some_and(|d| Instant::now() + delay >= d);
            if (attempt >= self.settings.max_retries && !busy_with_time) || past_deadline {
                return match (outcome, reason) {
                    (Ok(_), RetryReason::Busy(reason)) => Err(HttpError::Busy {
                        attempts: attempt + 1,
                        reason,
                    }),
                    (Ok(response), _) => Err(HttpError::Status(response)),
                    (Err(e), _) => Err(e),
                };
            }
            if matches!(reason, RetryReason::After(after) if after > MAX_RETRY_AFTER) {
                return outcome.and_then(|r| Err(HttpError::Status(r)));
            }
            tracing::debug!(
                cloud = self.cloud,
                attempt = attempt + 1,
                delay_ms = delay.as_millis() as u64,
                "retrying {} {}",
                method_name(request.method),
                redact_url(&request.url)
            );
            crate::cancel::sleep(delay).await?;
            attempt += 1;
        }
    }

    fn retry_reason(&self, request: &Request, response: &Response) -> Option<RetryReason> {
        if response.status == 429 {
            return Some(match response.retry_after() {
                Some(after) => RetryReason::After(after),
                None => RetryReason::Backoff,
            });
        }
        if matches!(response.status, 500 | 502 | 503 | 504) {
            // A non-idempotent request may have been carried out: the caller decides.
            return request.idempotent.then_some(match response.retry_after() {
                Some(after) => RetryReason::After(after),
                None => RetryReason::Backoff,
            });
        }
        self.classifier.busy(response).map(RetryReason::Busy)
    }

    async fn send_once(&self, request: &Request, attempt: u32) -> Result<Response, HttpError> {
        let _permit = self
            .in_flight
            .acquire()
            .await
            .expect("semaphore never closed");
        let started = Instant::now();
        let mut builder = self
            .client
            .request(request.method.as_reqwest(), &request.url);
        if let Some(deadline) = current_deadline() {
            // No attempt outlives the operation's deadline (by more than a second).
            let left = deadline.saturating_duration_since(Instant::now());
            builder = builder.timeout(
                self.settings
                    .request_timeout
                    .min(left.max(Duration::from_secs(1))),
            );
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(fields) => builder.form(fields),
            Body::Base64JsonField { field, json } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(json.to_string().as_bytes());
                builder.form(&[(*field, encoded)])
            }
        };
        let url = redact_url(&request.url);
        tracing::trace!(
            cloud = self.cloud,
            headers = %loggable_headers(&request.headers),
            body = %request.body.loggable(),
            "request {} {}",
            method_name(request.method),
            url
        );
        let result = builder.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                let error = transport_error(&url, &e);
                tracing::debug!(cloud = self.cloud, attempt = attempt + 1, elapsed_ms = started.elapsed().as_millis() as u64, error = %error, "{} {} failed", method_name(request.method), url);
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&url, &e))?;
        let response = Response {
            status,
            headers,
            body,
        };
        tracing::debug!(
            cloud = self.cloud,
            status,
            attempt = attempt + 1,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "{} {}",
            method_name(request.method),
            url
        );
        tracing::trace!(cloud = self.cloud, body = %loggable_response_body(&response), "response {status} {url}");
        Ok(response)
    }
}

enum RetryReason {
    Backoff,
    After(Duration),
    Busy(String),
}

/// Exponential backoff with jitter for retry number `attempt` (0-based).
pub fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(10));
    let capped = exp.min(BACKOFF_CAP);
    let jitter = rand::thread_rng().gen_range(0.5..=1.0);
    capped.mul_f64(jitter)
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    }
}

fn transport_error(url: &str, error: &reqwest::Error) -> HttpError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    if error.is_connect() {
        HttpError::Connect {
            url: url.into(),
            message,
        }
    } else {
        HttpError::NoAnswer {
            url: url.into(),
            message,
        }
    }
}

/// The URL with secret-named query parameters masked.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return crate::secrets::redact(url);
    };
    if parsed.query().is_none() {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if is_secret_key(&k) {
                crate::secrets::MASK.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

fn loggable_headers(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) {
                crate::secrets::MASK
            } else {
                v.as_str()
            };
            format!("{k}: {v}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn loggable_response_body(response: &Response) -> String {
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(v) => truncate(&redact_json(&v).to_string(), 4000),
        Err(_) => match base64_json(&response.text()) {
            // Encoded bodies (StarVCenter) are logged decoded, so their secrets are masked.
            Some(v) => truncate(&format!("base64({})", redact_json(&v)), 4000),
            None => truncate(&response.text(), 4000),
        },
    }
}

/// The JSON inside a base64 text, if it is one.
fn base64_json(text: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_recognised() {
        for key in [
            "X-Token",
            "Authorization",
            "KEY_TOKEN",
            "auth",
            "password",
            "vm.account.pwd",
            "https_private_key",
            "new_password",
            "vm.console.url",
            "vm.vncpasswd",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["name", "rplan", "keys", "public_key", "func"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn json_bodies_are_masked_deeply() {
        let v = serde_json::json!({"name": "a", "password": "hunter22", "vm": {"account.pwd": "x1", "list": [{"token": "t"}]}});
        let r = redact_json(&v).to_string();
        assert!(
            !r.contains("hunter22") && !r.contains("x1") && !r.contains("\"t\""),
            "{r}"
        );
        assert!(r.contains("\"a\""));
    }

    #[test]
    fn url_queries_are_masked() {
        let u = redact_url("http://h/billmgr?func=instances&auth=abc123&out=json");
        assert!(
            u.contains("auth=***") || u.contains("auth=%2A%2A%2A"),
            "{u}"
        );
        assert!(!u.contains("abc123"));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0) <= BACKOFF_BASE);
        assert!(backoff(3) >= BACKOFF_BASE * 4);
        assert!(backoff(30) <= BACKOFF_CAP);
    }
}
