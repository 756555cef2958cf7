//! `polycloud_security_group`: a security group with its `rule` blocks and bound NICs
//!. Rules are a set of blocks: their order means nothing, and Terraform
//! keeps each unchanged rule's computed `id`. An update deletes only the rules that
//! are gone, adds only the new ones, and binds/unbinds only the NICs that changed.
//! Rules the cloud reports as not in effect are re-applied once, then reported as a
//! warning. The cloud cannot rename a group: `name` and `description` replace it.

use std::collections::BTreeSet;

use crate::tfplugin::schema::{AttributeType, NestedBlock, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Cloud, Feature};
use crate::model::{SecurityGroup, SecurityRule};
use crate::resources::common::*;

/// One `rule` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleBlock {
    /// Cloud id (computed).
    pub id: Value<String>,
    /// `in` or `out`.
    pub direction: Value<String>,
    /// `tcp`, `udp`, `icmp`; null = any.
    pub protocol: Value<String>,
    /// Port or range.
    pub port: Value<String>,
    /// Allowed sources.
    pub source: Value<String>,
    /// Allowed targets.
    pub target: Value<String>,
}

impl RuleBlock {
    /// The domain rule.
    fn to_rule(&self) -> SecurityRule {
        let s = |v: &Value<String>| known(v).map(String::from);
        SecurityRule {
            id: s(&self.id),
            direction: s(&self.direction).unwrap_or_default(),
            protocol: s(&self.protocol),
            port: s(&self.port),
            source: s(&self.source),
            target: s(&self.target),
        }
    }

    /// From the domain rule.
    fn from_rule(rule: SecurityRule) -> Self {
        Self {
            id: val(rule.id),
            direction: Value::Value(rule.direction),
            protocol: val(rule.protocol),
            port: val(rule.port),
            source: val(rule.source),
            target: val(rule.target),
        }
    }
}

/// Terraform state of `polycloud_security_group`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecurityGroupState {
    /// Cloud id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Bound NIC ids (a set).
    pub nic_ids: StringList,
    /// The rules (a set of blocks).
    pub rule: Value<Vec<Value<RuleBlock>>>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

impl SecurityGroupState {
    /// The rules written (or held), as domain rules.
    fn rules(&self) -> Vec<SecurityRule> {
        self.rule
            .as_ref_option()
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| r.as_ref_option().map(RuleBlock::to_rule))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Writes what the cloud reports.
fn apply_group(state: &mut SecurityGroupState, group: SecurityGroup) {
    state.id = Value::Value(group.id);
    state.name = Value::Value(group.name);
    let desc = group.description.filter(|d| !d.is_empty());
    if desc.is_some() || !state.description.is_null() {
        state.description = Value::Value(desc.unwrap_or_default());
    }
    state.rule = Value::Value(
        group
            .rules
            .into_iter()
            .map(|r| Value::Value(RuleBlock::from_rule(r)))
            .collect(),
    );
    if !group.nic_ids.is_empty() || !state.nic_ids.is_null() {
        state.nic_ids = same_set_keep_order(&state.nic_ids, group.nic_ids);
    }
    state.created_at = val(group.created_at);
}

/// Unknown values left after apply become null.
fn clear_unknowns(state: &mut SecurityGroupState) {
    for v in [&mut state.description, &mut state.created_at] {
        if v.is_unknown() {
            *v = Value::Null;
        }
    }
    if state.rule.is_unknown() {
        state.rule = Value::Value(Vec::new());
    }
}

/// Checks one rule block before any API call.
fn validate_rule(diags: &mut Diagnostics, rule: &RuleBlock) {
    let path = || AttributePath::new("rule");
    if let Some(d) = known(&rule.direction) {
        if d != "in" && d != "out" {
            diags.error(
                "Invalid rule direction",
                format!("`direction` must be `in` or `out`, not {d:?}."),
                path(),
            );
        }
    }
    if let Some(p) = known(&rule.protocol) {
        if !["tcp", "udp", "icmp"].contains(&p) {
            diags.error("Invalid rule protocol", format!("`protocol` must be `tcp`, `udp` or `icmp` (leave it out for any protocol), not {p:?}."), path());
        }
    }
    if let Some(p) = known(&rule.port) {
        let ok = !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || ",-:".contains(c));
        if !ok {
            diags.error(
                "Invalid rule port",
                format!("`port` must be a port, a range or a list like `80`, `8000-8080`, `80,443`; not {p:?}."),
                path(),
            );
        }
    }
    for (name, v) in [("source", &rule.source), ("target", &rule.target)] {
        if let Some(a) = known(v) {
            let ok = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_hexdigit() || "./:,".contains(c));
            if !ok {
                diags.error(
                    format!("Invalid rule {name}"),
                    format!("`{name}` must be IP addresses or CIDRs, comma-separated (e.g. `0.0.0.0/0`); not {a:?}."),
                    path(),
                );
            }
        }
    }
}

/// Re-applies rules reported not in effect once; warns about those that stay so.
async fn check_effect(diags: &mut Diagnostics, cloud: &dyn Cloud, id: &str) {
    let pending = match cloud.rules_not_in_effect(id).await {
        Ok(p) if p.is_empty() => return,
        Ok(p) => p,
        Err(e) => {
            diags.root_warning(
                "Cannot check whether the security group rules are in effect",
                crate::secrets::redact(&e.to_string()),
            );
            return;
        }
    };
    tracing::info!("security group {id}: rules {pending:?} not in effect; re-applying them once");
    let still = match cloud.reapply_security_rules(id).await {
        Ok(()) => cloud.rules_not_in_effect(id).await.unwrap_or(pending),
        Err(e) => {
            tracing::info!("re-applying the rules of security group {id} failed: {e}");
            pending
        }
    };
    if !still.is_empty() {
        diags.root_warning(
            "Security group rules not in effect",
            format!("Security group {id}: the cloud reports rule(s) {} as not in effect on its hosts, even after re-applying them once. They are saved; the cloud retries them itself. Check the hosts of the bound servers if it persists.", still.join(", ")),
        );
    }
}

/// Rules of `from` whose key is not among `other`'s.
fn missing(from: &[SecurityRule], other: &[SecurityRule]) -> Vec<SecurityRule> {
    let keys: BTreeSet<_> = other.iter().map(SecurityRule::key).collect();
    from.iter()
        .filter(|r| !keys.contains(&r.key()))
        .cloned()
        .collect()
}

/// Adds rules; true when any was added.
async fn add_rules(cloud: &dyn Cloud, id: &str, rules: &[SecurityRule]) -> Result<bool, String> {
    for rule in rules {
        cloud
            .add_security_rule(id, rule)
            .await
            .map_err(|e| format!("Cannot add a rule to security group {id}: {e}"))?;
    }
    Ok(!rules.is_empty())
}

/// Makes the group's rules and NICs those `planned` holds, from `prior`.
async fn converge(
    cloud: &dyn Cloud,
    id: &str,
    prior: &SecurityGroupState,
    planned: &SecurityGroupState,
) -> Result<bool, String> {
    let (old, new) = (prior.rules(), planned.rules());
    for rule in missing(&old, &new) {
        let rid = rule.id.unwrap_or_default();
        cloud
            .delete_security_rule(&rid)
            .await
            .map_err(|e| format!("Cannot delete rule {rid} of security group {id}: {e}"))?;
    }
    let added = add_rules(cloud, id, &missing(&new, &old)).await?;
    let (was, want): (BTreeSet<String>, BTreeSet<String>) = (
        list_strings(&prior.nic_ids).into_iter().collect(),
        list_strings(&planned.nic_ids).into_iter().collect(),
    );
    let unbind: Vec<String> = was.difference(&want).cloned().collect();
    let bind: Vec<String> = want.difference(&was).cloned().collect();
    for (nics, on) in [(unbind, false), (bind, true)] {
        cloud
            .bind_security_group(id, &nics, on)
            .await
            .map_err(|e| format!("Cannot change the NICs of security group {id}: {e}"))?;
    }
    Ok(added)
}

/// The resource.
pub struct SecurityGroupResource {
    shared: SharedCloud,
}

impl SecurityGroupResource {
    /// Over the provider's shared cloud.
    pub fn new(shared: SharedCloud) -> Self {
        Self { shared }
    }

    /// Reads the group back into `state` after a change; errors become diagnostics.
    async fn read_back(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        mut state: SecurityGroupState,
    ) -> SecurityGroupState {
        let id = known(&state.id).unwrap_or_default().to_string();
        match cloud.read_security_group(&id).await {
            Ok(Some(group)) => apply_group(&mut state, group),
            Ok(None) => diags.root_error(
                "Security group not found after the change",
                format!("Security group {id} is no longer reported."),
            ),
            Err(e) => report(diags, &format!("Cannot read security group {id}"), &e, None),
        }
        clear_unknowns(&mut state);
        state
    }
}

/// The schema of one `rule` block.
fn rule_block() -> NestedBlock {
    let rule = SchemaBuilder::new("One rule. Rules form a set: their order does not matter.")
        .computed("id", AttributeType::String, "Rule id the cloud assigned.")
        .required(
            "direction",
            AttributeType::String,
            "`in` (ingress) or `out` (egress).",
        )
        .optional(
            "protocol",
            AttributeType::String,
            "`tcp`, `udp` or `icmp`; leave it out for any protocol.",
        )
        .optional(
            "port",
            AttributeType::String,
            "Target port, range or list (`443`, `8000-8080`, `80,443`); leave it out for any port.",
        )
        .optional(
            "source",
            AttributeType::String,
            "Allowed sources: IPs or CIDRs, comma-separated.",
        )
        .optional(
            "target",
            AttributeType::String,
            "Allowed targets: IPs or CIDRs, comma-separated.",
        )
        .into_block();
    NestedBlock::Set(rule)
}

/// Planned rules: new ones get an unknown id.
fn plan_rules(planned: &mut SecurityGroupState) {
    if let Some(rules) = planned.rule.as_mut_option() {
        for r in rules.iter_mut().filter_map(|r| r.as_mut_option()) {
            if r.id.is_null() {
                r.id = Value::Unknown;
            }
        }
    } else if planned.rule.is_null() {
        planned.rule = Value::Value(Vec::new());
    }
}

#[async_trait]
impl Resource for SecurityGroupResource {
    type State = SecurityGroupState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("A security group with its rules and the NICs bound to it (StarVCenter). Rules and NICs change in place, one by one; name and description replace the group.")
                .computed("id", AttributeType::String, "Security group id.")
                .required("name", AttributeType::String, "Name (a change replaces the group).")
                .optional("description", AttributeType::String, "Description (a change replaces the group).")
                .optional("nic_ids", AttributeType::Set(Box::new(AttributeType::String)), "NICs bound to the group, e.g. `polycloud_vps.web.nic_ids`.")
                .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
                .block("rule", rule_block())
                .timeouts()
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if known(&config.name).is_some_and(|n| n.trim().is_empty()) {
            diags.error(
                "Invalid name",
                "`name` must not be empty.",
                AttributePath::new("name"),
            );
        }
        for rule in config.rule.as_ref_option().into_iter().flatten() {
            if let Some(rule) = rule.as_ref_option() {
                validate_rule(diags, rule);
            }
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_security_group(&id).await;
        let state = refreshed(
            diags,
            &format!("security group {id}"),
            state,
            result,
            apply_group,
        )?;
        Some(state)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::SecurityGroup, Op::Create) {
                return None;
            }
        }
        let mut planned = proposed;
        plan_rules(&mut planned);
        Some(planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut planned = proposed;
        let mut replace = Vec::new();
        for (name, old, new) in [
            ("name", &prior.name, &planned.name),
            ("description", &prior.description, &planned.description),
        ] {
            if old != new {
                replace.push(AttributePath::new(name));
            }
        }
        let changed = planned.rule != prior.rule || planned.nic_ids != prior.nic_ids;
        if changed && replace.is_empty() {
            if let Some(cloud) = self.shared.get() {
                if !check_capability(diags, cloud.as_ref(), Feature::SecurityGroup, Op::Update) {
                    return None;
                }
            }
        }
        plan_rules(&mut planned);
        Some((planned, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let name = known(&planned.name).unwrap_or_default().to_string();
        let id = match cloud
            .create_security_group(
                &name,
                known(&planned.description),
                timeout(&planned.timeouts, Phase::Create),
            )
            .await
        {
            Ok(id) => id,
            Err(failure) => {
                report(
                    diags,
                    "Cannot create the security group",
                    &failure.error,
                    None,
                );
                let mut state = planned;
                state.id = Value::Value(failure.id?);
                clear_unknowns(&mut state);
                return Some(state);
            }
        };
        let mut state = planned.clone();
        state.id = Value::Value(id.clone());
        let empty = SecurityGroupState::default();
        let deadline = crate::http::deadline_in(timeout(&planned.timeouts, Phase::Create));
        let converged = converge(cloud.as_ref(), &id, &empty, &planned);
        match crate::http::within(deadline, converged).await {
            Ok(true) => check_effect(diags, cloud.as_ref(), &id).await,
            Ok(false) => {}
            Err(message) => diags.root_error(
                "Cannot finish the security group",
                crate::secrets::redact(&message),
            ),
        }
        let state = self.read_back(diags, cloud.as_ref(), state).await;
        Some(state)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let deadline = crate::http::deadline_in(timeout(&planned.timeouts, Phase::Update));
        match crate::http::within(deadline, converge(cloud.as_ref(), &id, &prior, &planned)).await {
            Ok(true) => check_effect(diags, cloud.as_ref(), &id).await,
            Ok(false) => {}
            Err(message) => diags.root_error(
                "Cannot update the security group",
                crate::secrets::redact(&message),
            ),
        }
        let state = self.read_back(diags, cloud.as_ref(), planned).await;
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let deadline = crate::http::deadline_in(timeout(&prior.timeouts, Phase::Delete));
        match cloud.read_security_group(&id).await {
            Ok(None) => return Some(()),
            Ok(Some(group)) => {
                let unbind = cloud.bind_security_group(&id, &group.nic_ids, false);
                if let Err(e) = crate::http::within(deadline, unbind).await {
                    report(
                        diags,
                        &format!("Cannot unbind the NICs of security group {id}"),
                        &e,
                        None,
                    );
                    return None;
                }
            }
            Err(e) => {
                report(diags, &format!("Cannot read security group {id}"), &e, None);
                return None;
            }
        }
        let what = format!("security group {id}");
        let result = crate::http::within(deadline, cloud.delete_security_group(&id)).await;
        deleted(diags, &what, result)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::SecurityGroup, Op::Read) {
            return None;
        }
        let result = cloud.read_security_group(&id).await;
        let state = imported(
            diags,
            &format!("security group {id:?}"),
            result,
            apply_group,
        )?;
        Some(state)
    }
}
