//! `polycloud_access_rule`: an access-control rule for a server's network (StarVCenter
//! acessrule; SPEC §3: C R D). `scope = "gate"` rules act at the network boundary: the
//! network's boundary firewall is opened with the first and closed after the last one.
//! `scope = "inner"` rules act inside the network and need `direction`. Every argument
//! replaces the rule. The API does not report `direction` or `description`; they are
//! kept as written.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
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

/// Writes what the cloud reports. What the user left out stays null; the server and
/// direction are kept as written (on import, the server as the cloud names it).
fn apply(state: &mut AccessRuleState, r: AccessRule) {
    state.id = Value::Value(r.id);
    state.scope = Value::Value(r.scope);
    if state.vps_id.is_null() && !r.vps_id.is_empty() {
        state.vps_id = Value::Value(r.vps_id);
    }
    for (slot, v) in [(&mut state.protocol, r.protocol), (&mut state.port, r.port)] {
        if v.is_some() || !slot.is_null() {
            *slot = Value::Value(v.unwrap_or_default());
        }
    }
    state.vpc_id = val(r.vpc_id);
    state.router_id = val(r.router_id);
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

crate::shared::over_shared_cloud! {
    /// The `polycloud_access_rule` resource, on the provider's configured cloud.
    AccessRuleResource
}

#[async_trait]
impl Resource for AccessRuleResource {
    type State = AccessRuleState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeType::String as Str;
        Some(
            SchemaBuilder::new("An access-control rule for a server's network (StarVCenter acessrule). `gate` rules act at the network boundary (the boundary firewall is opened with the first and closed after the last); `inner` rules act inside the network. Every argument replaces the rule.")
                .computed("id", Str, "Rule id.")
                .required("vps_id", Str, "Server the rule controls (a polycloud_vps id).")
                .required("scope", Str, "`gate` (network boundary; the network needs a router) or `inner` (inside the network).")
                .optional("direction", Str, "`in` or `out`; required for `inner`.")
                .optional("protocol", Str, "`tcp`, `udp` or `icmp`; required with `port`.")
                .optional("port", Str, "Ports and ranges, e.g. `80:83,85`.")
                .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated (not with `direction = \"out\"`).")
                .optional("target", Str, "Allowed targets: IPs or CIDRs, comma-separated (not with `direction = \"in\"`).")
                .optional("description", Str, "Description.")
                .computed("vpc_id", Str, "The server's network.")
                .computed("router_id", Str, "The router of that network, if any.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        check(diags, &config);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_access_rule(&id).await;
        refreshed(diags, &format!("access rule {id}"), state, result, apply)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::AccessRule, Op::Create) {
                return None;
            }
        }
        let planned = proposed;
        Some(planned)
    }

    async fn plan_update(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        let texts = [
            ("vps_id", &prior.vps_id, &proposed.vps_id),
            ("scope", &prior.scope, &proposed.scope),
            ("direction", &prior.direction, &proposed.direction),
            ("protocol", &prior.protocol, &proposed.protocol),
            ("port", &prior.port, &proposed.port),
            ("source", &prior.source, &proposed.source),
            ("target", &prior.target, &proposed.target),
            ("description", &prior.description, &proposed.description),
        ];
        for (name, a, b) in texts {
            // After an import the API has not said these: adopt what is written.
            let unreported =
                ["vps_id", "direction", "source", "target", "description"].contains(&name);
            if a != b && !(unreported && a.is_null()) {
                replace.push(AttributePath::new(name));
            }
        }
        Some((proposed, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let mut state = planned.clone();
        match cloud.create_access_rule(&planned.spec()).await {
            Ok(m) => apply(&mut state, m),
            Err(failure) => {
                report(diags, "Cannot create the access rule", &failure.error, None);
                state.id = Value::Value(failure.id?);
                state.vpc_id = Value::Null;
                state.router_id = Value::Null;
            }
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        deleted(
            diags,
            &format!("access rule {id}"),
            cloud.delete_access_rule(&id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::AccessRule, Op::Read) {
            return None;
        }
        let result = cloud.read_access_rule(&id).await;
        imported(diags, &format!("access rule {id:?}"), result, apply)
    }
}
