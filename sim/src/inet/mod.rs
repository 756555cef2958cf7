//! The iNET Cloud VPS gateway (`/inet/api/gateway/v1`), following the iNET
//! document (iNET API, "Quản lý Cloud VPS") and docs/design/wire.md, "iNET" where it is
//! ambiguous: `page` is 1-based and `number` echoes it; every answer is
//! `{"success", "data", "meta"}`; a failure is `success: false` with
//! `meta.message` and a 4xx/5xx status.
//!
//! iNET cannot create a VPS through this API: servers are seeded with the
//! control API (`POST /_sim/inet/vps`), like ones ordered in iNET's portal.

mod actions;
mod oob;
mod shape;
mod wire;

pub use shape::ShapeBody;

use crate::http::{segments, strip_prefix, ApiRequest, ApiResponse, CloudApi, SimError};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use wire::{envelope, Vps};

/// Path prefix of this API on the simulator's port (docs/design/wire.md, "Endpoints and credentials").
const PREFIX: &str = "/inet/api/gateway/v1";

/// The token accepted at startup (iNET doc, "Authentication": "API key Bearer
/// token qua header Authorization: Bearer YOUR_API_KEY").
pub const TOKEN: &str = "sim-inet-token";

/// Default and largest `pageSize` of "Danh sách Cloud VPS" (the document
/// gives neither; decided in sim/README.md).
const DEFAULT_PAGE_SIZE: u64 = 20;
const MAX_PAGE_SIZE: u64 = 100;

/// The state of the simulated iNET account.
#[derive(Debug)]
pub struct Inet {
    startup_transition_ms: u64,
    transition_ms: u64,
    vps: BTreeMap<u64, Vps>,
    next_vps_id: u64,
    next_sub_id: u64,
    /// A fixed instant (Unix ms) for the dates of objects made from now on
    /// (`POST /_sim/inet/dates`), instead of the clock.
    date_ms: Option<u64>,
    /// Answer shapes where the document is silent (`shape.rs`).
    shape: shape::Shape,
}

impl Inet {
    /// A fresh account whose power transitions last `transition_ms`.
    pub fn new(transition_ms: u64) -> Self {
        Inet {
            startup_transition_ms: transition_ms,
            transition_ms,
            vps: BTreeMap::new(),
            next_vps_id: 1001,
            next_sub_id: 501,
            date_ms: None,
            shape: Default::default(),
        }
    }

    /// `POST /_sim/inet/dates` with `{"date_ms": N}` (or `null` for the clock):
    /// every server, snapshot, backup and volume made from now on is dated N, so a
    /// test can choose a day above 12 and tell dd/MM from MM/dd by value.
    pub fn set_dates(&mut self, date_ms: Option<u64>) -> Value {
        self.date_ms = date_ms;
        json!({"ok": true, "date_ms": date_ms})
    }

    /// The creation instant of an object made at `now`.
    pub(super) fn stamp(&self, now: u64) -> u64 {
        self.date_ms.unwrap_or(now)
    }

    /// Sets how long start/shutdown/reboot and snapshot creation take.
    pub fn set_transition_ms(&mut self, ms: u64) {
        self.transition_ms = ms;
    }

    /// Ends every transition whose time has come.
    pub(super) fn advance(&mut self, now: u64) {
        for vps in self.vps.values_mut() {
            vps.advance(now);
        }
    }

    /// Checks `Authorization: Bearer <token>`.
    fn authenticate(req: &ApiRequest) -> Result<(), SimError> {
        let header = req
            .header("authorization")
            .ok_or_else(|| SimError::new(401, "missing Authorization: Bearer header"))?;
        match header.trim().strip_prefix("Bearer ") {
            Some(token) if token.trim() == TOKEN => Ok(()),
            Some(_) => Err(SimError::new(401, "invalid API key")),
            None => Err(SimError::new(
                401,
                "Authorization must be `Bearer <API key>`",
            )),
        }
    }

    /// Authenticates, routes and runs one request; the answer's `data`.
    fn route(&mut self, req: &ApiRequest, now: u64) -> Result<Value, SimError> {
        Self::authenticate(req)?;
        let rest = strip_prefix(&req.path, PREFIX).unwrap_or_default();
        let segs = segments(rest);
        let m = req.method.as_str();
        match (m, segs.as_slice()) {
            ("GET", ["vps"]) => self.list(req),
            (_, ["vps"]) => Err(method_not_allowed()),
            (_, ["vps", id, rest @ ..]) => {
                let id = self.vps_id(id)?;
                self.vps_route(m, id, rest, req, now)
            }
            _ => Err(SimError::new(404, "no such endpoint")),
        }
    }

    /// Endpoints under `/vps/{vpsId}`.
    fn vps_route(
        &mut self,
        m: &str,
        id: u64,
        rest: &[&str],
        req: &ApiRequest,
        now: u64,
    ) -> Result<Value, SimError> {
        match (m, rest) {
            ("GET", []) => Ok(self.shape.detail(self.vps[&id].render_detail())),
            ("GET", ["getserver"]) => Ok(self.shape.server(self.vps[&id].render_server())),
            ("GET", ["keypair"]) => Ok(self
                .shape
                .secret(self.vps[&id].render_keypair(), "public_key")),
            ("GET", ["privatekey"]) => self
                .private_key(id, req)
                .map(|key| self.shape.secret(key, "privateKey")),
            ("GET", ["console"]) => Ok(self.shape.secret(self.console(id), "url")),
            ("POST", ["password"]) => self.reset_password(id, now),
            ("PATCH", ["note"]) => self.set_note(id, req, now),
            ("PATCH", ["auto-snapshot"]) => self.set_auto_snapshot(id, req, now),
            ("POST", [action @ ("start" | "shutdown" | "reboot-soft" | "reboot-hard")]) => {
                self.power(id, action, now)
            }
            ("GET", ["snapshot"]) => Ok(match self.list_snapshots(id, now) {
                Value::Array(items) => items.into_iter().map(|s| self.shape.snapshot(s)).collect(),
                other => other,
            }),
            ("POST", ["snapshot"]) => {
                let made = self.create_snapshot(id, now);
                Ok(self.shape.created_answer(self.shape.status(made)))
            }
            ("DELETE", ["snapshot", sub]) => self.delete_snapshot(id, sub),
            ("GET", ["backup"]) => Ok(Value::Array(self.shape.backups(self.list_backups(id)))),
            ("DELETE", ["backup", sub]) => self.delete_backup(id, sub),
            ("POST", ["volume"]) => self
                .create_volume(id, req, now)
                .map(|made| self.shape.created_answer(made)),
            ("DELETE", ["volume", sub]) => self.delete_volume(id, sub),
            (
                _,
                []
                | ["getserver" | "keypair" | "privatekey" | "console" | "password" | "note"
                | "auto-snapshot" | "start" | "shutdown" | "reboot-soft" | "reboot-hard"
                | "snapshot" | "backup" | "volume"]
                | ["snapshot" | "backup" | "volume", _],
            ) => Err(method_not_allowed()),
            _ => Err(SimError::new(404, "no such endpoint")),
        }
    }

    /// The id of an existing VPS, or 404.
    pub(super) fn vps_id(&self, id: &str) -> Result<u64, SimError> {
        id.parse::<u64>()
            .ok()
            .filter(|id| self.vps.contains_key(id))
            .ok_or_else(|| SimError::new(404, format!("VPS {id} not found")))
    }

    /// `GET /vps` ("Danh sách Cloud VPS"): `name` (contains, case-insensitive),
    /// `status` (exact), `page` (1-based, docs/design/wire.md, "iNET"), `pageSize`. `data` is the
    /// page object; `number` echoes `page`.
    fn list(&self, req: &ApiRequest) -> Result<Value, SimError> {
        let q = query(&req.query);
        let page = number_param(&q, "page", 1)?;
        let size = number_param(&q, "pageSize", DEFAULT_PAGE_SIZE)?;
        if page < 1 || !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(SimError::new(
                400,
                format!("page must be ≥ 1 and pageSize 1..{MAX_PAGE_SIZE}"),
            ));
        }
        let name = q.get("name").map(|n| n.to_lowercase()).unwrap_or_default();
        let status = q.get("status").cloned().unwrap_or_default();
        let matching: Vec<&Vps> = self
            .vps
            .values()
            .filter(|v| v.name.to_lowercase().contains(&name))
            .filter(|v| status.is_empty() || v.status == status)
            .collect();
        let total = matching.len() as u64;
        let content: Vec<Value> = matching
            .iter()
            .skip(((page - 1) * size) as usize)
            .take(size as usize)
            .map(|v| self.shape.detail(v.render_summary()))
            .collect();
        Ok(self.shape.page(json!({
            "size": size,
            "number": page,
            "numberOfElements": content.len(),
            "content": content,
            "totalPages": total.div_ceil(size),
            "totalElements": total,
        })))
    }
}

/// 405 in iNET's shape.
fn method_not_allowed() -> SimError {
    SimError::new(405, "method not allowed")
}

/// Decoded query parameters.
fn query(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (crate::util::form_decode(k), crate::util::form_decode(v))
        })
        .collect()
}

/// An integer query parameter with a default; 400 when not a number.
fn number_param(q: &BTreeMap<String, String>, key: &str, default: u64) -> Result<u64, SimError> {
    match q.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| SimError::new(400, format!("{key} must be an integer"))),
    }
}

impl CloudApi for Inet {
    fn handle(&mut self, req: &ApiRequest, now: u64) -> ApiResponse {
        self.advance(now);
        match self.route(req, now) {
            Ok(data) => ApiResponse::json(200, &envelope(data, Map::new())),
            Err(e) => self.error_response(e.status, &e.message),
        }
    }

    // docs/design/wire.md, "iNET": every answer is `{"success": bool, "data": ..., "meta": {...}}`; a
    // failure is `success: false` with `meta.message` (and a 4xx/5xx status).
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        let body = json!({"success": false, "data": null, "meta": {"message": message}});
        ApiResponse::json(status, &body)
    }

    /// The 409 `actions.rs` answers while a transition runs (iNET doc, "Hành động").
    fn busy_response(&self) -> ApiResponse {
        self.error_response(409, "VPS is busy (another action is running)")
    }

    fn dump(&mut self, now: u64) -> Value {
        self.advance(now);
        json!({"vps": self.vps.values().map(|v| v.render_state(now)).collect::<Vec<_>>()})
    }

    fn reset(&mut self) {
        *self = Inet::new(self.startup_transition_ms);
    }
}
