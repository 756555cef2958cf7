//! The Vscale API v1 (`/vscale/v1`), following the Vscale document
//! (Vscale API, "Работа с API Vscale") and, where it is silent, the real public
//! Vscale API v1.

mod catalog;
mod oob;
mod resources;
mod scalets;
mod shape;
mod tasks;
mod wire;

pub use shape::ShapeBody;

use crate::http::{segments, strip_prefix, ApiRequest, ApiResponse, CloudApi, SimError};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use wire::{render, Backup, Scalet, SshKey, Task};

/// Path prefix of this API on the simulator's port (docs/design/wire.md, "Endpoints and credentials").
const PREFIX: &str = "/vscale/v1";

/// Header that carries the id of the task an action started (docs/design/wire.md, "Vscale").
const TASK_HEADER: &str = "VSCALE-TASK-ID";

/// Header that carries the error description (Vscale doc, intro: "При
/// возникновении ошибки вы получите её код и краткое описание (оно содержится в
/// заголовке Vscale-Error-Message)").
const ERROR_HEADER: &str = "Vscale-Error-Message";

/// A queued request from `/_sim/vscale/fail_next_tasks`.
#[derive(Clone, Debug)]
struct FailRule {
    count: u32,
    method: Option<String>,
}

/// The state of the simulated Vscale account.
#[derive(Debug)]
pub struct Vscale {
    startup_task_ms: u64,
    task_ms: u64,
    /// Accepted tokens → read-only.
    tokens: HashMap<String, bool>,
    scalets: BTreeMap<u64, Scalet>,
    sshkeys: BTreeMap<u64, SshKey>,
    backups: BTreeMap<String, Backup>,
    tasks: Vec<Task>,
    fail_rules: Vec<FailRule>,
    next_ctid: u64,
    next_key_id: u64,
    next_address: u64,
    /// Answer shapes chosen through `POST /_sim/vscale/shape`.
    shape: shape::Shape,
}

impl Vscale {
    /// A fresh account whose tasks last `task_ms` milliseconds.
    pub fn new(task_ms: u64) -> Self {
        let tokens = [("sim-vscale-token", false), ("sim-vscale-readonly", true)]
            .into_iter()
            .map(|(t, ro)| (t.to_string(), ro))
            .collect();
        Vscale {
            startup_task_ms: task_ms,
            task_ms,
            tokens,
            scalets: BTreeMap::new(),
            sshkeys: BTreeMap::new(),
            backups: BTreeMap::new(),
            tasks: Vec::new(),
            fail_rules: Vec::new(),
            // Vscale doc, "Создаём новый сервер": `"ctid": 12600`, `"keys": [92]`.
            next_ctid: 12600,
            next_key_id: 92,
            next_address: 0,
            shape: shape::Shape::default(),
        }
    }

    /// Checks `X-Token` (Vscale doc, "Генерация токена": the token goes in the
    /// `X-Token` header of every request); returns whether it is read-only.
    fn authenticate(&self, req: &ApiRequest) -> Result<bool, SimError> {
        let token = req
            .header("x-token")
            .map(str::trim)
            .ok_or_else(|| SimError::new(401, "X-Token header is missing"))?;
        self.tokens
            .get(token)
            .copied()
            .ok_or_else(|| SimError::new(401, "invalid token"))
    }

    /// Authenticates, routes and runs one request.
    fn route(&mut self, req: &ApiRequest, now: u64) -> Result<ApiResponse, SimError> {
        let read_only = self.authenticate(req)?;
        let rest = strip_prefix(&req.path, PREFIX).unwrap_or_default();
        let segs = segments(rest);
        let resource = Resource::parse(&segs).ok_or_else(|| SimError::new(404, "not found"))?;
        if !resource.allowed_methods().contains(&req.method.as_str()) {
            return Err(SimError::new(405, "method not allowed"));
        }
        // Vscale doc, "Генерация токена": read-only tokens "могут использоваться
        // только в GET-запросах".
        if read_only && req.method != "GET" {
            return Err(SimError::new(
                403,
                "read-only token: only GET requests are allowed",
            ));
        }
        self.dispatch(resource, req, now)
    }

    /// Runs a routed request.
    fn dispatch(
        &mut self,
        resource: Resource,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let get = req.method == "GET";
        match resource {
            Resource::Scalets if get => Ok(self.list_scalets()),
            Resource::Scalets => self.create_scalet(req, now),
            Resource::Scalet(id) if get => self.get_scalet(id),
            Resource::Scalet(id) if req.method == "PATCH" => self.add_keys(id, req),
            Resource::Scalet(id) => self.delete_scalet(id, now),
            Resource::ScaletAction(id, "upgrade") => self.upgrade(id, req, now),
            Resource::ScaletAction(id, "backup") => self.create_backup(id, req, now),
            Resource::ScaletAction(id, "rebuild") => self.rebuild(id, req, now),
            Resource::ScaletAction(id, action) => self.power(id, action, req, now),
            Resource::Tasks => Ok(self.list_tasks()),
            Resource::Backups => Ok(ok(self.backups.values().map(render).collect())),
            Resource::Backup(id) if get => self.get_backup(id),
            Resource::Backup(id) => self.delete_backup(id),
            Resource::SshKeys if get => Ok(ok(self.sshkeys.values().map(render).collect())),
            Resource::SshKeys => self.create_sshkey(req),
            Resource::SshKey(id) => self.delete_sshkey(id),
            Resource::Images => Ok(ApiResponse::json(200, &catalog::images_json())),
            Resource::Rplans => Ok(ApiResponse::json(200, &catalog::rplans_json())),
            Resource::Locations => Ok(ApiResponse::json(200, &catalog::locations_json())),
            Resource::Account => Ok(ApiResponse::json(200, &resources::account_json())),
            Resource::Balance => Ok(ApiResponse::json(200, &resources::balance_json())),
        }
    }
}

/// A 200 answer with a JSON array.
fn ok(items: Vec<Value>) -> ApiResponse {
    ApiResponse::json(200, &Value::Array(items))
}

/// An answer carrying a started task's id.
fn with_task(status: u16, body: &Value, task_id: &str) -> ApiResponse {
    ApiResponse::json(status, body).with_header(TASK_HEADER, task_id)
}

/// What a path under `/vscale/v1` addresses.
#[derive(Clone, Copy, Debug)]
enum Resource<'a> {
    Scalets,
    Scalet(&'a str),
    ScaletAction(&'a str, &'a str),
    Tasks,
    Backups,
    Backup(&'a str),
    SshKeys,
    SshKey(&'a str),
    Images,
    Rplans,
    Locations,
    Account,
    Balance,
}

impl<'a> Resource<'a> {
    /// Recognises a path (segments after the prefix).
    fn parse(segs: &[&'a str]) -> Option<Self> {
        Some(match *segs {
            ["scalets"] => Resource::Scalets,
            ["scalets", id] => Resource::Scalet(id),
            ["scalets", id, action @ ("restart" | "stop" | "start" | "rebuild" | "upgrade" | "backup")] => {
                Resource::ScaletAction(id, action)
            }
            ["tasks"] => Resource::Tasks,
            ["backups"] => Resource::Backups,
            ["backups", id] => Resource::Backup(id),
            ["sshkeys"] => Resource::SshKeys,
            ["sshkeys", id] => Resource::SshKey(id),
            ["images"] => Resource::Images,
            ["rplans"] => Resource::Rplans,
            ["locations"] => Resource::Locations,
            ["account"] => Resource::Account,
            ["billing", "balance"] => Resource::Balance,
            _ => return None,
        })
    }

    /// Methods the path accepts. Vscale doc: `upgrade` is POST, `restart`,
    /// `stop`, `start` are PATCH, delete is DELETE (docs/design/wire.md, "Vscale" confirms);
    /// `rebuild` (PATCH), `backup` (POST) and `PATCH /scalets/{ctid}` follow the
    /// real Vscale API v1.
    fn allowed_methods(self) -> &'static [&'static str] {
        match self {
            Resource::Scalets | Resource::SshKeys => &["GET", "POST"],
            Resource::Scalet(_) => &["GET", "PATCH", "DELETE"],
            Resource::ScaletAction(_, "upgrade" | "backup") => &["POST"],
            Resource::ScaletAction(..) => &["PATCH"],
            Resource::Backup(_) => &["GET", "DELETE"],
            Resource::SshKey(_) => &["DELETE"],
            _ => &["GET"],
        }
    }
}

impl CloudApi for Vscale {
    fn handle(&mut self, req: &ApiRequest, now: u64) -> ApiResponse {
        self.advance(now);
        let response = self
            .route(req, now)
            .unwrap_or_else(|e| self.error_response(e.status, &e.message));
        self.shape.answer(response)
    }

    // Vscale doc, intro: the error is the HTTP status plus the
    // `Vscale-Error-Message` header (docs/design/wire.md, "Vscale"); the body is `{}`.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        ApiResponse::json(status, &json!({})).with_header(ERROR_HEADER, message)
    }

    /// Vscale API, intro: errors are the status plus `Vscale-Error-Message`; a scalet
    /// a task holds answers 409 "locked" (as `tasks.rs` does for real locks).
    fn busy_response(&self) -> ApiResponse {
        self.error_response(409, "scalet is locked by a running task")
    }

    fn dump(&mut self, now: u64) -> Value {
        self.advance(now);
        let mut tasks: Vec<&Task> = self.tasks.iter().collect();
        tasks.sort_by(|a, b| a.id.cmp(&b.id));
        json!({
            "scalets": self.scalets.values().map(render).collect::<Vec<_>>(),
            "sshkeys": self.sshkeys.values().map(render).collect::<Vec<_>>(),
            "backups": self.backups.values().map(render).collect::<Vec<_>>(),
            "tasks": tasks.into_iter().map(Task::to_json).collect::<Vec<_>>(),
        })
    }

    fn reset(&mut self) {
        *self = Vscale::new(self.startup_task_ms);
    }
}
