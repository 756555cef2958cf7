//! Fault injection (`POST /_sim/faults`): a FIFO queue of rules; each API
//! request consumes one unit of the first rule that matches it.
//!
//! A fault either stops the request before the cloud sees it (the cloud does
//! nothing) or, with `after`, lets the cloud carry the request out and then loses
//! the answer: what a gateway time-out or a dropped connection does to a create that
//! went through. Clients cannot tell the two apart, which is the point.
//! `POST /_sim/chaos` adds random faults of the same kinds (see [`Chaos`]).

use crate::http::{Cloud, SimError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// One queued rule, as posted to `/_sim/faults`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// How many requests this rule still applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Answer with this HTTP status in the cloud's error shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// With `status`: also send `Retry-After` with this value: a number of seconds,
    /// or any text (`"1e300"`, `"-1"`, an HTTP date) to test a client's parser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<HeaderText>,
    /// With `status`: the message of the cloud's error shape (default `injected fault
    /// N`), e.g. a not-found about another object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// With a 3xx `status`: send `Location` with this URL (a redirect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Sleep this long before handling the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Read the request, then close the connection without an answer.
    #[serde(default)]
    pub drop: bool,
    /// Only requests to this cloud (`vscale`, `inet`, `zomro`, `starvcenter`, `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    /// Only requests with this method (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path contains this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
    /// Only requests whose raw body contains this text (e.g. `func=instances` on
    /// Zomro, where every call is a POST to the same path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    /// Only requests to exactly this path (API prefix included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Let the cloud carry the request out first, then answer `status` / `html` /
    /// `drop` instead of the real answer (the work is done, the answer is lost).
    #[serde(default)]
    pub after: bool,
    /// Answer with the cloud's own busy/locked answer (nothing is done).
    #[serde(default)]
    pub busy: bool,
    /// Answer with a proxy's HTML page instead of the cloud's shape: with `status`,
    /// that status; with `after` and no `status`, the real status.
    #[serde(default)]
    pub html: bool,
}

/// A header value written as a JSON number or string.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum HeaderText {
    /// A number, sent in decimal.
    Number(u64),
    /// Text, sent as given.
    Text(String),
}

impl HeaderText {
    /// The header value.
    pub fn render(&self) -> String {
        match self {
            HeaderText::Number(n) => n.to_string(),
            HeaderText::Text(t) => t.clone(),
        }
    }
}

/// Serde default for `count`.
fn one() -> u32 {
    1
}

impl FaultRule {
    /// Checks that the rule does something and its filters make sense.
    fn validate(&self) -> Result<(), SimError> {
        if self.count == 0 {
            return Err(SimError::new(400, "count must be at least 1"));
        }
        if self.status.is_none()
            && self.latency_ms.is_none()
            && !self.drop
            && !self.busy
            && !self.html
        {
            return Err(SimError::new(
                400,
                "a fault needs status, latency_ms, drop, busy or html",
            ));
        }
        if self.busy && (self.after || self.status.is_some() || self.drop || self.html) {
            return Err(SimError::new(
                400,
                "busy is the cloud's own answer: it goes without status, drop, html or after",
            ));
        }
        if self.after && self.status.is_none() && !self.drop && !self.html {
            return Err(SimError::new(400, "after needs status, drop or html"));
        }
        if self.html && self.status.is_none() && !self.after {
            return Err(SimError::new(400, "html needs a status (or after)"));
        }
        if self.status.is_some_and(|s| !(100..=599).contains(&s)) {
            return Err(SimError::new(400, "status must be between 100 and 599"));
        }
        if self.message.is_some() && (self.status.is_none() || self.html) {
            return Err(SimError::new(400, "message needs a status (and no html)"));
        }
        if self.retry_after.is_some() && self.status.is_none() {
            return Err(SimError::new(400, "retry_after needs a status"));
        }
        if self.location.is_some() && !self.status.is_some_and(|s| (300..400).contains(&s)) {
            return Err(SimError::new(400, "location needs a 3xx status"));
        }
        if self
            .cloud
            .as_deref()
            .is_some_and(|c| !Cloud::is_valid_name(c))
        {
            return Err(SimError::new(400, "unknown cloud in fault filter"));
        }
        Ok(())
    }

    /// Whether this rule applies to a request.
    fn matches(&self, cloud: Cloud, method: &str, path: &str, body: &str) -> bool {
        self.cloud.as_deref().is_none_or(|c| c == cloud.name())
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
            && self.path.as_deref().is_none_or(|p| p == path)
            && self
                .body_contains
                .as_deref()
                .is_none_or(|b| body.contains(b))
    }
}

/// What the server must do to one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultAction {
    /// Answer with this status in the cloud's error shape.
    pub status: Option<u16>,
    /// Value of a `Retry-After` header to add.
    pub retry_after: Option<String>,
    /// Value of a `Location` header to add.
    pub location: Option<String>,
    /// The message of the error shape, when not the default.
    pub message: Option<String>,
    /// Sleep first.
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer.
    pub drop: bool,
    /// Carry the request out before failing as above.
    pub after: bool,
    /// Answer the cloud's busy answer.
    pub busy: bool,
    /// Answer a proxy's HTML page.
    pub html: bool,
}

impl FaultAction {
    /// A short name of what was served, for the request log and chaos figures
    /// (`503`, `503_after`, `drop`, `drop_after`, `busy`, `html_404`, `latency`).
    pub fn label(&self) -> Option<String> {
        let base = if self.busy {
            "busy".to_string()
        } else if self.drop {
            "drop".to_string()
        } else if let Some(status) = self.status {
            if self.html {
                format!("html_{status}")
            } else {
                status.to_string()
            }
        } else if self.html {
            "html".to_string()
        } else if self.latency_ms.is_some() {
            return Some("latency".into());
        } else {
            return None;
        };
        Some(if self.after {
            format!("{base}_after")
        } else {
            base
        })
    }
}

/// The queue of pending rules.
#[derive(Debug, Default)]
pub struct FaultQueue {
    rules: VecDeque<FaultRule>,
}

impl FaultQueue {
    /// Appends a rule after validating it.
    pub fn push(&mut self, rule: FaultRule) -> Result<(), SimError> {
        rule.validate()?;
        self.rules.push_back(rule);
        Ok(())
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Pending rules, first to apply first.
    pub fn render(&self) -> Value {
        serde_json::to_value(&self.rules).unwrap_or(Value::Null)
    }

    /// Consumes one unit of the first rule matching the request, if any.
    pub fn take(
        &mut self,
        cloud: Cloud,
        method: &str,
        path: &str,
        body: &str,
    ) -> Option<FaultAction> {
        let index = self
            .rules
            .iter()
            .position(|r| r.matches(cloud, method, path, body))?;
        let rule = &mut self.rules[index];
        rule.count -= 1;
        let action = FaultAction {
            status: rule.status,
            retry_after: rule.retry_after.as_ref().map(HeaderText::render),
            location: rule.location.clone(),
            message: rule.message.clone(),
            latency_ms: rule.latency_ms,
            drop: rule.drop,
            after: rule.after,
            busy: rule.busy,
            html: rule.html,
        };
        if rule.count == 0 {
            self.rules.remove(index);
        }
        Some(action)
    }
}

/// Every kind of fault `POST /_sim/chaos` can serve.
pub const CHAOS_KINDS: [&str; 9] = [
    "503",
    "503_after",
    "502",
    "502_after",
    "drop",
    "drop_after",
    "429",
    "busy",
    "latency",
];

/// Body of `POST /_sim/chaos`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChaosConfig {
    /// Seed of the random draws (printed by tests so a failure can be replayed).
    pub seed: u64,
    /// Share of API requests that get a fault, 0..=1.
    pub rate: f64,
    /// Kinds to draw from (default: all of [`CHAOS_KINDS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<String>>,
    /// Only requests to these clouds (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clouds: Option<Vec<String>>,
    /// Delay of a `latency` fault (default 300 ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// `Retry-After` of a `429` fault in seconds (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Random faults on a share of API requests, drawn from a seeded generator, with
/// figures of what was served. Applies only when no queued rule matches.
#[derive(Debug, Default)]
pub struct Chaos {
    config: Option<ChaosConfig>,
    state: u64,
    requests: u64,
    served: std::collections::BTreeMap<String, u64>,
}

impl Chaos {
    /// Starts (or restarts) random faults; the figures restart too.
    pub fn start(&mut self, config: ChaosConfig) -> Result<(), SimError> {
        if !(0.0..=1.0).contains(&config.rate) {
            return Err(SimError::new(400, "rate must be between 0 and 1"));
        }
        if let Some(kinds) = &config.kinds {
            if kinds.is_empty() {
                return Err(SimError::new(400, "kinds must not be empty"));
            }
            if let Some(bad) = kinds.iter().find(|k| !CHAOS_KINDS.contains(&k.as_str())) {
                return Err(SimError::new(400, format!("unknown chaos kind {bad:?}")));
            }
        }
        if let Some(clouds) = &config.clouds {
            if clouds.iter().any(|c| !Cloud::is_valid_name(c)) {
                return Err(SimError::new(400, "unknown cloud in chaos filter"));
            }
        }
        self.state = config.seed ^ 0x9E37_79B9_7F4A_7C15;
        self.requests = 0;
        self.served.clear();
        self.config = Some(config);
        Ok(())
    }

    /// Stops random faults (the figures stay readable).
    pub fn stop(&mut self) {
        self.config = None;
    }

    /// `GET /_sim/chaos`: the configuration and the figures.
    pub fn render(&self) -> Value {
        let total: u64 = self.served.values().sum();
        serde_json::json!({
            "config": self.config,
            "requests": self.requests,
            "faults": total,
            "served": self.served,
        })
    }

    /// splitmix64: small, seeded, good enough for test draws.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The random fault for one request, if it gets one.
    pub fn draw(&mut self, cloud: Cloud) -> Option<FaultAction> {
        let config = self.config.clone()?;
        if config
            .clouds
            .as_ref()
            .is_some_and(|cs| !cs.iter().any(|c| c == cloud.name()))
        {
            return None;
        }
        self.requests += 1;
        let roll = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        if roll >= config.rate {
            return None;
        }
        let kinds: Vec<String> = config
            .kinds
            .clone()
            .unwrap_or_else(|| CHAOS_KINDS.iter().map(|k| k.to_string()).collect());
        let kind = kinds[(self.next() % kinds.len() as u64) as usize].clone();
        *self.served.entry(kind.clone()).or_default() += 1;
        let mut action = FaultAction {
            after: kind.ends_with("_after"),
            ..FaultAction::default()
        };
        match kind.trim_end_matches("_after") {
            "503" => action.status = Some(503),
            "502" => action.status = Some(502),
            "drop" => action.drop = true,
            "429" => {
                action.status = Some(429);
                action.retry_after = Some(config.retry_after.unwrap_or(1).to_string());
            }
            "busy" => action.busy = true,
            _ => action.latency_ms = Some(config.latency_ms.unwrap_or(300)),
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn first_matching_rule_is_consumed_in_order() {
        let mut q = FaultQueue::default();
        q.push(rule(r#"{"count": 1, "status": 500, "method": "post"}"#))
            .unwrap();
        q.push(rule(r#"{"count": 2, "status": 503}"#)).unwrap();
        let take = |q: &mut FaultQueue, m| q.take(Cloud::Vscale, m, "/x", "").map(|a| a.status);
        assert_eq!(take(&mut q, "GET"), Some(Some(503)));
        assert_eq!(take(&mut q, "POST"), Some(Some(500)));
        assert_eq!(take(&mut q, "POST"), Some(Some(503)));
        assert_eq!(take(&mut q, "POST"), None);
    }

    #[test]
    fn rules_are_validated() {
        let mut q = FaultQueue::default();
        assert!(q.push(rule(r#"{"count": 1}"#)).is_err());
        assert!(q.push(rule(r#"{"count": 0, "drop": true}"#)).is_err());
        assert!(q.push(rule(r#"{"drop": true, "cloud": "aws"}"#)).is_err());
        assert!(serde_json::from_str::<FaultRule>(r#"{"stauts": 503}"#).is_err());
        assert!(q.push(rule(r#"{"after": true}"#)).is_err());
        assert!(q.push(rule(r#"{"busy": true, "after": true}"#)).is_err());
        assert!(q.push(rule(r#"{"html": true}"#)).is_err());
        assert!(q.push(rule(r#"{"after": true, "drop": true}"#)).is_ok());
        assert!(q.push(rule(r#"{"html": true, "status": 404}"#)).is_ok());
        assert!(q
            .push(rule(r#"{"html": true, "status": 404, "message": "x"}"#))
            .is_err());
        assert!(q.push(rule(r#"{"status": 200, "message": "x"}"#)).is_ok());
    }

    #[test]
    fn exact_path_filter_does_not_match_longer_paths() {
        let mut q = FaultQueue::default();
        q.push(rule(r#"{"status": 503, "path": "/vscale/v1/scalets"}"#))
            .unwrap();
        assert_eq!(
            q.take(Cloud::Vscale, "GET", "/vscale/v1/scalets/1", ""),
            None
        );
        let hit = q
            .take(Cloud::Vscale, "GET", "/vscale/v1/scalets", "")
            .unwrap();
        assert_eq!(hit.label().as_deref(), Some("503"));
    }

    #[test]
    fn chaos_is_reproducible_from_its_seed_and_keeps_to_its_rate() {
        let config = |seed| ChaosConfig {
            seed,
            rate: 0.2,
            kinds: None,
            clouds: None,
            latency_ms: None,
            retry_after: None,
        };
        let run = |seed| {
            let mut chaos = Chaos::default();
            chaos.start(config(seed)).unwrap();
            (0..2000)
                .map(|_| chaos.draw(Cloud::Vscale).and_then(|a| a.label()))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let served = run(7).iter().filter(|l| l.is_some()).count();
        assert!((300..=500).contains(&served), "{served} of 2000");
    }
}
