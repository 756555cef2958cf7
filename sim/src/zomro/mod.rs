//! Zomro's BILLmanager API (`/zomro/billmgr`), following the Zomro document
//! (Zomro API, `instances.fleio.rebuild`) and docs/design/wire.md, "Zomro" for the rest of the wire: one
//! endpoint, parameters as a form (POST, or the query string), `func` names the
//! function, `auth` carries the session, `out=json`; answers are `{"doc": {...}}`
//! with `$`-keys and errors come with HTTP 200 as `doc.error`.

mod catalog;
mod form;
mod instances;
mod oob;
mod shape;
mod wire;

pub use shape::ShapeBody;

use crate::http::{strip_prefix, ApiRequest, ApiResponse, CloudApi};
use instances::Instance;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use wire::{doc, text, DocError};

/// Path prefix of this API on the simulator's port (docs/design/wire.md, "Endpoints and credentials").
const PREFIX: &str = "/zomro/billmgr";

/// The user `func=auth` accepts, and its password.
pub const USERNAME: &str = "sim-zomro-user";
/// Password of [`USERNAME`].
pub const PASSWORD: &str = "Sim-zomro-pass1";
/// A permanent session id accepted as `auth` (what users put in `token`); it never
/// expires, unlike the sessions `func=auth` hands out.
pub const TOKEN: &str = "sim-zomro-token";

/// Parameters of one request (query string and form body; the body wins).
pub type Params = BTreeMap<String, String>;

/// A queued error from `POST /_sim/zomro/errors`.
#[derive(Clone, Debug)]
struct ErrorRule {
    count: u32,
    func: Option<String>,
    error: DocError,
}

/// A session handed out by `func=auth`.
#[derive(Clone, Debug)]
struct Session {
    expired: bool,
}

/// The state of the simulated Zomro account.
#[derive(Debug)]
pub struct Zomro {
    startup_op_ms: u64,
    op_ms: u64,
    sessions: HashMap<String, Session>,
    instances: BTreeMap<u64, Instance>,
    errors: Vec<ErrorRule>,
    next_id: u64,
    next_address: u64,
    /// Answer shapes where the document is silent (`shape.rs`).
    shape: shape::Shape,
}

impl Zomro {
    /// A fresh account whose operations (order, power, rebuild, ...) last `op_ms`.
    pub fn new(op_ms: u64) -> Self {
        Zomro {
            startup_op_ms: op_ms,
            op_ms,
            sessions: HashMap::new(),
            instances: BTreeMap::new(),
            errors: Vec::new(),
            // Zomro API, parameter table: `elid 5113119`.
            next_id: 5113119,
            next_address: 0,
            shape: Default::default(),
        }
    }

    /// Sets the duration of operations started from now on.
    pub fn set_op_ms(&mut self, op_ms: u64) {
        self.op_ms = op_ms;
    }

    /// `func=auth` (BILLmanager's sign-in): `username` + `password` → a session id in
    /// `doc.auth` (`$id` and `$`).
    fn sign_in(&mut self, params: &Params) -> Result<ApiResponse, DocError> {
        let user = params.get("username").map(String::as_str).unwrap_or("");
        let pass = params.get("password").map(String::as_str).unwrap_or("");
        if user != USERNAME || pass != PASSWORD {
            return Err(DocError::new("auth", "", "Invalid username or password"));
        }
        let session = crate::util::uuid_v4().replace('-', "");
        self.sessions
            .insert(session.clone(), Session { expired: false });
        let mut body = Map::new();
        body.insert(
            "auth".into(),
            json!({"$id": session, "$level": "16", "$": session}),
        );
        Ok(doc("auth", body))
    }

    /// Checks `auth`: the permanent token or a live session.
    fn authenticate(&self, params: &Params) -> Result<(), DocError> {
        let Some(auth) = params.get("auth").filter(|a| !a.is_empty()) else {
            return Err(DocError::new("auth", "", "Authorization required"));
        };
        if auth == TOKEN {
            return Ok(());
        }
        match self.sessions.get(auth) {
            Some(s) if !s.expired => Ok(()),
            Some(_) => Err(DocError::new(
                "auth",
                "session",
                "Session expired, please log in again",
            )),
            None => Err(DocError::new("auth", "session", "Invalid session")),
        }
    }

    /// The first queued error matching `func` (consumes one unit).
    fn take_error(&mut self, func: &str) -> Option<DocError> {
        let index = self
            .errors
            .iter()
            .position(|r| r.func.as_deref().is_none_or(|f| f == func))?;
        let rule = &mut self.errors[index];
        rule.count -= 1;
        let error = rule.error.clone();
        if rule.count == 0 {
            self.errors.remove(index);
        }
        Some(error)
    }

    /// Checks the envelope, signs in or authenticates, then runs `func`.
    fn route(&mut self, params: &Params, now: u64) -> Result<ApiResponse, DocError> {
        // Zomro API: `out json` is obligatory ("Tak").
        if params.get("out").map(String::as_str) != Some("json") {
            return Err(DocError::value(
                "out",
                "polycloud-sim answers out=json only",
            ));
        }
        let func = params
            .get("func")
            .filter(|f| !f.is_empty())
            .ok_or_else(|| DocError::empty("func"))?
            .clone();
        if func == "auth" {
            return self.sign_in(params);
        }
        self.authenticate(params)?;
        if let Some(error) = self.take_error(&func) {
            return Err(error);
        }
        self.advance(now);
        self.dispatch(&func, params, now)
    }

    /// Runs an authenticated function.
    fn dispatch(&mut self, func: &str, params: &Params, now: u64) -> Result<ApiResponse, DocError> {
        match func {
            "whoami" => {
                let mut body = Map::new();
                body.insert(
                    "user".into(),
                    json!({"$name": USERNAME, "$id": "1", "$level": "16", "$": USERNAME}),
                );
                Ok(doc(func, body))
            }
            "instances" => self.list(params),
            "v2.instances.order.pricelist" => {
                let datacenter = params.get("datacenter").filter(|d| !d.is_empty());
                let body = catalog::pricelist_doc(datacenter.map(String::as_str));
                Ok(doc(func, self.shape.catalog(body)))
            }
            "v2.instances.order.param" => self.order(params, now),
            "instances.fleio.rebuild" => self.rebuild(params, now),
            "service.start" | "service.stop" | "service.reboot" => self.power(func, params, now),
            "service.changepricelist" => self.change_pricelist(params, now),
            "instances.delete" => self.delete(params, now),
            _ => Err(DocError::new(
                "missed",
                "func",
                format!("Function {func} not found"),
            )),
        }
    }
}

impl CloudApi for Zomro {
    fn handle(&mut self, req: &ApiRequest, now: u64) -> ApiResponse {
        let rest = strip_prefix(&req.path, PREFIX).unwrap_or("/x");
        if !(rest.is_empty() || rest == "/") {
            return self.error_response(404, "not found: the API has one endpoint, /zomro/billmgr");
        }
        if req.method != "POST" && req.method != "GET" {
            return self.error_response(405, "method not allowed: POST a form");
        }
        let params = form::params(req);
        self.route(&params, now).unwrap_or_else(|e| e.render(200))
    }

    // docs/design/wire.md, "Zomro": errors come with HTTP 200 as `doc.error` (`$type`, `msg.$`). An
    // injected fault keeps the injected HTTP status but the same body shape.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        let kind = if status == 200 { "unknown" } else { "injected" };
        DocError::new(kind, "", message).render(status)
    }

    /// HTTP 200 `doc.error` "Request in process, please wait": busy, not failure (docs/design/wire.md, "Zomro").
    fn busy_response(&self) -> ApiResponse {
        DocError::busy().render(200)
    }

    fn dump(&mut self, now: u64) -> Value {
        self.advance(now);
        let expired = self.sessions.values().filter(|s| s.expired).count();
        json!({
            "instances": self
                .instances
                .values()
                .map(|i| wire::flatten(&i.render(&Default::default())))
                .collect::<Vec<_>>(),
            "sessions": {"active": self.sessions.len() - expired, "expired": expired},
        })
    }

    fn reset(&mut self) {
        *self = Zomro::new(self.startup_op_ms);
    }
}

/// `{"$": ...}` for numbers and text alike (used by the instance renderer).
fn t(value: impl ToString) -> Value {
    text(value)
}
