//! `polycloud_ip_mapping`: a server mapped to an address of its own on the shared
//! network, optionally with a public address of the pool (StarVCenter sharenet; SPEC §3:
//! C R D). Every argument replaces it. A public address already in use fails with the
//! cloud's own message.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::IpMapping;
use crate::resources::common::*;

/// Terraform state of `polycloud_ip_mapping`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IpMappingState {
    /// Cloud id.
    pub id: Value<String>,
    /// Server.
    pub vps_id: Value<String>,
    /// Public address of the pool, if any.
    pub public_ip: Value<String>,
    /// Allowed sources.
    pub source: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Address on the shared network (computed).
    pub shared_ip: Value<String>,
}

impl IpMappingState {
    /// The domain request.
    fn spec(&self) -> IpMapping {
        let s = |v: &Value<String>| known(v).map(String::from);
        IpMapping {
            vps_id: s(&self.vps_id).unwrap_or_default(),
            public_ip: s(&self.public_ip),
            source: s(&self.source),
            description: s(&self.description),
            ..Default::default()
        }
    }
}

/// Writes what the cloud reports; optional text the user left out stays null.
fn apply(state: &mut IpMappingState, m: IpMapping) {
    state.id = Value::Value(m.id);
    state.vps_id = Value::Value(m.vps_id);
    for (slot, v) in [
        (&mut state.public_ip, m.public_ip),
        (&mut state.source, m.source),
        (&mut state.description, m.description),
    ] {
        if v.is_some() || !slot.is_null() {
            *slot = Value::Value(v.unwrap_or_default());
        }
    }
    state.shared_ip = val(m.shared_ip);
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_ip_mapping` resource, on the provider's configured cloud.
    IpMappingResource
}

#[async_trait]
impl Resource for IpMappingResource {
    type State = IpMappingState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeType::String as Str;
        Some(
            SchemaBuilder::new("A server mapped to an address of its own on the tenants' shared network, optionally with a public address of the pool (StarVCenter sharenet). One per server; every argument replaces it.")
                .computed("id", Str, "Mapping id (`nat.id`).")
                .required("vps_id", Str, "Server (a polycloud_vps id).")
                .optional("public_ip", Str, "Public address of the pool to map wholly to the server; must be unused (see polycloud_public_ips).")
                .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated.")
                .optional("description", Str, "Description.")
                .computed("shared_ip", Str, "The server's address on the shared network (`tenant.shareip`).")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if known(&config.vps_id).is_some_and(|v| v.trim().is_empty()) {
            diags.error(
                "Invalid vps_id",
                "`vps_id` must not be empty.",
                AttributePath::new("vps_id"),
            );
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_ip_mapping(&id).await;
        refreshed(diags, &format!("IP mapping {id}"), state, result, apply)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::IpMapping, Op::Create) {
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
            ("public_ip", &prior.public_ip, &proposed.public_ip),
            ("source", &prior.source, &proposed.source),
            ("description", &prior.description, &proposed.description),
        ];
        for (name, a, b) in texts {
            if a != b {
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
        match cloud.create_ip_mapping(&planned.spec()).await {
            Ok(m) => apply(&mut state, m),
            Err(failure) => {
                report(diags, "Cannot create the IP mapping", &failure.error, None);
                state.id = Value::Value(failure.id?);
                state.shared_ip = Value::Null;
            }
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        deleted(
            diags,
            &format!("IP mapping {id}"),
            cloud.delete_address_mapping(&id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::IpMapping, Op::Read) {
            return None;
        }
        let result = cloud.read_ip_mapping(&id).await;
        imported(diags, &format!("IP mapping {id:?}"), result, apply)
    }
}
