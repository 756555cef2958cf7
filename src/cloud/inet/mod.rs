//! iNET Cloud VPS: the gateway at `developers.inet.vn/api/gateway/v1` with
//! `Authorization: Bearer` (iNET API).
//!
//! Every answer is `{success, data, meta}`; `success: false` is a failure whatever
//! the HTTP status, with `meta.message` (docs/design/wire.md, "iNET"). The API manages servers it cannot
//! create, so `polycloud_vps` adopts them (import) and forgets them on destroy.
//! Actions answer at once; the waiter polls `GET /vps/{id}/getserver` until `status`
//! and `OS-EXT-STS:power_state` reach the target (docs/design/wire.md, "iNET").

mod objects;
mod rules;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::cloud::{AttrRule, Capability, Cloud, CloudError, CreateError, Feature};
use crate::config::{CloudKind, Credentials, Settings};
use crate::http::{
    self, Body, Classifier, HttpClient, HttpError, HttpSettings, Method, Request, Response,
};
use crate::model::*;
use crate::waiter::{self, Poll};

/// Servers asked for per page of `GET /vps` (the simulator's maximum).
const PAGE_SIZE: u32 = 100;
/// A list that claims more pages than this is not believed.
const MAX_PAGES: i64 = 10_000;

/// The iNET client.
pub struct InetClient {
    http: HttpClient,
    base: String,
    token: String,
    /// The offset iNET's clock prints dates in (`time_zone`).
    time_zone: time::UtcOffset,
}

/// iNET answers 409 "busy" while a transition runs: not carried out, safe to repeat.
struct InetBusy;

impl Classifier for InetBusy {
    fn busy(&self, response: &Response) -> Option<String> {
        if response.status != 409 {
            return None;
        }
        let message = envelope_message(response).unwrap_or_default();
        message
            .to_ascii_lowercase()
            .contains("busy")
            .then(|| format!("VPS busy: {message}"))
    }
}

/// `meta.message` of an answer, if it is an envelope.
fn envelope_message(response: &Response) -> Option<String> {
    serde_json::from_slice::<wire::Envelope>(&response.body)
        .ok()
        .and_then(|e| e.meta)
        .and_then(|m| m.message)
}

/// The error for a failed answer: `success: false` or a non-2xx status.
fn error_of(status: u16, message: Option<String>) -> CloudError {
    let message = message
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| format!("HTTP {status} without a message"));
    match status {
        401 => CloudError::Auth(format!("iNET refused the API key: {message}")),
        404 => CloudError::NotFound(message),
        status => CloudError::Api { status, message },
    }
}

/// The `data` of the answer to `operation`, or the failure it carries. `success:
/// false` is a failure even with HTTP 200 (docs/design/wire.md, "iNET"); a `data` of
/// another shape than asked for is not understood and shown in the error (redacted;
/// withheld whole when the answer is a secret).
fn unwrap_envelope<T: DeserializeOwned>(
    response: &Response,
    operation: &str,
    secret: bool,
) -> Result<T, CloudError> {
    let envelope: wire::Envelope = match serde_json::from_slice(&response.body) {
        Ok(e) => e,
        // No envelope: not iNET's own answer (a proxy's page), so never a not-found.
        Err(_) if !(200..300).contains(&response.status) => {
            return Err(CloudError::Api {
                status: response.status,
                message: format!(
                    "HTTP {} without iNET's {{success, data, meta}} envelope (a proxy or load balancer in between?)",
                    response.status
                ),
            })
        }
        Err(e) => {
            let body = serde_json::from_slice(&response.body)
                .unwrap_or_else(|_| Value::String(response.text()));
            return Err(crate::cloud::not_understood(
                operation,
                &format!("(HTTP {}) is not the {{success, data, meta}} envelope ({e})", response.status),
                &shown(body, secret),
            ));
        }
    };
    let message = envelope.meta.and_then(|m| m.message);
    if !envelope.success || !(200..300).contains(&response.status) {
        let status = response.status;
        return Err(match (envelope.success, status) {
            (false, 200..=299) => CloudError::Api {
                status,
                message: message.unwrap_or_else(|| "success: false without a message".into()),
            },
            _ => error_of(status, message),
        });
    }
    T::deserialize(&envelope.data).map_err(|e| {
        crate::cloud::not_understood(
            operation,
            &format!("has a `data` that cannot be read ({e})"),
            &shown(envelope.data, secret),
        )
    })
}

/// An answer as a loud failure may show it: a secret answer (a private key, a
/// console URL) keeps only its keys, every value withheld.
fn shown(answer: Value, secret: bool) -> Value {
    match answer {
        _ if !secret => answer,
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, shown(v, true))).collect())
        }
        Value::Array(items) => items.into_iter().map(|v| shown(v, true)).collect(),
        Value::Null => Value::Null,
        _ => Value::String("(withheld)".into()),
    }
}

/// How a request is named in errors: `iNET GET /vps/1001`.
fn operation_of(request: &Request, base: &str) -> String {
    let path = request.url.strip_prefix(base).unwrap_or(&request.url);
    let method = format!("{:?}", request.method).to_uppercase();
    format!("iNET {method} {path}")
}

/// Splits `<vps_id>/<sub_id>` (snapshot, backup and volume ids).
fn split_id(id: &str, what: &str) -> Result<(u64, String), CloudError> {
    let bad = || {
        CloudError::Unsupported(format!(
            "{id:?} is not an iNET {what} id: use `<vps_id>/<{what}_id>`, e.g. `1001/501`"
        ))
    };
    let (vps, sub) = id.trim().split_once('/').ok_or_else(bad)?;
    let vps = vps.parse::<u64>().map_err(|_| bad())?;
    let sub = sub.trim();
    if sub.is_empty() || sub.contains('/') {
        return Err(bad());
    }
    Ok((vps, sub.to_string()))
}

/// A VPS id: an integer.
fn parse_vps_id(id: &str) -> Option<u64> {
    id.trim().parse().ok()
}

/// A VPS id the cloud must know; a malformed one is a clear error.
fn require_vps_id(id: &str) -> Result<u64, CloudError> {
    parse_vps_id(id)
        .ok_or_else(|| CloudError::NotFound(format!("{id:?} is not an iNET VPS id (a number)")))
}

/// Running / shut down from `getserver`, when settled.
fn power_of(server: &wire::Server) -> Option<PowerState> {
    if server.task_state.as_deref().is_some_and(|t| !t.is_empty()) {
        return None;
    }
    match (server.status.as_str(), server.power_state) {
        ("active", Some(1)) => Some(PowerState::Running),
        ("shutoff", Some(4)) => Some(PowerState::Stopped),
        _ => None,
    }
}

/// The domain VPS from the detail and, when read, `getserver` (`operation` read the
/// detail).
fn to_vps(
    detail: wire::VpsDetail,
    server: Option<&wire::Server>,
    zone: time::UtcOffset,
    operation: &str,
) -> Result<Vps, CloudError> {
    let created_at = wire::created_at(
        detail.created_date.as_deref(),
        &format!("VPS {}", detail.id),
        zone,
    )?;
    let extend = detail.extend(operation)?;
    let flavor = server.and_then(|s| s.flavor.as_ref());
    Ok(Vps {
        id: detail.id,
        name: detail.name,
        image: detail.image,
        plan: detail.plan_name,
        cpu: extend.cpu.or(flavor.and_then(|f| f.vcpus)),
        memory_mb: extend.ram.or(flavor.and_then(|f| f.ram)),
        disk_gb: extend.disk.or(flavor.and_then(|f| f.disk)),
        description: detail.note,
        power_state: server.and_then(power_of),
        status: detail.status,
        ip_address: extend
            .ip
            .filter(|ip| !ip.is_empty())
            .or_else(|| server.and_then(wire::Server::first_ipv4)),
        created_at,
        auto_snapshot_days: detail.auto_snapshot,
        ..Default::default()
    })
}

impl InetClient {
    /// A client for the configured account.
    pub fn new(settings: &Settings) -> Result<Self, CloudError> {
        let Credentials::Token(token) = &settings.credentials else {
            return Err(CloudError::Auth("iNET needs `token` (an API key)".into()));
        };
        let http = HttpClient::new("inet", HttpSettings::of(settings), Arc::new(InetBusy))?;
        Ok(Self {
            http,
            base: settings.endpoint.trim_end_matches('/').to_string(),
            token: token.clone(),
            time_zone: settings.time_zone,
        })
    }

    fn request(&self, method: Method, path: &str) -> Request {
        Request::new(method, format!("{}{}", self.base, path))
            .header("Authorization", format!("Bearer {}", self.token))
    }

    /// Sends and unwraps the envelope. A 5xx that outlasted the retries keeps its
    /// ambiguity for non-idempotent requests (creates look up before repeating);
    /// otherwise it becomes the cloud's own message.
    async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, CloudError> {
        let operation = operation_of(&request, &self.base);
        let secret = request.secret_answer;
        match self.http.send(&request).await {
            Ok(response) => unwrap_envelope(&response, &operation, secret),
            Err(HttpError::Status(response))
                if request.idempotent || !response_ambiguous(&response) =>
            {
                unwrap_envelope(&response, &operation, secret)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, CloudError> {
        self.call(self.request(Method::Get, path)).await
    }

    /// `GET` that maps a real not-found (HTTP 404) to `None`.
    async fn find<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>, CloudError> {
        match self.get(path).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A POST or PATCH with a JSON body; the `data` is returned as JSON.
    async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: Value,
        idempotent: bool,
    ) -> Result<Value, CloudError> {
        let request = self
            .request(method, path)
            .body(Body::Json(body))
            .idempotent(idempotent);
        self.call(request).await
    }

    /// `GET /vps` page after page until `totalPages` (page is 1-based, docs/design/wire.md, "iNET").
    async fn list_pages(
        &self,
        name: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<Vps>, CloudError> {
        let mut out = Vec::new();
        let mut page: i64 = 1;
        loop {
            let path = list_path(page, name, status);
            let operation = format!("iNET GET {path}");
            let data: wire::Page<Value> = self.get(&path).await?;
            for item in data.content {
                let detail = wire::item(item, "a VPS", &operation)?;
                out.push(to_vps(detail, None, self.time_zone, &operation)?);
            }
            if page >= data.total_pages.unwrap_or(0).min(MAX_PAGES) {
                tracing::debug!(
                    pages = page,
                    servers = out.len(),
                    total = data.total_elements,
                    "iNET list done"
                );
                return Ok(out);
            }
            page += 1;
        }
    }

    async fn server(&self, id: u64) -> Result<Option<wire::Server>, CloudError> {
        self.find(&format!("/vps/{id}/getserver")).await
    }

    /// iNET doc, "Chi tiết Cloud VPS" + "Thông tin Server VPS".
    async fn read(&self, id: u64) -> Result<Option<Vps>, CloudError> {
        let path = format!("/vps/{id}");
        // The detail and the server info (power state) at the same time: one round
        // trip per server on a refresh instead of two. A gone detail wins whatever the
        // server info said.
        let (detail, server) = tokio::join!(self.find::<wire::VpsDetail>(&path), self.server(id));
        let Some(detail) = detail? else {
            return Ok(None);
        };
        let server = server?;
        to_vps(
            detail,
            server.as_ref(),
            self.time_zone,
            &format!("iNET GET {path}"),
        )
        .map(Some)
    }

    /// Polls `getserver` until the server is settled in `target` (docs/design/wire.md, "iNET").
    async fn wait_power(
        &self,
        id: u64,
        target: PowerState,
        what: &str,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let task = format!("iNET VPS {id} {what}");
        waiter::wait_for(&task, timeout, || async {
            let Some(server) = self.server(id).await? else {
                return Ok(Poll::Failed(format!("VPS {id} disappeared")));
            };
            if server.status == "error" {
                return Ok(Poll::Failed(
                    "iNET reports the server in status error".into(),
                ));
            }
            if power_of(&server) == Some(target) {
                return Ok(Poll::Done(()));
            }
            Ok(Poll::Pending(format!(
                "status {}, power_state {}, task_state {}",
                server.status,
                server.power_state.map_or("-".into(), |p| p.to_string()),
                server.task_state.as_deref().unwrap_or("-")
            )))
        })
        .await
    }

    /// `POST /vps/{id}/<action>` with `{}` (iNET doc, "Hành động"), then the wait.
    async fn power_action(
        &self,
        id: u64,
        action: &str,
        target: PowerState,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        // iNET's busy 409 during a transition is waited out until the timeout.
        let path = format!("/vps/{id}/{action}");
        let send = self.send_json(Method::Post, &path, json!({}), false);
        http::within(http::deadline_in(timeout), send).await?;
        let what = match target {
            PowerState::Running if action.starts_with("reboot") => format!("{action} to finish"),
            PowerState::Running => "to start".to_string(),
            PowerState::Stopped => "to shut down".to_string(),
        };
        self.wait_power(id, target, &what, timeout).await
    }
}

/// Whether a failed answer leaves a create's outcome unknown.
fn response_ambiguous(response: &Response) -> bool {
    matches!(response.status, 500 | 502 | 503 | 504)
}

/// `/vps?page=..&pageSize=..[&name=..][&status=..]`, query values encoded.
fn list_path(page: i64, name: Option<&str>, status: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("page", &page.to_string());
    query.append_pair("pageSize", &PAGE_SIZE.to_string());
    if let Some(name) = name {
        query.append_pair("name", name);
    }
    if let Some(status) = status {
        query.append_pair("status", status);
    }
    format!("/vps?{}", query.finish())
}

#[async_trait]
impl Cloud for InetClient {
    fn kind(&self) -> CloudKind {
        CloudKind::Inet
    }

    fn capability(&self, feature: Feature) -> Capability {
        rules::capability(feature)
    }

    fn rule(&self, feature: Feature, attribute: &str) -> Option<AttrRule> {
        rules::rule(feature, attribute)
    }

    async fn read_vps(&self, id: &str) -> Result<Option<Vps>, CloudError> {
        match parse_vps_id(id) {
            Some(id) => self.read(id).await,
            None => Ok(None),
        }
    }

    async fn update_vps(
        &self,
        id: &str,
        change: &VpsChange,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let id = require_vps_id(id)?;
        match change {
            // iNET doc, "Cập nhật ghi chú VPS": PATCH /vps/{id}/note {"note"}.
            VpsChange::Description(note) => self
                .send_json(
                    Method::Patch,
                    &format!("/vps/{id}/note"),
                    json!({ "note": note }),
                    true,
                )
                .await
                .map(drop),
            // iNET doc, "Cấu hình Auto Snapshot": PATCH .../auto-snapshot {"autoSnapshot"}.
            VpsChange::AutoSnapshotDays(days) => self
                .send_json(
                    Method::Patch,
                    &format!("/vps/{id}/auto-snapshot"),
                    json!({ "autoSnapshot": days }),
                    true,
                )
                .await
                .map(drop),
            // iNET doc, "Reset mật khẩu VPS": POST .../password with `{}`; iNET sets the
            // new password itself (the written value is only the trigger).
            VpsChange::Password(_) => self
                .send_json(
                    Method::Post,
                    &format!("/vps/{id}/password"),
                    json!({}),
                    false,
                )
                .await
                .map(drop),
            VpsChange::Power(PowerState::Running) => {
                self.power_action(id, "start", PowerState::Running, timeout)
                    .await
            }
            VpsChange::Power(PowerState::Stopped) => {
                self.power_action(id, "shutdown", PowerState::Stopped, timeout)
                    .await
            }
            other => Err(CloudError::Unsupported(format!(
                "iNET cannot apply {other:?} in place"
            ))),
        }
    }

    async fn delete_vps(&self, id: &str, _timeout: Duration) -> Result<Deleted, CloudError> {
        Ok(Deleted::Forgotten(format!(
            "iNET's API cannot delete a server: VPS {id} keeps running (and being billed). It was only removed from Terraform state; cancel it in the iNET portal if you no longer need it."
        )))
    }

    async fn list_vps(&self) -> Result<Vec<Vps>, CloudError> {
        self.list_pages(None, None).await
    }

    async fn find_vps(&self, filter: &VpsFilter) -> Result<Vec<Vps>, CloudError> {
        let servers = self
            .list_pages(filter.name.as_deref(), filter.status.as_deref())
            .await?;
        Ok(servers.into_iter().filter(|v| filter.matches(v)).collect())
    }

    async fn reboot_vps(&self, id: &str, hard: bool, timeout: Duration) -> Result<(), CloudError> {
        let id = require_vps_id(id)?;
        let action = if hard { "reboot-hard" } else { "reboot-soft" };
        self.power_action(id, action, PowerState::Running, timeout)
            .await
    }

    async fn vps_keypair(&self, vps_id: &str) -> Result<KeyPair, CloudError> {
        let id = require_vps_id(vps_id)?;
        let pair: wire::KeyPair = self.get(&format!("/vps/{id}/keypair")).await?;
        Ok(KeyPair {
            name: pair.name,
            public_key: pair.public_key,
            fingerprint: pair.fingerprint,
        })
    }

    async fn vps_private_key(&self, vps_id: &str, format: KeyFormat) -> Result<String, CloudError> {
        let id = require_vps_id(vps_id)?;
        let path = format!("/vps/{id}/privatekey?typeKey={}", format.as_str());
        let key: wire::PrivateKey = self
            .call(self.request(Method::Get, &path).secret_answer())
            .await?;
        for line in key.private_key.lines() {
            crate::secrets::register(line);
        }
        crate::secrets::register(&key.private_key);
        Ok(key.private_key)
    }

    async fn vps_console_url(&self, vps_id: &str) -> Result<String, CloudError> {
        let id = require_vps_id(vps_id)?;
        // The URL carries an access token: its answer is never logged, and the URL is
        // masked wherever it appears from now on.
        let request = self
            .request(Method::Get, &format!("/vps/{id}/console"))
            .secret_answer();
        let console: wire::Console = self.call(request).await?;
        crate::secrets::register(&console.url);
        Ok(console.url)
    }

    async fn create_snapshot(
        &self,
        spec: &SnapshotSpec,
        timeout: Duration,
    ) -> Result<Snapshot, CreateError> {
        self.make_snapshot(spec, timeout).await
    }

    async fn read_snapshot(&self, id: &str) -> Result<Option<Snapshot>, CloudError> {
        let (vps, sub) = split_id(id, "snapshot")?;
        self.find_image(vps, "snapshot", &sub).await
    }

    async fn delete_snapshot(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let (vps, sub) = split_id(id, "snapshot")?;
        let delete = self.delete_sub(vps, "snapshot", &sub);
        http::within(http::deadline_in(timeout), delete).await
    }

    async fn list_snapshots(&self, vps_id: Option<&str>) -> Result<Vec<Snapshot>, CloudError> {
        self.list_images("snapshot", vps_id).await
    }

    async fn read_backup(&self, id: &str) -> Result<Option<Backup>, CloudError> {
        let (vps, sub) = split_id(id, "backup")?;
        self.find_image(vps, "backup", &sub).await
    }

    async fn delete_backup(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let (vps, sub) = split_id(id, "backup")?;
        let delete = self.delete_sub(vps, "backup", &sub);
        http::within(http::deadline_in(timeout), delete).await
    }

    async fn list_backups(&self, vps_id: Option<&str>) -> Result<Vec<Backup>, CloudError> {
        self.list_images("backup", vps_id).await
    }

    async fn create_volume(
        &self,
        spec: &VolumeSpec,
        timeout: Duration,
    ) -> Result<Volume, CreateError> {
        self.make_volume(spec, timeout).await
    }

    async fn read_volume(&self, id: &str) -> Result<Option<Volume>, CloudError> {
        let (vps, sub) = split_id(id, "volume")?;
        self.find_volume(vps, &sub).await
    }

    async fn delete_volume(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let (vps, sub) = split_id(id, "volume")?;
        let delete = self.delete_sub(vps, "volume", &sub);
        http::within(http::deadline_in(timeout), delete).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: Value) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string().into(),
        }
    }

    #[test]
    fn success_false_is_an_error_whatever_the_status() {
        let ok = response(
            200,
            json!({"success": false, "data": {"id": 1}, "meta": {"message": "quota exceeded"}}),
        );
        let err = unwrap_envelope::<Value>(&ok, "op", false).unwrap_err();
        assert!(
            matches!(err, CloudError::Api { status: 200, ref message } if message == "quota exceeded"),
            "{err:?}"
        );
        let gone = response(
            404,
            json!({"success": false, "data": null, "meta": {"message": "VPS 9 not found"}}),
        );
        assert!(unwrap_envelope::<Value>(&gone, "op", false)
            .unwrap_err()
            .is_not_found());
        let odd = response(500, json!({"success": true, "data": {}, "meta": {}}));
        assert!(!unwrap_envelope::<Value>(&odd, "op", false)
            .unwrap_err()
            .is_not_found());
    }

    #[test]
    fn data_of_another_shape_is_shown_with_the_operation() {
        let op = "iNET GET /vps/1001";
        let odd = response(200, json!({"success": true, "data": null, "meta": {}}));
        let error = unwrap_envelope::<wire::VpsDetail>(&odd, op, false)
            .unwrap_err()
            .to_string();
        assert!(error.contains(op) && error.contains("`data`"), "{error}");
        let page = response(
            200,
            json!({"success": true, "data": {"content": "web", "totalPages": 1}}),
        );
        let error = unwrap_envelope::<wire::Page<Value>>(&page, op, false)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"content\":\"web\""),
            "the answer is shown: {error}"
        );
        let secret = response(
            200,
            json!({"success": true, "data": {"link": "https://console/?token=abc"}}),
        );
        let error = unwrap_envelope::<wire::Console>(&secret, op, true)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("link") && !error.contains("token=abc"),
            "withheld: {error}"
        );
        let proxy = Response {
            status: 200,
            headers: Vec::new(),
            body: "<html>".into(),
        };
        let error = unwrap_envelope::<Value>(&proxy, op, false)
            .unwrap_err()
            .to_string();
        assert!(error.contains(op) && error.contains("<html>"), "{error}");
    }

    #[test]
    fn data_extend_and_dates_become_attributes() {
        let detail: wire::VpsDetail = serde_json::from_value(json!({
            "id": 1001, "name": "web", "note": "n", "image": "Ubuntu-22.04", "planName": "VPS-2",
            "status": "active", "createdDate": "05/11/2024 09:30", "autoSnapshot": 3,
            "dataExtend": "{\"cpu\": 2, \"ram\": \"2048\", \"disk\": 40, \"ip\": \"103.1.2.3\"}"
        }))
        .unwrap();
        let vps = to_vps(detail, None, time::UtcOffset::UTC, "op").unwrap();
        assert_eq!(
            (vps.cpu, vps.memory_mb, vps.disk_gb),
            (Some(2), Some(2048), Some(40))
        );
        assert_eq!(vps.ip_address.as_deref(), Some("103.1.2.3"));
        assert_eq!(vps.created_at.as_deref(), Some("2024-11-05T09:30:00Z"));
        assert_eq!(vps.auto_snapshot_days, Some(3));
        assert_eq!(vps.id, "1001");
    }

    #[test]
    fn power_needs_status_and_power_state() {
        let server = |status: &str, power: Value, task: Value| -> wire::Server {
            serde_json::from_value(json!({"status": status, "OS-EXT-STS:power_state": power, "OS-EXT-STS:task_state": task})).unwrap()
        };
        assert_eq!(
            power_of(&server("active", json!("1"), Value::Null)),
            Some(PowerState::Running)
        );
        assert_eq!(
            power_of(&server("shutoff", json!(4), Value::Null)),
            Some(PowerState::Stopped)
        );
        assert_eq!(
            power_of(&server("active", json!("1"), json!("powering-off"))),
            None
        );
        assert_eq!(power_of(&server("reboot", json!("1"), Value::Null)), None);
    }

    #[test]
    fn composite_ids() {
        assert_eq!(
            split_id("1001/501", "snapshot").unwrap(),
            (1001, "501".into())
        );
        for bad in ["501", "x/1", "1/", "1/2/3"] {
            assert!(split_id(bad, "snapshot").is_err(), "{bad}");
        }
        assert_eq!(
            list_path(2, Some("a b"), None),
            "/vps?page=2&pageSize=100&name=a+b"
        );
    }
}
