//! The request log behind `GET /_sim/requests`: every API request (never a
//! `/_sim` one) with its decoded body and the status actually sent.

use crate::http::{ApiRequest, Cloud};
use crate::util::form_decode;
use base64::Engine as _;
use serde_json::{json, Map, Value};

/// One logged request.
#[derive(Clone, Debug)]
pub struct LogEntry {
    seq: u64,
    cloud: Cloud,
    method: String,
    path: String,
    query: String,
    headers: Map<String, Value>,
    body: Value,
    status: u16,
    fault: Option<String>,
    processed: bool,
    started_ms: u64,
    ended_ms: u64,
}

impl LogEntry {
    /// Captures `req`, answered with `status` (0 = connection dropped).
    pub fn new(seq: u64, cloud: Cloud, req: &ApiRequest, status: u16) -> Self {
        LogEntry {
            seq,
            cloud,
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: header_map(&req.headers),
            body: decode_body(req.header("content-type"), &req.body),
            status,
            fault: None,
            processed: true,
            started_ms: 0,
            ended_ms: 0,
        }
    }

    /// Notes the fault served (its label, see `FaultAction::label`) and whether the
    /// cloud carried the request out.
    pub fn with_fault(mut self, fault: Option<String>, processed: bool) -> Self {
        self.fault = fault;
        self.processed = processed;
        self
    }

    /// Sets when the request arrived and when its answer (or the drop) was decided,
    /// in Unix milliseconds: a test measures pauses between requests from them.
    pub fn timed(mut self, started_ms: u64, ended_ms: u64) -> Self {
        self.started_ms = started_ms;
        self.ended_ms = ended_ms;
        self
    }

    /// The JSON object `GET /_sim/requests` shows.
    fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "cloud": self.cloud.name(),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "status": self.status,
            "fault": self.fault,
            "processed": self.processed,
            "started_ms": self.started_ms,
            "ended_ms": self.ended_ms,
        })
    }
}

/// The log itself; sequence numbers start at 1 and restart when it is cleared.
#[derive(Debug)]
pub struct RequestLog {
    next_seq: u64,
    entries: Vec<LogEntry>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            next_seq: 1,
            entries: Vec::new(),
        }
    }
}

impl RequestLog {
    /// Takes the sequence number of a request that has just arrived.
    pub fn reserve_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Records a finished request.
    pub fn push(&mut self, entry: LogEntry) {
        self.entries.push(entry);
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        *self = RequestLog::default();
    }

    /// All entries, oldest (lowest `seq`) first.
    pub fn render(&self) -> Value {
        let mut entries: Vec<&LogEntry> = self.entries.iter().collect();
        entries.sort_by_key(|e| e.seq);
        Value::Array(entries.into_iter().map(LogEntry::to_json).collect())
    }
}

/// Headers as an object; a repeated name gets its values joined by ", ".
fn header_map(headers: &[(String, String)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in headers {
        let joined = match map.get(name) {
            Some(Value::String(old)) => format!("{old}, {value}"),
            _ => value.clone(),
        };
        map.insert(name.clone(), Value::String(joined));
    }
    map
}

/// Decodes a body for the log: empty → null; a form → object of field →
/// string (a `KEY_PARAM` holding base64(JSON) shows the decoded JSON); JSON →
/// the parsed value; anything else → the raw text.
pub fn decode_body(content_type: Option<&str>, body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    let text = String::from_utf8_lossy(body).into_owned();
    // A JSON document sent with a form content type (what `curl -d` does in the
    // Vscale doc's examples) is still shown as JSON.
    if text.trim_start().starts_with(['{', '[']) {
        if let Ok(value) = serde_json::from_str(&text) {
            return value;
        }
    }
    let is_form =
        content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("x-www-form-urlencoded"));
    if is_form {
        return decode_form(&text);
    }
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// A URL-encoded form as an object of field → value.
fn decode_form(text: &str) -> Value {
    let mut map = Map::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (form_decode(name), form_decode(value));
        let decoded = if name == "KEY_PARAM" {
            decode_key_param(&value)
        } else {
            Value::String(value)
        };
        map.insert(name, decoded);
    }
    Value::Object(map)
}

/// docs/design/wire.md: StarVCenter's `KEY_PARAM` is base64(UTF-8 JSON). Shown decoded when
/// it is; otherwise the string as sent.
fn decode_key_param(value: &str) -> Value {
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|engine| engine.decode(value.trim()).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_else(|| Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_json_form_and_raw() {
        assert_eq!(decode_body(None, b""), Value::Null);
        assert_eq!(decode_body(None, br#"{"a":1}"#), json!({"a": 1}));
        assert_eq!(
            decode_body(Some("text/plain"), b"hi there"),
            json!("hi there")
        );
        let ct_form = Some("application/x-www-form-urlencoded");
        assert_eq!(decode_body(ct_form, br#"{"a":1}"#), json!({"a": 1}));
        // base64 of {"vm.name":"x"}
        let form = b"func=auth&KEY_PARAM=eyJ2bS5uYW1lIjoieCJ9&x=a+b%26";
        let ct = Some("application/x-www-form-urlencoded");
        assert_eq!(
            decode_body(ct, form),
            json!({"func": "auth", "KEY_PARAM": {"vm.name": "x"}, "x": "a b&"})
        );
    }
}
