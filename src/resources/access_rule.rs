//! `polycloud_access_rule`: an access-control rule for a server's network (StarVCenter
//! acessrule). `scope = "gate"` rules act at the network boundary: the
//! network's boundary firewall is opened with the first and closed after the last one.
//! `scope = "inner"` rules act inside the network and need `direction`. Every argument
//! replaces the rule. The API does not report `direction` or `description`; they are
//! kept as written.

use crate::model::AccessRule;
use crate::resources::common::*;

/// Terraform state of `polycloud_access_rule`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessRuleState {
    /// Cloud id.
    pub id: Value<String>,
    /// Server controlled.
    pub vps_id: Value<String>,
    /// `gate` or `inner`.
    pub scope: Value<String>,
    /// `in` or `out`.
    pub direction: Value<String>,
    /// `tcp`, `udp`, `icmp`.
    pub protocol: Value<String>,
    /// Ports, e.g. `80:83,85`.
    pub port: Value<String>,
    /// Allowed sources.
    pub source: Value<String>,
    /// Allowed targets.
    pub target: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Network of the server (computed).
    pub vpc_id: Value<String>,
    /// Router of that network (computed).
    pub router_id: Value<String>,
}

impl AccessRuleState {
    /// The domain request.
    fn spec(&self) -> AccessRule {
        let s = |v: &Value<String>| known(v).map(String::from);
        AccessRule {
            vps_id: s(&self.vps_id).unwrap_or_default(),
            scope: s(&self.scope).unwrap_or_default(),
            direction: s(&self.direction),
            protocol: s(&self.protocol),
            port: s(&self.port),
            source: s(&self.source),
            target: s(&self.target),
            description: s(&self.description),
            ..Default::default()
        }
    }
}

/// Checks the combination of scope, direction, protocol, port, source and target.
fn check(diags: &mut Diagnostics, c: &AccessRuleState) {
    let err = |diags: &mut Diagnostics, name: &'static str, msg: String| {
        diags.error(format!("Invalid {name}"), msg, AttributePath::new(name))
    };
    let one_of =
        |v: &Value<String>, allowed: &[&str]| known(v).is_none_or(|x| allowed.contains(&x));
    if !one_of(&c.scope, &["gate", "inner"]) {
        err(
            diags,
            "scope",
            "`scope` must be `gate` (network boundary) or `inner` (inside the network).".into(),
        );
    }
    if !one_of(&c.direction, &["in", "out"]) {
        err(
            diags,
            "direction",
            "`direction` must be `in` or `out`.".into(),
        );
    }
    if known(&c.scope) == Some("inner") && c.direction.is_null() {
        err(
            diags,
            "direction",
            "`scope = \"inner\"` rules need `direction` (`in` or `out`).".into(),
        );
    }
    if !one_of(&c.protocol, &["tcp", "udp", "icmp"]) {
        err(
            diags,
            "protocol",
            "`protocol` must be `tcp`, `udp` or `icmp`.".into(),
        );
    }
    if let Some(p) = known(&c.port) {
        let ok = p.split(',').all(|part| {
            let n: Vec<&str> = part.split(':').collect();
            n.len() <= 2
                && n.iter()
                    .all(|x| x.trim().parse::<u16>().is_ok_and(|v| v > 0))
        });
        if !ok {
            err(
                diags,
                "port",
                format!("`port` must be ports and ranges like `80:83,85`; not {p:?}."),
            );
        }
        if c.protocol.is_null() {
            err(diags, "protocol", "`port` needs `protocol`.".into());
        }
    }
    match known(&c.direction) {
        Some("in") if !c.target.is_null() => err(
            diags,
            "target",
            "With `direction = \"in\"` the target is the server itself: remove `target`.".into(),
        ),
        Some("out") if !c.source.is_null() => err(
            diags,
            "source",
            "With `direction = \"out\"` the source is the server itself: remove `source`.".into(),
        ),
        _ => {}
    }
}

/// The `polycloud_access_rule` resource.
pub struct AccessRuleResource;

#[async_trait]
impl Managed for AccessRuleResource {
    type State = AccessRuleState;
    type Object = AccessRule;
    const FEATURE: Feature = Feature::AccessRule;
    const NOUN: &'static str = "access rule";

    /// The API does not report the server, `direction`, `source`, `target` or
    /// `description`: after an import the written values are adopted.
    fn schema(&self) -> SchemaBuilder {
        use AttributeType::String as Str;
        SchemaBuilder::new("An access-control rule for a server's network (StarVCenter acessrule). `gate` rules act at the network boundary (the boundary firewall is opened with the first and closed after the last); `inner` rules act inside the network. Every argument replaces the rule.")
            .computed("id", Str, "Rule id.")
            .required("vps_id", Str, "Server the rule controls (a polycloud_vps id).").replaces_once_reported()
            .required("scope", Str, "`gate` (network boundary; the network needs a router) or `inner` (inside the network).").replaces()
            .optional("direction", Str, "`in` or `out`; required for `inner`.").replaces_once_reported()
            .optional("protocol", Str, "`tcp`, `udp` or `icmp`; required with `port`.").replaces()
            .optional("port", Str, "Ports and ranges, e.g. `80:83,85`.").replaces()
            .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated (not with `direction = \"out\"`).").replaces_once_reported()
            .optional("target", Str, "Allowed targets: IPs or CIDRs, comma-separated (not with `direction = \"in\"`).").replaces_once_reported()
            .optional("description", Str, "Description.").replaces_once_reported()
            .computed("vpc_id", Str, "The server's network.")
            .computed("router_id", Str, "The router of that network, if any.")
    }

    fn validate(&self, diags: &mut Diagnostics, config: &AccessRuleState) {
        check(diags, config);
    }

    /// What the user left out stays null; the server and direction are kept as written
    /// (on import, the server as the cloud names it).
    fn apply(&self, state: &mut AccessRuleState, r: AccessRule) {
        state.id = Value::Value(r.id);
        state.scope = Value::Value(r.scope);
        if state.vps_id.is_null() && !r.vps_id.is_empty() {
            state.vps_id = Value::Value(r.vps_id);
        }
        keep_written(&mut state.protocol, r.protocol);
        keep_written(&mut state.port, r.port);
        state.vpc_id = val(r.vpc_id);
        state.router_id = val(r.router_id);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<AccessRule> {
        cloud.read_access_rule(id).await
    }

    async fn create(&self, op: Call<'_, AccessRuleState>, state: &mut AccessRuleState) -> Made {
        let rule = op.cloud.create_access_rule(&state.spec()).await?;
        self.apply(state, rule);
        Ok(())
    }

    async fn delete(&self, op: Call<'_, AccessRuleState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_access_rule(op.id).await
    }
}
