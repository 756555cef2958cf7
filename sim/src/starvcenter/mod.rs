//! The StarVCenter API (`/starvcenter/services/cloudresource`), written from the
//! StarVCenter document (StarVCenter API, "1、接口说明" and "2、接口定义") and the wire
//! decisions of docs/design/wire.md, "StarVCenter".
//!
//! Codec (doc 1.2 "请求参数说明", 1.3 "返回结果"): the tenant token travels in the
//! `KEY_TOKEN` header; POST/PUT carry one form field `KEY_PARAM` = base64(UTF-8 JSON);
//! GET/DELETE carry none; every answer is base64(JSON) with HTTP 200 and a string
//! `result` ("0" ok, "1" failed with `resultinfo`, "1003" bad token, doc 1.4).
//! Keys the document prints with stray spaces are accepted trimmed or not.

mod catalog;
mod dictionary;
mod model;
mod monitor;
mod network;
mod oob;
mod storage;
mod tasks;
mod tenants;
mod vms;
// ---- StarVCenter part 2: security groups, SLB, routers, mappings (issue 4) ----
mod netmodel;
mod netoob;
mod routes;
mod secgroups;
mod shape;
mod slb;

pub use shape::ShapeBody;

use crate::http::{segments, strip_prefix, ApiRequest, ApiResponse, CloudApi};
use crate::util::form_decode;
use base64::Engine as _;
use model::{Backup, Disk, Nic, Task, Tenant, Vm, Vpc};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Path prefix of this API on the simulator's port (doc 1.1 "BaseURL").
const PREFIX: &str = "/starvcenter/services/cloudresource";

/// The token accepted at startup; it belongs to the seeded tenant.
pub const DEFAULT_TOKEN: &str = "sim-starvcenter-token";

/// A failed call: `result` code and `resultinfo`, or an unknown path (HTTP 404).
#[derive(Debug)]
pub enum Fail {
    /// `result: "1"` with this `resultinfo`.
    Failed(String),
    /// `result: "1003"` (doc 1.4: the token is invalid).
    Auth(String),
    /// No such path: HTTP 404 with `result: "1"`.
    NoPath(String),
}

/// Shorthand for a `result: "1"` failure.
pub fn fail<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Failed(message.into()))
}

/// What a successful call answers besides `result: "0"`.
#[derive(Debug, Default)]
pub struct Answer {
    /// `data`, if any.
    pub data: Option<Value>,
    /// `startid` of the task it started.
    pub startid: Option<String>,
    /// `dataCount` of a paged query.
    pub data_count: Option<usize>,
}

impl Answer {
    /// Only `data`.
    pub fn data(data: Value) -> Self {
        Answer {
            data: Some(data),
            ..Default::default()
        }
    }

    /// Only `startid`.
    pub fn task(startid: String) -> Self {
        Answer {
            startid: Some(startid),
            ..Default::default()
        }
    }

    /// Paged (or whole) list with its total.
    pub fn page(page: Paged) -> Self {
        Answer {
            data: Some(Value::Array(page.items)),
            startid: None,
            data_count: page.total,
        }
    }
}

/// Decoded `KEY_PARAM`: a JSON object whose keys are trimmed of stray spaces (and of
/// the stray `*` in "vm.firewalld.enable*", doc 2.2.18), with the answer shapes in
/// force (how paging is read, [`shape::Paging`], [`shape::Unpaged`]).
#[derive(Debug, Default)]
pub struct Params(Map<String, Value>, shape::Shape);

impl Params {
    /// Parses a request's `KEY_PARAM` (absent = empty object).
    fn from_request(req: &ApiRequest) -> Result<Params, Fail> {
        let text = String::from_utf8_lossy(&req.body);
        let Some(raw) = text
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| form_decode(k) == "KEY_PARAM")
            .map(|(_, v)| form_decode(v))
        else {
            return Ok(Params::default());
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(raw.trim())
            .map_err(|_| Fail::Failed("KEY_PARAM is not base64".into()))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Params(
                map.into_iter()
                    .map(|(k, v)| (k.trim().trim_end_matches('*').trim().to_string(), v))
                    .collect(),
                shape::Shape::default(),
            )),
            _ => fail("KEY_PARAM is not a base64-encoded JSON object"),
        }
    }

    /// A text value (numbers and booleans are accepted as their text); blank = absent.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A required text value (doc: "*" marks required fields).
    pub fn req(&self, key: &str) -> Result<String, Fail> {
        self.str(key)
            .ok_or_else(|| Fail::Failed(format!("参数缺失: {key} is required")))
    }

    /// An integer given as a number or a numeric string.
    pub fn int(&self, key: &str) -> Result<Option<i64>, Fail> {
        match self.str(key) {
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
                Fail::Failed(format!("参数错误: {key} must be an integer, got {s:?}"))
            }),
        }
    }

    /// A required integer.
    pub fn req_int(&self, key: &str) -> Result<i64, Fail> {
        self.int(key)?
            .ok_or_else(|| Fail::Failed(format!("参数缺失: {key} is required")))
    }

    /// A boolean given as `true`/`false` or their text.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.str(key).map(|s| s.eq_ignore_ascii_case("true"))
    }
}

/// One page of a list.
pub struct Paged {
    /// The items on the page.
    pub items: Vec<Value>,
    /// `dataCount`, set when the query was paged.
    pub total: Option<usize>,
}

/// Applies `page.startnum` and `page.everypagenum` (1–30) to `items`: `startnum` is
/// the 1-based page number, or with the `position` shape the 1-based position of
/// the first item (docs/design/wire.md, "StarVCenter" paging). Without paging
/// parameters the whole list is answered ("无分页参数默认查询所有虚拟机", 2.2.2), unless
/// `required` (doc 2.15.1 marks them required; `isfindPage: true` lifts that) or the
/// `unpaged: first_page` shape (an installation that caps it at one page of 30 and
/// says the total in `dataCount`) or the `unpaged: refused` one (refused as when
/// `required`).
pub fn paginate(params: &Params, items: Vec<Value>, required: bool) -> Result<Paged, Fail> {
    let start = params.int("page.startnum")?;
    let per = params.int("page.everypagenum")?;
    if start.is_none() && per.is_none() {
        let refused = required || params.1.unpaged == shape::Unpaged::Refused;
        if refused && params.bool("isfindPage") != Some(true) {
            return fail("参数缺失: page.startnum and page.everypagenum are required");
        }
        if params.1.unpaged == shape::Unpaged::FirstPage {
            let total = items.len();
            let items = items.into_iter().take(30).collect();
            return Ok(Paged {
                items,
                total: Some(total),
            });
        }
        return Ok(Paged { items, total: None });
    }
    let start = start.unwrap_or(1);
    let per = per.unwrap_or(30);
    if start < 1 {
        return fail(format!(
            "参数错误: page.startnum must be a positive integer, got {start}"
        ));
    }
    if !(1..=30).contains(&per) {
        return fail(format!(
            "参数错误: page.everypagenum must be 1-30, got {per}"
        ));
    }
    let total = items.len();
    let skip = match params.1.paging {
        shape::Paging::Page => (start - 1).saturating_mul(per),
        shape::Paging::Position => start - 1,
    } as usize;
    let items = items.into_iter().skip(skip).take(per as usize).collect();
    Ok(Paged {
        items,
        total: Some(total),
    })
}

/// A queued request from `/_sim/starvcenter/fail_next_tasks`.
#[derive(Clone, Debug)]
pub struct FailRule {
    /// Tasks it still applies to.
    pub count: u32,
    /// Only tasks of this kind (e.g. `vm.create`).
    pub kind: Option<String>,
    /// Task-log code to end with (doc 附表4: 1, 4, 5, 6 or 7).
    pub result: u8,
    /// `task.resultinfo` to show.
    pub resultinfo: Option<String>,
}

/// The state of the simulated StarVCenter.
#[derive(Debug)]
pub struct StarVCenter {
    startup_task_ms: u64,
    task_ms: u64,
    task_log: bool,
    tokens: HashMap<String, String>,
    tenants: BTreeMap<String, Tenant>,
    vms: BTreeMap<String, Vm>,
    vpcs: BTreeMap<String, Vpc>,
    nics: BTreeMap<String, Nic>,
    disks: BTreeMap<String, Disk>,
    backups: BTreeMap<String, Backup>,
    snapshots: BTreeMap<String, Backup>,
    tasks: Vec<Task>,
    fail_rules: Vec<FailRule>,
    next_id: u64,
    next_task: u64,
    /// Part 2: security groups, SLBs, routers, mappings, access rules.
    net: netmodel::NetState,
    /// Answer shapes where the document is silent (`shape.rs`).
    shape: shape::Shape,
    /// VM types and models added through 2.2.19.
    dictionary: Vec<dictionary::Entry>,
    /// Blank disks made for PVCs (2.4.5).
    pv_disks: BTreeMap<String, storage::PvDisk>,
}

impl StarVCenter {
    /// A fresh installation whose tasks last `task_ms` milliseconds, with one tenant
    /// (token [`DEFAULT_TOKEN`]) and its default private network.
    pub fn new(task_ms: u64) -> Self {
        let mut sim = StarVCenter {
            startup_task_ms: task_ms,
            task_ms,
            task_log: true,
            tokens: HashMap::new(),
            tenants: BTreeMap::new(),
            vms: BTreeMap::new(),
            vpcs: BTreeMap::new(),
            nics: BTreeMap::new(),
            disks: BTreeMap::new(),
            backups: BTreeMap::new(),
            snapshots: BTreeMap::new(),
            tasks: Vec::new(),
            fail_rules: Vec::new(),
            next_id: 1,
            next_task: 10001,
            net: Default::default(),
            shape: Default::default(),
            dictionary: Vec::new(),
            pv_disks: BTreeMap::new(),
        };
        sim.seed();
        sim
    }

    /// The seeded tenant, its token and its default network.
    fn seed(&mut self) {
        let tenant = Tenant::seeded();
        self.tokens
            .insert(DEFAULT_TOKEN.to_string(), tenant.id.clone());
        let vpc = Vpc::new(
            "vpc-default".into(),
            &tenant.id,
            "default",
            "default network",
            0,
            0,
        );
        self.vpcs.insert(vpc.id.clone(), vpc);
        self.tenants.insert(tenant.id.clone(), tenant);
    }

    /// A new id with a prefix, e.g. `vm-000003`.
    fn new_id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}-{:06}", self.next_id);
        self.next_id += 1;
        id
    }

    /// The tenant the `KEY_TOKEN` header belongs to (doc 1.4; "1003" otherwise).
    fn authenticate(&self, req: &ApiRequest) -> Result<String, Fail> {
        let token = req
            .header("key_token")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Fail::Auth("认证失败: KEY_TOKEN header is missing".into()))?;
        self.tokens
            .get(token)
            .cloned()
            .ok_or_else(|| Fail::Auth("认证失败: invalid KEY_TOKEN".into()))
    }

    /// Authenticates, decodes and runs one request.
    fn route(&mut self, req: &ApiRequest, now: u64) -> Result<Answer, Fail> {
        let tenant = self.authenticate(req)?;
        let rest = strip_prefix(&req.path, PREFIX).unwrap_or_default();
        let segs = segments(rest);
        let mut params = match req.method.as_str() {
            "POST" | "PUT" => Params::from_request(req)?,
            _ => Params::default(),
        };
        params.1 = self.shape;
        let call = Call {
            method: req.method.as_str(),
            segs: &segs,
            params: &params,
            tenant: &tenant,
            now,
            created: self.shape.created(now),
        };
        self.dispatch(&call)
            .unwrap_or_else(|| Err(Fail::NoPath(format!("no such path: {} {rest}", req.method))))
    }

    /// Runs a call in the module its first path segment names; `None` = no such path.
    fn dispatch(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        match call.segs.first().copied() {
            Some("cloudvm") => match call.segs.get(1).copied() {
                Some("vdisk" | "backup" | "snapshot") => self.storage(call),
                Some("vnic") => self.network(call),
                _ => self.vm(call),
            },
            Some("cloudnetwork") => self.network(call).or_else(|| self.mappings(call)),
            Some("cloudTenant" | "resourcequota") => self.tenancy(call),
            Some("cloudtask") => self.task_log_call(call),
            Some("cloudmonitor" | "cloudhost" | "cloudalarm" | "cloudstorage") => {
                self.monitor(call)
            }
            // Part 2 (issue 4).
            Some("cloudsegroup") => self.secgroups(call),
            Some("cloudslb") => self.slb(call),
            Some("vroute") => self.vroute(call),
            Some("cloudip") => self.mappings(call),
            _ => None,
        }
    }
}

/// One decoded API call.
pub struct Call<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path segments after the BaseURL.
    pub segs: &'a [&'a str],
    /// Decoded `KEY_PARAM`.
    pub params: &'a Params,
    /// Tenant of the token.
    pub tenant: &'a str,
    /// Wall clock, epoch ms.
    pub now: u64,
    /// The creation time of what this call makes, epoch ms: `now`, or the shape's
    /// fixed date.
    pub created: u64,
}

/// base64(JSON) with HTTP `status` (doc 1.3).
fn encode(status: u16, value: &Value) -> ApiResponse {
    let body = base64::engine::general_purpose::STANDARD.encode(value.to_string());
    ApiResponse::text(status, "text/plain; charset=utf-8", body)
}

/// The successful answer (doc 1.3 "成功的响应").
fn success(answer: Answer) -> ApiResponse {
    let mut body = json!({"result": "0"});
    if let Some(data) = answer.data {
        body["data"] = data;
    }
    if let Some(startid) = answer.startid {
        body["startid"] = Value::String(startid);
    }
    if let Some(count) = answer.data_count {
        body["dataCount"] = Value::String(count.to_string());
    }
    encode(200, &body)
}

impl CloudApi for StarVCenter {
    fn handle(&mut self, req: &ApiRequest, now: u64) -> ApiResponse {
        self.advance(now);
        if self.task_log_is_a_page(req) {
            return ApiResponse::text(
                200,
                "text/html; charset=utf-8",
                "<html><body><h1>StarVCenter</h1><p>页面不存在</p></body></html>".to_string(),
            );
        }
        match self.route(req, now) {
            Ok(answer) => success(answer),
            Err(Fail::Failed(message)) => self.error_response(200, &message),
            Err(Fail::Auth(message)) => {
                encode(200, &json!({"result": "1003", "resultinfo": message}))
            }
            Err(Fail::NoPath(message)) => self.error_response(404, &message),
        }
    }

    // docs/design/wire.md, "StarVCenter": every response body is base64(JSON), `result` a string, "1" = failed
    // with `resultinfo`. An injected fault keeps the injected status.
    fn error_response(&self, status: u16, message: &str) -> ApiResponse {
        encode(status, &json!({"result": "1", "resultinfo": message}))
    }

    /// `result: "1"` naming a VM lock (the StarVCenter API document's lock-code table
    /// 附表2, worded as `tasks.rs` words it).
    fn busy_response(&self) -> ApiResponse {
        let message = self.shape.lock_refusal("", 5, "");
        encode(200, &json!({"result": "1", "resultinfo": message}))
    }

    fn dump(&mut self, now: u64) -> Value {
        self.advance(now);
        self.state_json(now)
    }

    fn reset(&mut self) {
        *self = StarVCenter::new(self.startup_task_ms);
    }
}
