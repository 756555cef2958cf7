//! The StarVCenter codec (StarVCenter API, 1、接口说明; docs/design/wire.md, "StarVCenter"): requests carry `KEY_TOKEN`
//! and, on POST/PUT, one form field `KEY_PARAM` = base64(UTF-8 JSON); every answer is
//! base64(JSON) whose string `result` is "0" (ok), "1" (failed, `resultinfo`) or
//! "1003" (bad token). Keys the document prints with stray spaces are sent trimmed
//! and read trimmed.

use base64::Engine;
use serde_json::{Map, Value};

use crate::cloud::CloudError;
use crate::http::{Classifier, Response};

/// The form field carrying the parameters.
pub const KEY_PARAM: &str = "KEY_PARAM";
/// The header carrying the tenant token.
pub const KEY_TOKEN: &str = "KEY_TOKEN";

/// A decoded successful answer.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    /// `data`.
    pub data: Value,
    /// `startid` of the task it started.
    pub startid: Option<String>,
    /// `dataCount` of a paged query.
    pub data_count: Option<i64>,
}

/// A copy of `value` whose object keys are trimmed of spaces, at every depth.
pub fn trim_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.trim().to_string(), trim_keys(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(trim_keys).collect()),
        other => other.clone(),
    }
}

/// The JSON inside an answer's base64 body, keys trimmed; `None` if it is not one.
pub fn body_json(response: &Response) -> Option<Value> {
    let text = response.text();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .map(|v| trim_keys(&v))
}

/// Decodes an answer: `result` "0" → [`Reply`]; "1003" → [`CloudError::Auth`]; "1" →
/// [`CloudError::Api`] with `resultinfo` (status 404 when the path is unknown).
pub fn decode(response: &Response) -> Result<Reply, CloudError> {
    let Some(json) = body_json(response) else {
        return Err(match response.status {
            404 => CloudError::Api {
                status: 404,
                message: "no such path on this StarVCenter".into(),
            },
            status => CloudError::Protocol(format!(
                "StarVCenter answer (HTTP {status}) is not base64(JSON)"
            )),
        });
    };
    let result = text(&json, "result").unwrap_or_default();
    let info = text(&json, "resultinfo").unwrap_or_else(|| format!("result {result}"));
    match (response.status, result.as_str()) {
        (200, "0") => Ok(Reply {
            data: json.get("data").cloned().unwrap_or(Value::Null),
            startid: text(&json, "startid"),
            data_count: int(&json, "dataCount"),
        }),
        (_, "1003") => Err(CloudError::Auth(format!(
            "StarVCenter refused the token (KEY_TOKEN, result 1003): {info}. Check `token`."
        ))),
        (status, _) => Err(CloudError::Api {
            status,
            message: info,
        }),
    }
}

/// A field as text: strings (trimmed, non-empty), numbers and booleans.
pub fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The id a create answered under `key` (docs/design/wire.md, "StarVCenter" created
/// ids): in `data` as an object or as the first element of an array, or `data`
/// itself when it is a bare id; `None` when the answer names none.
pub fn created_id(data: &Value, key: &str) -> Option<String> {
    match data {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => items(data).first().and_then(|first| text(first, key)),
    }
}

/// The id a create answered under `key`, or a loud failure that shows the answer
/// (an unknown outcome: the caller's safe create looks the object up).
pub fn id_of(reply: &Reply, path: &str, key: &str) -> Result<String, CloudError> {
    created_id(&reply.data, key).ok_or_else(|| {
        crate::cloud::not_understood(
            &format!("StarVCenter {path}"),
            &format!("names no {key}"),
            &reply.data,
        )
    })
}

/// A field as an integer (numbers or numeric strings; decimals are truncated).
pub fn int(value: &Value, key: &str) -> Option<i64> {
    match value.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| s.trim().parse::<f64>().ok().map(|f| f as i64)),
        _ => None,
    }
}

/// A field as a boolean (`true`/`"true"`).
pub fn flag(value: &Value, key: &str) -> Option<bool> {
    text(value, key).map(|s| s.eq_ignore_ascii_case("true"))
}

/// The items of a list answer (an object alone counts as a one-item list).
pub fn items(data: &Value) -> Vec<Value> {
    match data {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![data.clone()],
        _ => Vec::new(),
    }
}

/// The listed objects, each required to name its id under `key`: an item without one is
/// an answer the client cannot understand, shown (redacted) in the error of `operation`,
/// never an object with an empty id (docs/design/wire.md, StarVCenter "Conventions").
pub fn identified(items: Vec<Value>, key: &str, operation: &str) -> Result<Vec<Value>, CloudError> {
    match items
        .iter()
        .find(|item| text(item, key).is_none_or(|id| id.trim().is_empty()))
    {
        Some(item) => Err(crate::cloud::not_understood(
            operation,
            &format!("lists an object without `{key}`"),
            item,
        )),
        None => Ok(items),
    }
}

/// Whether a search without paging parameters answers every match: the document
/// says so for VMs (2.2.2 "无分页参数默认查询所有虚拟机"), router mappings (2.9.5
/// "…所有映射") and mapping outer IPs (2.11.1); other searches are read page by page.
pub fn unpaged_lists_all(path: &str) -> bool {
    matches!(
        path,
        "cloudvm/search" | "vroute/Mapping/search" | "cloudip/mapping/outerIp/search"
    )
}

/// What an unpaged search's answer holds ([`unpaged_answer`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Unpaged {
    /// Every match.
    Whole,
    /// Fewer than its `dataCount` (this many): the installation caps unpaged answers.
    Short(i64),
    /// No `dataCount` and at least a page of items: it may have been cut at a page.
    Unsure,
}

/// Whether an unpaged search answering `held` items with `data_count` holds every
/// match: the document's answers carry `dataCount` ("总条数", 2.2.2); without it, an
/// answer of at least a whole `page` cannot tell a full list from a cut one.
pub fn unpaged_answer(held: usize, data_count: Option<i64>, page: i64) -> Unpaged {
    match data_count {
        Some(total) if total > held as i64 => Unpaged::Short(total),
        Some(_) => Unpaged::Whole,
        None if held as i64 >= page => Unpaged::Unsure,
        None => Unpaged::Whole,
    }
}

/// The key under which the objects of a search name their ids, for the searches the
/// provider reads objects from (StarVCenter API 2.2.2, 2.3.x, 2.15.x, 2.12.x, 2.17.1).
pub fn search_id_key(path: &str) -> Option<&'static str> {
    match path {
        "cloudvm/search" => Some("vm.id"),
        "cloudnetwork/vpc/search" => Some("vpc.id"),
        "cloudsegroup/search" => Some("securitygroup.id"),
        "cloudslb/search" => Some("slb.id"),
        "cloudnetwork/acessrule/search" => Some("aclrule_id"),
        _ => None,
    }
}

/// The names of the lock codes 1–14 (StarVCenter API 附表2 "虚拟锁定代码"; 0 is 未锁定).
pub const LOCK_NAMES: [&str; 14] = [
    "跨主机迁移中",
    "跨存储迁移中",
    "备份创建中",
    "备份还原中",
    "快照创建中",
    "快照还原中",
    "启动中",
    "停止中",
    "导出中",
    "导入中",
    "被克隆中",
    "安装中",
    "克隆中",
    "移动中",
];

/// Whether a `resultinfo` says the VM is locked (StarVCenter API 附表2: a locked VM
/// "不能做任何操作" until it is unlocked): "locked" in any case, 锁定, or the name of
/// any lock code of the table (docs/design/wire.md, "StarVCenter" lock refusals).
pub fn is_lock_message(message: &str) -> bool {
    message.to_lowercase().contains("locked")
        || message.contains("锁定")
        || LOCK_NAMES.iter().any(|name| message.contains(name))
}

/// The name of a lock code (附表2), `"unknown lock"` for a code the table lacks.
pub fn lock_name(code: &str) -> &'static str {
    match code.trim().parse::<usize>() {
        Ok(0) => "未锁定",
        Ok(n) if n <= LOCK_NAMES.len() => LOCK_NAMES[n - 1],
        _ => "unknown lock",
    }
}

/// The lock code a VM detail shows (`vm.lock`, 附表2), `None` when it shows none.
pub fn lock_code(vm: &Value) -> Option<String> {
    text(vm, "vm.lock")
}

/// Whether a `resultinfo` says some object does not exist.
pub fn is_not_found_message(message: &str) -> bool {
    message.to_lowercase().contains("not found") || message.contains("不存在")
}

/// Whether a `resultinfo` says that the object `id` does not exist: a not-found
/// message that names it (as a whole word). A not-found about another object (a NIC,
/// a template, the task log) is an error, never a reason to drop `id` from state
///.
pub fn is_not_found_of(message: &str, id: &str) -> bool {
    let id = id.trim();
    !id.is_empty()
        && is_not_found_message(message)
        && message
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .any(|word| word.trim_end_matches('.') == id)
}

/// StarVCenter's busy answer: `result: "1"` naming a VM lock. Nothing was done, so
/// the shared HTTP layer retries it with backoff.
pub struct LockedIsBusy;

impl Classifier for LockedIsBusy {
    fn busy(&self, response: &Response) -> Option<String> {
        let json = body_json(response)?;
        let info = text(&json, "resultinfo")?;
        (text(&json, "result").as_deref() == Some("1") && is_lock_message(&info)).then_some(info)
    }
}

/// The forms a StarVCenter date is read in (docs/design/wire.md, "Dates"): the
/// `yyyy-mm-dd HH:MM:SS` of the simulator and of Java back ends, also with a
/// fraction (`2024-05-01 10:00:00.0`), without seconds, or a day alone; RFC 3339 and
/// Unix seconds or milliseconds are accepted too.
pub const DATE_LAYOUTS: [&str; 4] = [
    "[year]-[month]-[day] [hour]:[minute]:[second]",
    "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]",
    "[year]-[month]-[day] [hour]:[minute]",
    "[year]-[month]-[day]",
];

/// Whether an answer's key holds a date (`*.createtime`, `alarm.create.time`,
/// `alarm.relieve.time`; StarVCenter API 2.2–2.18).
fn is_date_key(key: &str) -> bool {
    key.ends_with("createtime") || key.ends_with("create.time") || key.ends_with("relieve.time")
}

/// Rewrites every date of an answer's `data`, at any depth, as RFC 3339 in UTC,
/// reading the cloud's clock at `offset`. A blank date stays blank; one that is no
/// date (or names a day that does not exist) is `Err((key, text))`.
pub fn read_dates(data: &mut Value, offset: time::UtcOffset) -> Result<(), (String, String)> {
    match data {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if is_date_key(key) && !text.trim().is_empty() => {
                        *text = crate::timefmt::to_rfc3339_or_unix(text, &DATE_LAYOUTS, offset)
                            .ok_or_else(|| (key.clone(), text.trim().to_string()))?;
                    }
                    Value::Number(n) if is_date_key(key) => {
                        *value = Value::String(
                            crate::timefmt::to_rfc3339_or_unix(&n.to_string(), &[], offset)
                                .ok_or_else(|| (key.clone(), n.to_string()))?,
                        );
                    }
                    other => read_dates(other, offset)?,
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|v| read_dates(v, offset)),
        _ => Ok(()),
    }
}

/// A date field read by [`read_dates`] (already RFC 3339 in UTC), blank = none.
pub fn to_rfc3339(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The words `status` shows for VM state codes (StarVCenter API 附表1).
pub fn state_word(code: &str) -> String {
    match code {
        "0" => "stopped",
        "1" => "running",
        "2" => "sleeping",
        "3" => "installing",
        "4" => "cloning",
        "-1" => "checking",
        "-2" => "create_failed",
        other => return format!("state_{other}"),
    }
    .to_string()
}

/// The name of a task-log code (StarVCenter API 附表4).
pub fn task_code_name(code: &str) -> &'static str {
    match code {
        "0" => "成功 succeeded",
        "1" => "失败 failed",
        "2" => "执行中 running",
        "3" => "排队等待中 queued",
        "4" => "任务丢失 lost",
        "5" => "执行超时 timed out",
        "6" => "异常终止 aborted",
        "7" => "已取消 cancelled",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_unpaged_answer_is_whole_unless_its_count_or_its_size_says_otherwise() {
        assert_eq!(unpaged_answer(65, Some(65), 30), Unpaged::Whole);
        assert_eq!(unpaged_answer(30, Some(35), 30), Unpaged::Short(35));
        assert_eq!(unpaged_answer(29, None, 30), Unpaged::Whole);
        assert_eq!(unpaged_answer(30, None, 30), Unpaged::Unsure);
        assert_eq!(unpaged_answer(0, Some(0), 30), Unpaged::Whole);
    }
    use super::*;

    #[test]
    fn a_listed_object_without_its_id_is_an_error_showing_it() {
        let good = vec![
            serde_json::json!({"vm.id": "vm-1", "vm.name": "a"}),
            serde_json::json!({"vm.id": "vm-2", "vm.name": "b"}),
        ];
        assert_eq!(
            identified(good.clone(), "vm.id", "POST cloudvm/search").unwrap(),
            good
        );
        for bad in [
            serde_json::json!({"vm.name": "no id"}),
            serde_json::json!({"vm.id": " ", "vm.name": "blank id"}),
        ] {
            let mut listed = good.clone();
            listed.push(bad);
            let text = identified(listed, "vm.id", "POST cloudvm/search")
                .unwrap_err()
                .to_string();
            assert!(
                text.contains("POST cloudvm/search")
                    && text.contains("without `vm.id`")
                    && text.contains("id"),
                "{text}"
            );
        }
        assert_eq!(search_id_key("cloudvm/search"), Some("vm.id"));
        assert_eq!(search_id_key("cloudvm/vnic/search"), None);
    }

    fn answer(status: u16, json: &str) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: base64::engine::general_purpose::STANDARD
                .encode(json)
                .into_bytes()
                .into(),
        }
    }

    #[test]
    fn decodes_results_and_trims_keys() {
        let ok = decode(&answer(
            200,
            r#"{"result":"0","data":[{" vpc.cidr":"10/8"}],"dataCount":"3"}"#,
        ))
        .unwrap();
        assert_eq!(ok.data[0]["vpc.cidr"], "10/8");
        assert_eq!(ok.data_count, Some(3));
        let auth = decode(&answer(200, r#"{"result":"1003","resultinfo":"bad"}"#)).unwrap_err();
        assert!(matches!(auth, CloudError::Auth(_)));
        let failed = decode(&answer(200, r#"{"result":"1","resultinfo":"no room"}"#)).unwrap_err();
        assert!(failed.to_string().contains("no room"));
        let locked = answer(
            200,
            r#"{"result":"1","resultinfo":"vm x is locked (lock code 5)"}"#,
        );
        assert!(LockedIsBusy.busy(&locked).is_some());
        assert!(LockedIsBusy
            .busy(&answer(200, r#"{"result":"1","resultinfo":"quota"}"#))
            .is_none());
    }

    #[test]
    fn every_lock_table_name_is_a_lock_refusal() {
        for name in LOCK_NAMES {
            assert!(is_lock_message(&format!("{name}，请稍后再试")), "{name}");
        }
        assert!(is_lock_message("VM is LOCKED"));
        assert!(!is_lock_message("操作失败"));
        assert_eq!(
            (lock_name("3"), lock_name("0"), lock_name("15")),
            ("备份创建中", "未锁定", "unknown lock")
        );
    }

    #[test]
    fn not_found_counts_only_about_the_object_asked_for() {
        assert!(is_not_found_of(
            "云主机不存在: vm vm-0003 not found",
            "vm-0003"
        ));
        assert!(!is_not_found_of(
            "云主机不存在: vm vm-00031 not found",
            "vm-0003"
        ));
        assert!(!is_not_found_of("网卡不存在: vnic nic-9 not found", "sg-1"));
        assert!(!is_not_found_of("vm vm-0003 is locked", "vm-0003"));
    }

    #[test]
    fn values_and_times() {
        let v = serde_json::json!({"a": "2", "b": 3, "c": "", "d": "true"});
        assert_eq!(
            (int(&v, "a"), int(&v, "b"), text(&v, "c"), flag(&v, "d")),
            (Some(2), Some(3), None, Some(true))
        );
        let mut data = serde_json::json!([{"vm.createtime": "2026-03-25 14:07:09",
            "alarm.relieve.time": "", "slb.health.retrytime": "3",
            "x": {"vdisk.createtime": "2026-03-25 14:07:09.0"}, "monitor.createtime": 1774447629000i64}]);
        let plus3 = crate::timefmt::parse_offset("+03:00").unwrap();
        read_dates(&mut data, plus3).unwrap();
        assert_eq!(data[0]["vm.createtime"], "2026-03-25T11:07:09Z");
        assert_eq!(data[0]["x"]["vdisk.createtime"], "2026-03-25T11:07:09Z");
        assert_eq!(data[0]["monitor.createtime"], "2026-03-25T14:07:09Z");
        assert_eq!(data[0]["alarm.relieve.time"], "");
        assert_eq!(data[0]["slb.health.retrytime"], "3");
        let mut bad = serde_json::json!({"vm.createtime": "2026-02-30 10:00:00"});
        assert_eq!(
            read_dates(&mut bad, time::UtcOffset::UTC),
            Err(("vm.createtime".into(), "2026-02-30 10:00:00".into()))
        );
    }

    mod properties {
        use super::*;
        use crate::http::arbitrary;
        use proptest::prelude::*;

        fn encoded(status: u16, body: Vec<u8>) -> Response {
            Response {
                status,
                headers: Vec::new(),
                body: body.into(),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn every_starvcenter_answer_decodes_or_fails_cleanly(
                json in arbitrary::json(),
                status in prop::sample::select(vec![200u16, 201, 404, 500, 503]),
                raw in prop::collection::vec(any::<u8>(), 0..64),
            ) {
                let b64 = base64::engine::general_purpose::STANDARD.encode(json.to_string());
                for response in [encoded(status, b64.into_bytes()), encoded(status, raw)] {
                    match decode(&response) {
                        Ok(reply) => {
                            for item in items(&reply.data) {
                                for key in ["vm.id", "vm.state", "vm.vcpu.num", "result", "dataCount"] {
                                    let _ = (text(&item, key), int(&item, key), flag(&item, key));
                                }
                            }
                        }
                        Err(e) => prop_assert!(!e.to_string().is_empty()),
                    }
                    let _ = LockedIsBusy.busy(&response);
                }
            }

            #[test]
            fn times_and_codes_never_panic(text in "\\PC{0,30}", y in any::<u32>(), rest in prop::collection::vec(any::<u32>(), 5)) {
                let mut v = serde_json::json!({"vm.createtime": text.clone()});
                let _ = read_dates(&mut v, time::UtcOffset::UTC);
                let mut v = serde_json::json!({"vm.createtime": format!("{y}-{}-{} {}:{}:{}", rest[0], rest[1], rest[2], rest[3], rest[4])});
                let _ = read_dates(&mut v, time::UtcOffset::UTC);
                let _ = crate::timefmt::day_first_to_rfc3339(&text);
                let _ = crate::timefmt::day_first_to_rfc3339(&format!("{}/{}/{y} {}:{}", rest[0], rest[1], rest[2], rest[3]));
                let _ = crate::timefmt::day_first_to_rfc3339(&format!("{}.{}.{y} {}:{}:{}", rest[0], rest[1], rest[2], rest[3], rest[4]));
                let _ = (state_word(&text), task_code_name(&text), is_lock_message(&text), is_not_found_message(&text));
            }

            #[test]
            fn unix_times_never_panic(millis in any::<i64>()) {
                let _ = crate::timefmt::rfc3339_from_unix_millis(millis);
            }

            #[test]
            fn ssh_keys_decode_or_fail_cleanly(kind in prop::sample::select(crate::sshkey::KEY_TYPES.to_vec()), blob in prop::collection::vec(any::<u8>(), 0..64), text in "\\PC{0,60}") {
                let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
                for key in [format!("{kind} {b64} me@host"), format!("{kind} {text}"), text.clone()] {
                    let _ = crate::sshkey::validate(&key);
                    let _ = crate::sshkey::fingerprint(&key);
                }
            }
        }
    }
}
