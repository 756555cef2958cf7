//! The control API under `/_sim/` used by tests and the quickstart: health,
//! reset, state dump, request log, faults, random faults (chaos), config, Vscale drift helpers and Zomro
//! session/error/drift helpers.
//! Control requests are never logged and never subject to faults.

use crate::faults::{ChaosConfig, FaultRule};
use crate::http::{segments, ApiRequest, ApiResponse, SimError};
use crate::server::{lock, Shared, Sim};
use crate::util::now_ms;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

/// Whether a path belongs to the control API.
pub fn is_control(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Handles one control request; errors are `{"ok": false, "error": ...}`.
pub fn handle(shared: &Shared, req: &ApiRequest) -> ApiResponse {
    let mut sim = lock(shared);
    let path = req.path.trim_start_matches("/_sim");
    match route(&mut sim, req, &segments(path)) {
        Ok(value) => ApiResponse::json(200, &value),
        Err(e) => ApiResponse::json(e.status, &json!({"ok": false, "error": e.message})),
    }
}

/// `{"ok": true}`.
fn ok() -> Value {
    json!({"ok": true})
}

/// Parses a JSON body (empty = `{}`) into `T`.
fn parse<T: DeserializeOwned>(req: &ApiRequest) -> Result<T, SimError> {
    let object = req.json_object()?;
    serde_json::from_value(Value::Object(object))
        .map_err(|e| SimError::new(400, format!("invalid body: {e}")))
}

/// Body of `POST /_sim/config`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigBody {
    task_ms: Option<u64>,
    /// Unwritten optional texts answered as `""` (see `util::empty_texts`).
    empty_texts: Option<bool>,
    /// Every request's delay before it is answered, in milliseconds.
    latency_ms: Option<u64>,
}

/// Body of `POST /_sim/vscale/fail_next_tasks`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailBody {
    #[serde(default = "one")]
    count: u32,
    method: Option<String>,
}

/// Body of `POST /_sim/vscale/tokens`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    token: String,
    #[serde(default)]
    read_only: bool,
}

/// Body of `POST /_sim/zomro/errors`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZomroErrorBody {
    #[serde(default = "one")]
    count: u32,
    func: Option<String>,
    #[serde(default = "error_type")]
    r#type: String,
    message: String,
}

/// Serde default for a queued Zomro error's `$type`.
fn error_type() -> String {
    "error".into()
}

/// Body of `POST /_sim/starvcenter/fail_next_tasks`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SvcFailBody {
    #[serde(default = "one")]
    count: u32,
    kind: Option<String>,
    result: Option<u8>,
    resultinfo: Option<String>,
}

/// Body of `POST /_sim/starvcenter/config`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SvcConfigBody {
    task_ms: Option<u64>,
    task_log: Option<bool>,
}

/// Body of `POST /_sim/starvcenter/tokens`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SvcTokenBody {
    token: String,
    tenant_id: String,
}

/// Body of `POST /_sim/starvcenter/vms/{id}/lock`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SvcLockBody {
    code: i32,
    ms: u64,
}

/// Body of `POST /_sim/starvcenter/rule_effect`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SvcRuleEffectBody {
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    resets: u32,
}

/// Body of `POST /_sim/inet/dates`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InetDatesBody {
    date_ms: Option<u64>,
}

/// Serde default for counts.
fn one() -> u32 {
    1
}

/// iNET control endpoints: seeding and drift (see `inet::oob`).
fn inet_route(sim: &mut Sim, req: &ApiRequest, segs: &[&str], now: u64) -> Result<Value, SimError> {
    let inet = &mut sim.inet;
    match (req.method.as_str(), segs) {
        ("POST", ["inet", "vps"]) => inet.seed_vps(parse(req)?, now),
        ("PATCH", ["inet", "vps", id]) => inet.patch_vps(id, &req.json_object()?, now),
        ("DELETE", ["inet", "vps", id]) => inet.remove_vps(id, now),
        ("POST", ["inet", "vps", id, "backups"]) => inet.seed_backup(id, parse(req)?, now),
        ("DELETE", ["inet", "vps", id, kind, sub]) => inet.remove_sub(id, kind, sub),
        ("POST", ["inet", "dates"]) => Ok(inet.set_dates(parse::<InetDatesBody>(req)?.date_ms)),
        ("POST", ["inet", "shape"]) => Ok(inet.set_shape(parse::<crate::inet::ShapeBody>(req)?)),
        _ => Err(SimError::new(404, "unknown control endpoint")),
    }
}

/// Runs one control request.
fn route(sim: &mut Sim, req: &ApiRequest, segs: &[&str]) -> Result<Value, SimError> {
    let now = now_ms();
    match (req.method.as_str(), segs) {
        ("GET", ["health"]) => Ok(ok()),
        ("POST", ["reset"]) => {
            sim.reset();
            Ok(ok())
        }
        ("GET", ["state"]) => Ok(sim.dump(now)),
        ("GET", ["requests"]) => Ok(sim.log.render()),
        ("DELETE", ["requests"]) => {
            sim.log.clear();
            Ok(ok())
        }
        ("GET", ["faults"]) => Ok(sim.faults.render()),
        ("POST", ["faults"]) => {
            sim.faults.push(parse::<FaultRule>(req)?)?;
            Ok(ok())
        }
        ("DELETE", ["faults"]) => {
            sim.faults.clear();
            Ok(ok())
        }
        ("GET", ["chaos"]) => Ok(sim.chaos.render()),
        ("POST", ["chaos"]) => {
            sim.chaos.start(parse::<ChaosConfig>(req)?)?;
            Ok(ok())
        }
        ("DELETE", ["chaos"]) => {
            sim.chaos.stop();
            Ok(sim.chaos.render())
        }
        ("POST", ["config"]) => {
            let body = parse::<ConfigBody>(req)?;
            if let Some(task_ms) = body.task_ms {
                sim.vscale.set_task_ms(task_ms);
                sim.zomro.set_op_ms(task_ms);
                sim.inet.set_transition_ms(task_ms);
                sim.starvcenter.configure(Some(task_ms), None);
            }
            if let Some(on) = body.empty_texts {
                crate::util::set_empty_texts(on);
            }
            if let Some(latency_ms) = body.latency_ms {
                sim.latency_ms = latency_ms;
            }
            let empty_texts = crate::util::empty_texts();
            Ok(
                json!({"ok": true, "task_ms": sim.vscale.task_ms(), "empty_texts": empty_texts, "latency_ms": sim.latency_ms}),
            )
        }
        ("POST", ["vscale", "fail_next_tasks"]) => {
            let body: FailBody = parse(req)?;
            sim.vscale.fail_next_tasks(body.count, body.method)?;
            Ok(ok())
        }
        ("POST", ["vscale", "shape"]) => {
            let body: crate::vscale::ShapeBody = parse(req)?;
            Ok(sim.vscale.set_shape(body))
        }
        ("POST", ["vscale", "tokens"]) => {
            let body: TokenBody = parse(req)?;
            sim.vscale.add_token(&body.token, body.read_only)?;
            Ok(ok())
        }
        ("PATCH", ["vscale", kind, id]) => {
            sim.vscale.patch_object(kind, id, &req.json_object()?, now)
        }
        ("DELETE", ["vscale", kind, id]) => sim.vscale.remove_object(kind, id, now),
        ("POST", ["zomro", "expire_sessions"]) => {
            let expired = sim.zomro.expire_sessions();
            Ok(json!({"ok": true, "expired": expired}))
        }
        ("POST", ["zomro", "errors"]) => {
            let body: ZomroErrorBody = parse(req)?;
            sim.zomro
                .queue_errors(body.count, body.func, &body.r#type, &body.message)?;
            Ok(ok())
        }
        ("POST", ["zomro", "shape"]) => {
            let body: crate::zomro::ShapeBody = parse(req)?;
            Ok(sim.zomro.set_shape(body))
        }
        ("PATCH", ["zomro", "instances", id]) => {
            sim.zomro.patch_instance(id, &req.json_object()?, now)
        }
        ("DELETE", ["zomro", "instances", id]) => sim.zomro.remove_instance(id, now),
        (_, ["inet", ..]) => inet_route(sim, req, segs, now),
        ("POST", ["starvcenter", "fail_next_tasks"]) => {
            let body: SvcFailBody = parse(req)?;
            let result = body.result.unwrap_or(1);
            sim.starvcenter
                .fail_next_tasks(body.count, body.kind, result, body.resultinfo)?;
            Ok(ok())
        }
        ("POST", ["starvcenter", "config"]) => {
            let body: SvcConfigBody = parse(req)?;
            Ok(sim.starvcenter.configure(body.task_ms, body.task_log))
        }
        ("POST", ["starvcenter", "shape"]) => {
            let body: crate::starvcenter::ShapeBody = parse(req)?;
            Ok(sim.starvcenter.set_shape(body))
        }
        ("POST", ["starvcenter", "tokens"]) => {
            let body: SvcTokenBody = parse(req)?;
            sim.starvcenter.add_token(&body.token, &body.tenant_id)?;
            Ok(ok())
        }
        ("POST", ["starvcenter", "vms"]) => sim.starvcenter.seed_vm(&req.json_object()?, now),
        ("POST", ["starvcenter", "vms", id, "lock"]) => {
            let body: SvcLockBody = parse(req)?;
            sim.starvcenter.lock_vm(id, body.code, body.ms, now)
        }
        ("POST", ["starvcenter", "rule_effect"]) => {
            let body: SvcRuleEffectBody = parse(req)?;
            Ok(sim.starvcenter.rules_ineffective(body.count, body.resets))
        }
        ("PATCH", ["starvcenter", kind, id]) => {
            sim.starvcenter
                .patch_object(kind, id, &req.json_object()?, now)
        }
        ("DELETE", ["starvcenter", kind, id]) => sim.starvcenter.remove_object(kind, id, now),
        _ => Err(SimError::new(404, "unknown control endpoint")),
    }
}
