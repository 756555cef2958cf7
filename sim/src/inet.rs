//! iNET Cloud VPS API (`/inet/api/gateway/v1`): not implemented yet; every
//! request answers in iNET's error shape.

use crate::http::{ApiRequest, ApiResponse, CloudApi};
use serde_json::{json, Value};

/// State of the simulated iNET cloud (empty until the module is written).
#[derive(Debug, Default)]
pub struct Inet;

impl CloudApi for Inet {
    fn handle(&mut self, _req: &ApiRequest, _now: u64) -> ApiResponse {
        self.error_response(501, "not implemented in polycloud-sim yet")
    }

    // SPEC §6: every answer is `{"success": bool, "data": ..., "meta": {...}}`; a
    // failure is `success: false` with `meta.message` (and a 4xx/5xx status).
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        let body = json!({"success": false, "data": null, "meta": {"message": message}});
        ApiResponse::json(status, &body)
    }

    fn dump(&mut self, _now: u64) -> Value {
        json!({})
    }

    fn reset(&mut self) {
        *self = Inet;
    }
}
