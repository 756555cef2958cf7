//! Zomro BILLmanager API (`/zomro/billmgr`): not implemented yet; every
//! request answers in BILLmanager's error shape.

use crate::http::{ApiRequest, ApiResponse, CloudApi};
use serde_json::{json, Value};

/// State of the simulated Zomro cloud (empty until the module is written).
#[derive(Debug, Default)]
pub struct Zomro;

impl CloudApi for Zomro {
    fn handle(&mut self, _req: &ApiRequest, _now: u64) -> ApiResponse {
        self.error_response(200, "not implemented in polycloud-sim yet")
    }

    // SPEC §6: answers are `{"doc": {...}}` with XML-style keys; errors come with
    // HTTP 200 as `doc.error` (`$type`, `msg.$`). An injected fault keeps the
    // injected HTTP status but the same body shape.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        let error_type = if status == 200 { "unknown" } else { "injected" };
        let body = json!({"doc": {"error": {"$type": error_type, "msg": {"$": message}}}});
        ApiResponse::json(status, &body)
    }

    fn dump(&mut self, _now: u64) -> Value {
        json!({})
    }

    fn reset(&mut self) {
        *self = Zomro;
    }
}
