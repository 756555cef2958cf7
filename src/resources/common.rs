//! What every resource and data source shares: `timeouts`, value helpers, and turning
//! cloud errors into diagnostics; with its glob import, also what every resource file
//! names (the layer, the cloud seam, values and schema building). The configured cloud
//! ([`crate::shared`]) and schema building ([`crate::schema_builder`]) have homes of
//! their own, re-exported here.

pub use std::time::Duration;

pub use crate::cloud::{Change, Cloud, CloudError, CreateError, Feature, Setting};
pub use crate::model::Deleted;
pub use crate::resources::managed::{Call, Found, Made, Managed, Plan};
pub use crate::schema_builder::*;
pub use crate::shared::*;
pub use crate::tfplugin::schema::{AttributeType, Schema};
pub use crate::tfplugin::value::Value;
pub use crate::tfplugin::{AttributePath, Diagnostics};
pub use async_trait::async_trait;
pub use serde::{Deserialize, Serialize};

use crate::cloud::Capability;

/// The `timeouts` block's content.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timeouts {
    /// Create limit.
    pub create: Value<String>,
    /// Update limit.
    pub update: Value<String>,
    /// Delete limit.
    pub delete: Value<String>,
}

/// Default create limit.
pub const DEFAULT_CREATE: Duration = Duration::from_secs(30 * 60);
/// Default update limit.
pub const DEFAULT_UPDATE: Duration = Duration::from_secs(30 * 60);
/// Default delete limit.
pub const DEFAULT_DELETE: Duration = Duration::from_secs(20 * 60);

/// Which limit of `timeouts`.
#[derive(Clone, Copy)]
pub enum Phase {
    /// `create`
    Create,
    /// `update`
    Update,
    /// `delete`
    Delete,
}

/// The limit for `phase`, or its default.
pub fn timeout(timeouts: &Value<Timeouts>, phase: Phase) -> Duration {
    let (value, default) = match (timeouts.as_ref_option(), phase) {
        (Some(t), Phase::Create) => (t.create.as_ref_option(), DEFAULT_CREATE),
        (Some(t), Phase::Update) => (t.update.as_ref_option(), DEFAULT_UPDATE),
        (Some(t), Phase::Delete) => (t.delete.as_ref_option(), DEFAULT_DELETE),
        (None, Phase::Create) => (None, DEFAULT_CREATE),
        (None, Phase::Update) => (None, DEFAULT_UPDATE),
        (None, Phase::Delete) => (None, DEFAULT_DELETE),
    };
    value
        .and_then(|v| crate::duration::parse(v).ok())
        .unwrap_or(default)
}

/// Validates the durations written in `timeouts`.
pub fn validate_timeouts(diags: &mut Diagnostics, timeouts: &Value<Timeouts>) {
    let Some(t) = timeouts.as_ref_option() else {
        return;
    };
    for (name, value) in [
        ("create", &t.create),
        ("update", &t.update),
        ("delete", &t.delete),
    ] {
        if let Some(text) = value.as_ref_option() {
            match crate::duration::parse(text) {
                Ok(d) if d.is_zero() => diags.error(
                    "Invalid timeout",
                    format!("timeouts.{name} must be longer than zero"),
                    AttributePath::new("timeouts").attribute(name),
                ),
                Ok(_) => {}
                Err(detail) => diags.error(
                    "Invalid timeout",
                    detail,
                    AttributePath::new("timeouts").attribute(name),
                ),
            }
        }
    }
}

/// The known, non-null string.
pub fn known(value: &Value<String>) -> Option<&str> {
    value.as_ref_option().map(String::as_str)
}

/// An error on `attribute` when it is written blank.
pub fn refuse_blank(diags: &mut Diagnostics, value: &Value<String>, attribute: &'static str) {
    if known(value).is_some_and(|v| v.trim().is_empty()) {
        diags.error(
            format!("Invalid {attribute}"),
            format!("`{attribute}` must not be empty."),
            AttributePath::new(attribute),
        );
    }
}

/// A state value from an optional cloud value.
pub fn val<T>(value: Option<T>) -> Value<T> {
    value.into()
}

/// A list of strings as state holds it.
pub type StringList = Value<Vec<Value<String>>>;

/// The known strings of a list (unknown elements skipped).
pub fn list_strings(list: &StringList) -> Vec<String> {
    list.as_ref_option()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a list or any element is unknown.
pub fn list_unknown(list: &StringList) -> bool {
    list.is_unknown()
        || list
            .as_ref_option()
            .is_some_and(|items| items.iter().any(Value::is_unknown))
}

/// A state list from strings.
pub fn to_list(items: &[String]) -> StringList {
    Value::Value(items.iter().cloned().map(Value::Value).collect())
}

/// Keeps the prior order when the cloud returns the same set in another order, so a
/// second plan stays empty.
pub fn same_set_keep_order(prior: &StringList, fresh: Vec<String>) -> StringList {
    let old = list_strings(prior);
    let mut a = old.clone();
    let mut b = fresh.clone();
    a.sort();
    b.sort();
    if prior.is_value() && a == b {
        prior.clone()
    } else {
        to_list(&fresh)
    }
}

/// Reports a cloud error as an error diagnostic (on `attribute` when given).
pub fn report(
    diags: &mut Diagnostics,
    summary: &str,
    error: &CloudError,
    attribute: Option<AttributePath>,
) {
    let summary = match error {
        CloudError::Auth(_) => "Authentication failed".to_string(),
        CloudError::Unsupported(_) => format!("{summary}: not supported by this cloud"),
        CloudError::Timeout { .. } => format!("{summary}: timed out"),
        CloudError::Cancelled { .. } => format!("{summary}: cancelled"),
        _ => summary.to_string(),
    };
    let detail = crate::secrets::redact(&error.to_string());
    match attribute {
        Some(path) => diags.error(summary, detail, path),
        None => diags.root_error(summary, detail),
    }
}

/// Plan-time check that `feature` can be used on the configured cloud for `op`.
/// Adds an error with the cloud's advice and returns false when it cannot.
pub fn check_capability(
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    feature: Feature,
    op: Op,
) -> bool {
    let cap: Capability = cloud.capability(feature);
    let allowed = match op {
        Op::Create => cap.create,
        Op::Read => cap.read,
        Op::Update => cap.update,
    };
    if !allowed {
        let verb = match op {
            Op::Create => "be created",
            Op::Read => "be read or imported",
            Op::Update => "be changed in place",
        };
        diags.root_error(
            format!(
                "{} cannot {verb} on {}",
                feature.type_name(),
                cloud.kind().name()
            ),
            cap.advice.clone(),
        );
    }
    allowed
}

/// An operation checked at plan time.
#[derive(Clone, Copy)]
pub enum Op {
    /// Create.
    Create,
    /// Read / import.
    Read,
    /// In-place update.
    Update,
}

/// Plan-time check of what is written against the cloud's per-attribute rules
/// ([`Cloud::rule`]): an attribute the cloud cannot take, or one it requires that is
/// missing, gets an error on that attribute. `written` pairs each ruled attribute with
/// whether the configuration sets it; `noun` names the object ("server", "volume").
pub fn check_written(
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    feature: Feature,
    noun: &str,
    written: &[(&'static str, bool)],
) {
    let cloud_name = cloud.kind().name();
    for &(attribute, is_set) in written {
        let Some(rule) = cloud.rule(feature, attribute) else {
            continue;
        };
        match (&rule.set, is_set) {
            (Setting::Unsupported(advice), true) => diags.error(
                format!("`{attribute}` is not available on {cloud_name}"),
                advice.clone(),
                AttributePath::new(attribute),
            ),
            (Setting::Required, false) => diags.error(
                format!("`{attribute}` is required on {cloud_name}"),
                format!("Set `{attribute}` to create a {noun} on {cloud_name}."),
                AttributePath::new(attribute),
            ),
            _ => {}
        }
    }
}

/// What changing `attribute` of `feature` does on the cloud (in place without a rule).
pub fn change_rule(cloud: &dyn Cloud, feature: Feature, attribute: &str) -> Change {
    cloud
        .rule(feature, attribute)
        .map_or(Change::InPlace, |r| r.change)
}

/// Sorts changed attributes by what their change does: in place (answers whether any
/// is), a replacement of the `noun` (pushed, with the cloud's reason as a warning), or
/// refused (an error on the attribute, with the cloud's advice).
pub fn sort_changes(
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    noun: &str,
    changes: Vec<(&'static str, Change)>,
    replace: &mut Vec<AttributePath>,
) -> bool {
    let mut in_place = false;
    for (attribute, change) in changes {
        let path = AttributePath::new(attribute);
        match change {
            Change::InPlace => in_place = true,
            Change::Replace(why) => {
                let summary = format!("Changing `{attribute}` makes a new {noun}");
                diags.warning(summary, why, path.clone());
                replace.push(path);
            }
            Change::Unsupported(advice) => diags.error(
                format!("`{attribute}` cannot change on {}", cloud.kind().name()),
                advice,
                path,
            ),
        }
    }
    in_place
}

/// The changed `name` and `description` of a backup or snapshot, with their rules.
pub fn name_and_description(
    cloud: &dyn Cloud,
    feature: Feature,
    name: (&Value<String>, &Value<String>),
    description: (&Value<String>, &Value<String>),
) -> Vec<(&'static str, Change)> {
    [
        ("name", name.1.is_value() && name.0 != name.1),
        ("description", description.0 != description.1),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(attribute, _)| (attribute, change_rule(cloud, feature, attribute)))
    .collect()
}

/// The new `name` and `description` to send, each only when it changed.
pub fn renamed<'a>(
    name: (&Value<String>, &'a Value<String>),
    description: (&Value<String>, &'a Value<String>),
) -> (Option<&'a str>, Option<&'a str>) {
    let name = (name.0 != name.1).then(|| known(name.1)).flatten();
    let description =
        (description.0 != description.1).then(|| known(description.1).unwrap_or_default());
    (name, description)
}

/// Writes an optional text the cloud reports where the state holds one or the cloud
/// has one: what the user left out stays null.
pub fn keep_written(slot: &mut Value<String>, cloud: Option<String>) {
    if cloud.is_some() || !slot.is_null() {
        *slot = Value::Value(cloud.unwrap_or_default());
    }
}

/// Now, RFC 3339 (when an action ran).
pub fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    crate::timefmt::rfc3339_from_unix_millis(millis)
}
