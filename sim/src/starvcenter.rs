//! StarVCenter API (`/starvcenter/services/cloudresource`): not implemented
//! yet; every request answers in StarVCenter's error shape.

use crate::http::{ApiRequest, ApiResponse, CloudApi};
use base64::Engine as _;
use serde_json::{json, Value};

/// State of the simulated StarVCenter cloud (empty until the module is written).
#[derive(Debug, Default)]
pub struct StarVCenter;

impl CloudApi for StarVCenter {
    fn handle(&mut self, _req: &ApiRequest, _now: u64) -> ApiResponse {
        self.error_response(200, "not implemented in polycloud-sim yet")
    }

    // SPEC §6: every response body is base64(JSON), HTTP 200, `result` a string,
    // "1" = failed with `resultinfo`. An injected fault keeps the injected status.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        let json = json!({"result": "1", "resultinfo": message}).to_string();
        let body = base64::engine::general_purpose::STANDARD.encode(json);
        ApiResponse::text(status, "text/plain; charset=utf-8", body)
    }

    fn dump(&mut self, _now: u64) -> Value {
        json!({})
    }

    fn reset(&mut self) {
        *self = StarVCenter;
    }
}
