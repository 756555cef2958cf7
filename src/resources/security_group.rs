//! `polycloud_security_group`: a security group with its `rule` blocks and bound NICs
//!. Rules are a set of blocks: their order means nothing, and Terraform
//! keeps each unchanged rule's computed `id`. An update deletes only the rules that
//! are gone, adds only the new ones, and binds/unbinds only the NICs that changed.
//! Rules the cloud reports as not in effect are re-applied once, then reported as a
//! warning. The cloud cannot rename a group: `name` and `description` replace it.

use std::collections::BTreeSet;

use crate::model::{SecurityGroup, SecurityRule};
use crate::resources::common::*;
use crate::tfplugin::schema::NestedBlock;

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

/// The `polycloud_security_group` resource.
pub struct SecurityGroupResource;

impl SecurityGroupResource {
    /// Rules and NICs from `prior` to `planned`, then the rules' effect; reads back.
    async fn converge(
        &self,
        op: &mut Call<'_, SecurityGroupState>,
        id: &str,
        prior: &SecurityGroupState,
        state: &mut SecurityGroupState,
        what: &str,
    ) {
        match converge(op.cloud, id, prior, state).await {
            Ok(true) => check_effect(op.diags, op.cloud, id).await,
            Ok(false) => {}
            Err(message) => op
                .diags
                .root_error(what.to_string(), crate::secrets::redact(&message)),
        }
        self.read_back(op.diags, op.cloud, state, id).await;
        clear_unknowns(state);
    }
}

#[async_trait]
impl Managed for SecurityGroupResource {
    type State = SecurityGroupState;
    type Object = SecurityGroup;
    const FEATURE: Feature = Feature::SecurityGroup;
    const NOUN: &'static str = "security group";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("A security group with its rules and the NICs bound to it (StarVCenter). Rules and NICs change in place, one by one; name and description replace the group.")
            .computed("id", AttributeType::String, "Security group id.")
            .required("name", AttributeType::String, "Name (a change replaces the group).").replaces()
            .optional("description", AttributeType::String, "Description (a change replaces the group).").replaces()
            .optional("nic_ids", AttributeType::Set(Box::new(AttributeType::String)), "NICs bound to the group, e.g. `polycloud_vps.web.nic_ids`.")
            .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
            .block("rule", rule_block())
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &SecurityGroupState) {
        refuse_blank(diags, &config.name, "name");
        for rule in config.rule.as_ref_option().into_iter().flatten() {
            if let Some(rule) = rule.as_ref_option() {
                validate_rule(diags, rule);
            }
        }
    }

    fn apply(&self, state: &mut SecurityGroupState, group: SecurityGroup) {
        state.id = Value::Value(group.id);
        state.name = Value::Value(group.name);
        keep_written(&mut state.description, group.description);
        let rules = group
            .rules
            .into_iter()
            .map(|r| Value::Value(RuleBlock::from_rule(r)));
        state.rule = Value::Value(rules.collect());
        if !group.nic_ids.is_empty() || !state.nic_ids.is_null() {
            state.nic_ids = same_set_keep_order(&state.nic_ids, group.nic_ids);
        }
        state.created_at = val(group.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<SecurityGroup> {
        cloud.read_security_group(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, SecurityGroupState>) {
        plan_rules(plan.planned);
    }

    async fn plan_update(
        &self,
        plan: Plan<'_, SecurityGroupState>,
        prior: &SecurityGroupState,
    ) -> bool {
        let planned = plan.planned;
        let changed = planned.rule != prior.rule || planned.nic_ids != prior.nic_ids;
        plan_rules(planned);
        changed
    }

    async fn create(
        &self,
        mut op: Call<'_, SecurityGroupState>,
        state: &mut SecurityGroupState,
    ) -> Made {
        let name = known(&state.name).unwrap_or_default();
        let made = op
            .cloud
            .create_security_group(name, known(&state.description), op.limit)
            .await;
        let id = made.inspect_err(|_| clear_unknowns(state))?;
        state.id = Value::Value(id.clone());
        let empty = SecurityGroupState::default();
        self.converge(
            &mut op,
            &id,
            &empty,
            state,
            "Cannot finish the security group",
        )
        .await;
        Ok(())
    }

    async fn update(
        &self,
        mut op: Call<'_, SecurityGroupState>,
        prior: SecurityGroupState,
        planned: SecurityGroupState,
    ) -> Option<SecurityGroupState> {
        let (id, mut state) = (op.id.to_string(), planned);
        self.converge(
            &mut op,
            &id,
            &prior,
            &mut state,
            "Cannot update the security group",
        )
        .await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, SecurityGroupState>) -> Result<Deleted, CloudError> {
        let Some(group) = op.cloud.read_security_group(op.id).await? else {
            return Ok(Deleted::Gone);
        };
        op.cloud
            .bind_security_group(op.id, &group.nic_ids, false)
            .await?;
        op.cloud.delete_security_group(op.id).await
    }
}
