//! Fault injection (`POST /_sim/faults`): a FIFO queue of rules; each API
//! request consumes one unit of the first rule that matches it.

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
        if self.status.is_none() && self.latency_ms.is_none() && !self.drop {
            return Err(SimError::new(
                400,
                "a fault needs status, latency_ms or drop",
            ));
        }
        if self.status.is_some_and(|s| !(100..=599).contains(&s)) {
            return Err(SimError::new(400, "status must be between 100 and 599"));
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
    fn matches(&self, cloud: Cloud, method: &str, path: &str) -> bool {
        self.cloud.as_deref().is_none_or(|c| c == cloud.name())
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
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
    /// Sleep first.
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer.
    pub drop: bool,
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
    pub fn take(&mut self, cloud: Cloud, method: &str, path: &str) -> Option<FaultAction> {
        let index = self
            .rules
            .iter()
            .position(|r| r.matches(cloud, method, path))?;
        let rule = &mut self.rules[index];
        rule.count -= 1;
        let action = FaultAction {
            status: rule.status,
            retry_after: rule.retry_after.as_ref().map(HeaderText::render),
            location: rule.location.clone(),
            latency_ms: rule.latency_ms,
            drop: rule.drop,
        };
        if rule.count == 0 {
            self.rules.remove(index);
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
        let take = |q: &mut FaultQueue, m| q.take(Cloud::Vscale, m, "/x").map(|a| a.status);
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
    }
}
