//! No panic on anything a cloud sends: a property test that drives every decoder of
//! every cloud through the provider's own clients ([`Cloud`] calls), against the
//! simulator's real answers mutated on the way by a proxy in this test.
//!
//! Each generated case picks one call and one mutation, applied to one answer of that
//! call (the first, the second, …: a Zomro read signs in first, a Vscale read may
//! list plans first). Mutation families: the status (every class, 3xx to 5xx),
//! truncated bodies (cut short, or a `Content-Length` that lies and a dropped
//! connection), flipped and inserted bytes, garbage and empty bodies, JSON nodes
//! replaced by hostile values (numbers beyond f64 and i64, negative, NaN-like
//! literals, wrong types, deep nesting, long and non-ASCII strings), removed keys,
//! broken base64 (StarVCenter) and hostile headers (`Retry-After`, task ids). A case
//! passes when the call returns — `Ok` or an error with a message — within its time
//! and without a panic; the counts per family are printed at the end.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use terraform_provider_polycloud::cloud::{self, Cloud};
use terraform_provider_polycloud::config::{CloudKind, Credentials, Settings};
use terraform_provider_polycloud::model::{AlarmFilter, KeyFormat, VpsSpec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;
use crate::inet_helpers::{seed_one, INET_TOKEN};
use crate::starvcenter_common::SVC_TOKEN;
use crate::starvcenter_net::seed_vm;
use crate::zomro_support::{ALMA, ZOMRO_PASS, ZOMRO_TOKEN, ZOMRO_USER};

/// Cases per cloud; four clouds, so four times this in all.
const CASES: u32 = 1200;

/// A value put in place of a JSON node, written as raw JSON text.
#[derive(Clone, Debug)]
enum Hostile {
    Literal(&'static str),
    Text(String),
    Deep(usize),
}

impl Hostile {
    fn json(&self) -> String {
        match self {
            Hostile::Literal(l) => l.to_string(),
            Hostile::Text(t) => Value::String(t.clone()).to_string(),
            Hostile::Deep(n) => format!("{}{}", "[".repeat(*n), "]".repeat(*n)),
        }
    }
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        prop::sample::select(vec![
            "1e400",
            "-1e400",
            "1e308",
            "-1e308",
            "18446744073709551616",
            "9223372036854775807",
            "-9223372036854775808",
            "-99999999999999999999999999",
            "-1",
            "0",
            "0.5",
            "-0.0",
            "1e-400",
            "null",
            "true",
            "false",
            "[]",
            "{}",
            "[null]",
            "{\"$\":null}",
            "\"\"",
            "\"NaN\"",
            "\"-1\"",
            "\"1e300\"",
            "\"99999999999999999999\"",
            "\"2024-13-45 99:99:99\"",
            "\"99/99/99999 99:99\"",
            "\"31.02.2024 25:61:61\"",
            "\"{not json\"",
            "\"!!!not-base64!!!\"",
        ])
        .prop_map(Hostile::Literal),
        ".{0,40}".prop_map(Hostile::Text),
        "[\\PC]{1000,3000}".prop_map(Hostile::Text),
        (50usize..200).prop_map(Hostile::Deep),
    ]
}

/// What happens to one answer.
#[derive(Clone, Debug)]
enum Mutation {
    Status(u16),
    Cut(Index),
    LyingLength(Index),
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Garbage(Vec<u8>),
    Empty,
    Replace(Index, Hostile),
    Remove(Index),
    BadBase64(Index),
    RetryAfter(u16, String),
    TaskId(String),
}

impl Mutation {
    fn family(&self) -> &'static str {
        match self {
            Mutation::Status(_) => "status",
            Mutation::Cut(_) => "truncated body",
            Mutation::LyingLength(_) => "truncated on the wire (Content-Length lies)",
            Mutation::Flip(..) => "flipped byte",
            Mutation::Insert(..) => "inserted bytes",
            Mutation::Garbage(_) => "garbage body",
            Mutation::Empty => "empty body",
            Mutation::Replace(..) => "JSON node replaced by a hostile value",
            Mutation::Remove(_) => "JSON key removed",
            Mutation::BadBase64(_) => "broken base64",
            Mutation::RetryAfter(..) => "hostile Retry-After",
            Mutation::TaskId(_) => "hostile task id header",
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => prop::sample::select(vec![
            200u16, 201, 202, 204, 301, 302, 304, 307, 400, 401, 403, 404, 405, 409, 410, 418,
            422, 423, 429, 500, 501, 502, 503, 504, 599,
        ])
        .prop_map(Mutation::Status),
        1 => any::<Index>().prop_map(Mutation::Cut),
        1 => any::<Index>().prop_map(Mutation::LyingLength),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Mutation::Garbage),
        1 => Just(Mutation::Empty),
        4 => (any::<Index>(), hostile()).prop_map(|(i, h)| Mutation::Replace(i, h)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        1 => any::<Index>().prop_map(Mutation::BadBase64),
        1 => (
            prop::sample::select(vec![429u16, 503]),
            prop::sample::select(vec![
                "1e300".to_string(),
                "-1".to_string(),
                "NaN".to_string(),
                "inf".to_string(),
                "99999999999999999999".to_string(),
                "Wed, 21 Oct 2015 07:28:00 GMT".to_string(),
                "Fri, 31 Dec 9999 23:59:59 GMT".to_string(),
                "0.0000001".to_string(),
                "garbage".to_string(),
            ])
        )
            .prop_map(|(s, v)| Mutation::RetryAfter(s, v)),
        1 => ".{0,20}".prop_map(Mutation::TaskId),
    ]
}

/// An answer as the proxy sends it.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Bytes of the body actually written before the connection is closed.
    send_only: Option<usize>,
}

/// The JSON of a body (and whether it was base64, as StarVCenter's).
fn decode(body: &[u8]) -> Option<(Value, bool)> {
    if let Ok(v) = serde_json::from_slice(body) {
        return Some((v, false));
    }
    let text = std::str::from_utf8(body).ok()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    serde_json::from_slice(&bytes).ok().map(|v| (v, true))
}

/// Paths of every node, depth first.
fn nodes(value: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let mut p = path.clone();
                p.push(k.clone());
                nodes(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let mut p = path.clone();
                p.push(i.to_string());
                nodes(v, p, out);
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut at = value;
    for key in path {
        at = match at {
            Value::Object(map) => map.get_mut(key)?,
            Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

const MARK: &str = "\u{1}hostile\u{1}";

fn mutate(answer: &mut Answer, m: &Mutation) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len + 1) };
    match m {
        Mutation::Status(s) => answer.status = *s,
        Mutation::Cut(i) => {
            let n = at(i, answer.body.len());
            answer.body.truncate(n);
        }
        Mutation::LyingLength(i) => answer.send_only = Some(at(i, answer.body.len())),
        Mutation::Flip(i, b) => {
            if !answer.body.is_empty() {
                let n = i.index(answer.body.len());
                answer.body[n] ^= b | 1;
            }
        }
        Mutation::Insert(i, bytes) => {
            let n = at(i, answer.body.len());
            answer.body.splice(n..n, bytes.iter().copied());
        }
        Mutation::Garbage(g) => answer.body = g.clone(),
        Mutation::Empty => answer.body.clear(),
        Mutation::Replace(i, h) => structural(answer, i, |node| {
            *node = Value::String(MARK.into());
            Some(h.json())
        }),
        Mutation::Remove(i) => structural(answer, i, |node| {
            *node = Value::String(MARK.into());
            None
        }),
        Mutation::BadBase64(i) => {
            let n = at(i, answer.body.len());
            answer.body.splice(n..n, *b"!*\xff");
        }
        Mutation::RetryAfter(s, v) => {
            answer.status = *s;
            answer.headers.push(("Retry-After".into(), v.clone()));
        }
        Mutation::TaskId(t) => {
            let printable: String = t.chars().filter(|c| (' '..='~').contains(c)).collect();
            answer
                .headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("vscale-task-id"));
            answer.headers.push(("VSCALE-TASK-ID".into(), printable));
        }
    }
}

/// Replaces (`Some(json)`) or removes (`None`) one node of the answer's JSON, then
/// encodes it as it came (base64 again for StarVCenter).
fn structural(answer: &mut Answer, i: &Index, edit: impl FnOnce(&mut Value) -> Option<String>) {
    let Some((mut json, base64)) = decode(&answer.body) else {
        return;
    };
    let mut all = Vec::new();
    nodes(&json, Vec::new(), &mut all);
    let path = all[i.index(all.len())].clone();
    let replacement = {
        let Some(node) = node_mut(&mut json, &path) else {
            return;
        };
        edit(node)
    };
    let text = match replacement {
        Some(raw) => json
            .to_string()
            .replace(&Value::String(MARK.into()).to_string(), &raw),
        None => {
            // Remove the key (or item) instead of writing the marker.
            if let Some((last, parent)) = path.split_last() {
                if let Some(p) = node_mut(&mut json, parent) {
                    match p {
                        Value::Object(map) => {
                            map.remove(last);
                        }
                        Value::Array(items) => {
                            if let Ok(n) = last.parse::<usize>() {
                                if n < items.len() {
                                    items.remove(n);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                json = Value::Null;
            }
            json.to_string()
        }
    };
    answer.body = if base64 {
        base64::engine::general_purpose::STANDARD
            .encode(text.as_bytes())
            .into_bytes()
    } else {
        text.into_bytes()
    };
}

/// The mutation of the current case: applied to answer number `target` of the case.
#[derive(Default)]
struct Plan {
    mutation: Option<Mutation>,
    target: usize,
    seen: usize,
}

type Shared = Arc<Mutex<Plan>>;

/// A proxy on a free loopback port that forwards to the simulator and mutates one
/// answer per case. Returns its base URL.
async fn proxy(upstream: String, plan: Shared) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (client, upstream, plan) = (client.clone(), upstream.clone(), plan.clone());
            tokio::spawn(async move {
                let _ = serve(stream, client, upstream, plan).await;
            });
        }
    });
    base
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    client: reqwest::Client,
    upstream: String,
    plan: Shared,
) -> std::io::Result<()> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or("GET").to_string();
    let target = first.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    for line in lines.filter(|l| !l.is_empty()) {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse().unwrap_or(0);
            }
            if !["host", "content-length", "connection"].contains(&k.to_ascii_lowercase().as_str())
            {
                headers.push((k, v));
            }
        }
    }
    let mut body = raw[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    let mut request = client.request(
        reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
        format!("{upstream}{target}"),
    );
    for (k, v) in &headers {
        request = request.header(k.as_str(), v.as_str());
    }
    let real = request
        .body(body)
        .send()
        .await
        .map_err(std::io::Error::other)?;
    let mut answer = Answer {
        status: real.status().as_u16(),
        headers: real
            .headers()
            .iter()
            .filter(|(k, _)| {
                !["content-length", "transfer-encoding", "connection"].contains(&k.as_str())
            })
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).to_string(),
                )
            })
            .collect(),
        body: real.bytes().await.map_err(std::io::Error::other)?.to_vec(),
        send_only: None,
    };
    let mutation = {
        let mut plan = plan.lock().unwrap();
        let turn = plan.seen;
        plan.seen += 1;
        if turn == plan.target {
            plan.mutation.clone()
        } else {
            None
        }
    };
    if let Some(m) = &mutation {
        mutate(&mut answer, m);
    }
    let mut out = format!("HTTP/1.1 {} X\r\n", answer.status);
    for (k, v) in &answer.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.body.len()
    ));
    stream.write_all(out.as_bytes()).await?;
    let send = answer.send_only.unwrap_or(answer.body.len());
    stream.write_all(&answer.body[..send]).await?;
    stream.shutdown().await
}

type Call = Box<dyn Fn(Arc<dyn Cloud>) -> Pin<Box<dyn Future<Output = Option<String>> + Send>>>;

/// A call on the server `id`, its outcome reduced to its error text (`None` when it
/// succeeded).
macro_rules! call {
    ($name:literal, $id:expr, |$c:ident, $v:ident| $body:expr) => {{
        let id: String = $id.to_string();
        (
            $name,
            Box::new(move |$c: Arc<dyn Cloud>| {
                let $v = id.clone();
                Box::pin(async move { $body.await.err().map(|e| e.to_string()) })
                    as Pin<Box<dyn Future<Output = Option<String>> + Send>>
            }) as Call,
        )
    }};
}

fn settings(cloud: CloudKind, endpoint: String) -> Settings {
    let token = match cloud {
        CloudKind::Vscale => VSCALE_TOKEN,
        CloudKind::Inet => INET_TOKEN,
        CloudKind::Zomro => ZOMRO_TOKEN,
        CloudKind::StarVCenter => SVC_TOKEN,
    };
    Settings {
        cloud,
        endpoint,
        credentials: match cloud {
            CloudKind::Zomro => Credentials::UserPassword {
                username: ZOMRO_USER.into(),
                password: ZOMRO_PASS.into(),
            },
            _ => Credentials::Token(token.into()),
        },
        request_timeout: Duration::from_secs(3),
        max_retries: 0,
        insecure: false,
        ca_certificate: None,
        time_zone: cloud.clock_offset(),
    }
}

fn vps_spec(cloud: CloudKind) -> VpsSpec {
    let (image, plan, location) = match cloud {
        CloudKind::Vscale => ("ubuntu_22.04_64_001_master", "small", "spb0"),
        _ => (ALMA, "6143", "1"),
    };
    VpsSpec {
        name: "prop".into(),
        image: Some(image.into()),
        plan: Some(plan.into()),
        location: Some(location.into()),
        password: Some("Mypassword1".into()),
        ..Default::default()
    }
}

/// The calls driven on one cloud, every decoder behind them.
fn calls(cloud: CloudKind, vps: &str) -> Vec<(&'static str, Call)> {
    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR a@b";
    let mut list: Vec<(&'static str, Call)> = vec![
        call!("read_vps", vps, |c, id| c.read_vps(&id)),
        call!("list_vps", vps, |c, _id| c.list_vps()),
    ];
    match cloud {
        CloudKind::Vscale | CloudKind::Zomro => {
            list.push(call!("images", vps, |c, _id| c.images(None)));
            list.push(call!("plans", vps, |c, _id| c.plans(None)));
            list.push(call!("locations", vps, |c, _id| c.locations()));
        }
        CloudKind::Inet => {
            list.push(call!("vps_keypair", vps, |c, id| c.vps_keypair(&id)));
            list.push(call!("vps_private_key", vps, |c, id| c
                .vps_private_key(&id, KeyFormat::Windows)));
            list.push(call!("vps_console_url", vps, |c, id| c.vps_console_url(&id)));
            list.push(call!("list_snapshots", vps, |c, id| c.list_snapshots(Some(&id))));
            list.push(call!("list_backups", vps, |c, id| c.list_backups(Some(&id))));
        }
        CloudKind::StarVCenter => {
            list.push(call!("vps_connection", vps, |c, id| c.vps_connection(&id)));
            list.push(call!("list_snapshots", vps, |c, id| c.list_snapshots(Some(&id))));
            list.push(call!("list_backups", vps, |c, _id| c.list_backups(None)));
            list.push(call!("plans", vps, |c, _id| c.plans(None)));
            list.push(call!("pool_quota", vps, |c, _id| c.pool_quota()));
            list.push(call!("hosts", vps, |c, _id| c.hosts()));
            list.push(call!("storages", vps, |c, _id| c.storages()));
            list.push(call!("alarms", vps, |c, _id| async move {
                c.alarms(&AlarmFilter::default()).await
            }));
            list.push(call!("public_ips", vps, |c, _id| c.public_ips()));
            list.push(call!("list_security_groups", vps, |c, _id| c
                .list_security_groups()));
            list.push(call!("read_vpc", vps, |c, _id| c.read_vpc("vpc-default")));
            list.push(call!("create_vpc", vps, |c, _id| async move {
                // A short create limit: a lost answer's settling window is 1 s.
                c.create_vpc("prop", None, std::time::Duration::from_secs(2))
                    .await
                    .map_err(|e| e.error)
            }));
        }
    }
    if cloud == CloudKind::Vscale {
        list.push(call!("account", vps, |c, _id| c.account()));
        list.push(call!("list_backups", vps, |c, _id| c.list_backups(None)));
        list.push(call!("read_ssh_key", vps, |c, _id| c.read_ssh_key("1")));
        list.push(call!("create_ssh_key", vps, |c, _id| async move {
            // Bound by a short deadline: a lost answer's settling window is 1 s.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
            terraform_provider_polycloud::http::within(deadline, c.create_ssh_key("k", KEY))
                .await
                .map_err(|e| e.error)
        }));
    }
    list
}

fn drive(cloud: CloudKind, endpoint_path: &str) -> BTreeMap<&'static str, u32> {
    let sim = Sim::start_with(50);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let plan: Shared = Arc::default();
    let base = runtime.block_on(proxy(sim.base.clone(), plan.clone()));
    let endpoint = format!("{base}{endpoint_path}");
    let connect = || cloud::connect(&settings(cloud, endpoint.clone())).unwrap();
    // A server to read, made through the provider's own client, unmutated.
    let vps = match cloud {
        CloudKind::Inet => seed_one(&sim, "prop"),
        CloudKind::StarVCenter => seed_vm(&sim, "prop").0,
        _ => runtime
            .block_on(connect().create_vps(&vps_spec(cloud), Duration::from_secs(60)))
            .map(|v| v.id)
            .map_err(|e| e.error.to_string())
            .unwrap(),
    };
    let calls = calls(cloud, &vps);
    let families: RefCell<BTreeMap<&'static str, u32>> = RefCell::default();
    let client = RefCell::new(connect());
    // Zomro signs in per client: a fresh one more often drives the sign-in answer.
    let fresh_every = if cloud == CloudKind::Zomro { 4 } else { 25 };
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (any::<Index>(), 0usize..3, mutation());
    let result = runner.run(&strategy, |(which, target, m)| {
        let (name, call) = &calls[which.index(calls.len())];
        let count = {
            let mut families = families.borrow_mut();
            *families.entry(m.family()).or_default() += 1;
            families.values().sum::<u32>()
        };
        *plan.lock().unwrap() = Plan {
            mutation: Some(m.clone()),
            target,
            seen: 0,
        };
        // Caches (catalogs, sessions) are per client: start afresh now and then.
        if count % fresh_every == 0 {
            *client.borrow_mut() = connect();
        }
        let future = call(client.borrow().clone());
        let outcome = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(20), tokio::spawn(future)).await
        });
        match outcome {
            Err(_) => Err(TestCaseError::fail(format!(
                "{name} under {m:?} did not return"
            ))),
            Ok(Err(join)) if join.is_panic() => {
                Err(TestCaseError::fail(format!("{name} panicked under {m:?}")))
            }
            Ok(Err(join)) => Err(TestCaseError::fail(format!("{name}: {join}"))),
            Ok(Ok(Some(message))) if message.trim().is_empty() => Err(TestCaseError::fail(
                format!("{name} under {m:?} failed without a message"),
            )),
            Ok(Ok(_)) => Ok(()),
        }
    });
    if let Err(e) = result {
        panic!("{cloud:?}: {e}");
    }
    let families = families.into_inner();
    eprintln!("hostile answers, {cloud:?}: {CASES} cases: {families:?}");
    families
}

#[test]
fn vscale_decoders_survive_mutated_answers() {
    drive(CloudKind::Vscale, "/vscale/v1");
}

#[test]
fn inet_decoders_survive_mutated_answers() {
    drive(CloudKind::Inet, "/inet/api/gateway/v1");
}

#[test]
fn zomro_decoders_survive_mutated_answers() {
    drive(CloudKind::Zomro, "/zomro/billmgr");
}

#[test]
fn starvcenter_decoders_survive_mutated_answers() {
    drive(
        CloudKind::StarVCenter,
        "/starvcenter/services/cloudresource",
    );
}
