//! `polycloud_port_mapping`: a public IP:port forwarded to a server port through the
//! router of the server's network (SPEC §3: C R D). Every argument replaces it. A
//! public IP:port already taken fails with the cloud's own message.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::PortMapping;
use crate::resources::common::*;

/// Terraform state of `polycloud_port_mapping`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PortMappingState {
    /// Cloud id.
    pub id: Value<String>,
    /// Public address.
    pub public_ip: Value<String>,
    /// Public port.
    pub public_port: Value<i64>,
    /// Server.
    pub vps_id: Value<String>,
    /// Server port.
    pub private_port: Value<i64>,
    /// `tcp` or `udp`.
    pub protocol: Value<String>,
    /// Allowed sources.
    pub source: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Server address (computed).
    pub private_ip: Value<String>,
    /// Router doing it (computed).
    pub router_id: Value<String>,
}

impl PortMappingState {
    /// The domain request.
    fn spec(&self) -> PortMapping {
        let s = |v: &Value<String>| known(v).map(String::from);
        PortMapping {
            public_ip: s(&self.public_ip).unwrap_or_default(),
            public_port: self
                .public_port
                .as_ref_option()
                .copied()
                .unwrap_or_default(),
            vps_id: s(&self.vps_id).unwrap_or_default(),
            private_port: self
                .private_port
                .as_ref_option()
                .copied()
                .unwrap_or_default(),
            protocol: s(&self.protocol).unwrap_or_else(|| "tcp".into()),
            source: s(&self.source),
            description: s(&self.description),
            ..Default::default()
        }
    }
}

/// Writes what the cloud reports; optional text the user left out stays null.
fn apply(state: &mut PortMappingState, m: PortMapping) {
    state.id = Value::Value(m.id);
    state.public_ip = Value::Value(m.public_ip);
    state.public_port = Value::Value(m.public_port);
    state.vps_id = Value::Value(m.vps_id);
    state.private_port = Value::Value(m.private_port);
    state.protocol = Value::Value(m.protocol);
    for (slot, v) in [
        (&mut state.source, m.source),
        (&mut state.description, m.description),
    ] {
        if v.is_some() || !slot.is_null() {
            *slot = Value::Value(v.unwrap_or_default());
        }
    }
    state.private_ip = Value::Value(m.private_ip);
    state.router_id = val(m.router_id);
}

/// A port range check.
fn port(diags: &mut Diagnostics, value: &Value<i64>, name: &'static str) {
    if let Some(p) = value.as_ref_option() {
        if !(1..=65535).contains(p) {
            diags.error(
                format!("Invalid {name}"),
                format!("`{name}` must be 1–65535, not {p}."),
                AttributePath::new(name),
            );
        }
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_port_mapping` resource, on the provider's configured cloud.
    PortMappingResource
}

#[async_trait]
impl Resource for PortMappingResource {
    type State = PortMappingState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeType::{Number, String as Str};
        Some(
            SchemaBuilder::new("A public IP:port forwarded to a port of a server (StarVCenter portMapping, through the router of the server's network). Every argument replaces it.")
                .computed("id", Str, "Mapping id (`nat_id`).")
                .required("public_ip", Str, "Public address of the pool (see polycloud_public_ips).")
                .required("public_port", Number, "Public port, 1–65535; must be free on that address.")
                .required("vps_id", Str, "Server (a polycloud_vps id); its network must be attached to a router.")
                .required("private_port", Number, "Server port, 1–65535.")
                .optional_computed("protocol", Str, "`tcp` (default) or `udp`.")
                .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated.")
                .optional("description", Str, "Description.")
                .computed("private_ip", Str, "The server's address the port goes to.")
                .computed("router_id", Str, "The router doing the translation.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        port(diags, &config.public_port, "public_port");
        port(diags, &config.private_port, "private_port");
        if let Some(p) = known(&config.protocol) {
            if p != "tcp" && p != "udp" {
                diags.error(
                    "Invalid protocol",
                    format!("`protocol` must be `tcp` or `udp`, not {p:?}."),
                    AttributePath::new("protocol"),
                );
            }
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_port_mapping(&id).await;
        refreshed(diags, &format!("port mapping {id}"), state, result, apply)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::PortMapping, Op::Create) {
                return None;
            }
        }
        let mut planned = proposed;
        if config.protocol.is_null() {
            planned.protocol = Value::Value("tcp".into());
        }
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
            ("public_ip", &prior.public_ip, &proposed.public_ip),
            ("vps_id", &prior.vps_id, &proposed.vps_id),
            ("protocol", &prior.protocol, &proposed.protocol),
            ("source", &prior.source, &proposed.source),
            ("description", &prior.description, &proposed.description),
        ];
        for (name, a, b) in texts {
            if a != b {
                replace.push(AttributePath::new(name));
            }
        }
        for (name, a, b) in [
            ("public_port", &prior.public_port, &proposed.public_port),
            ("private_port", &prior.private_port, &proposed.private_port),
        ] {
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
        match cloud.create_port_mapping(&planned.spec()).await {
            Ok(m) => apply(&mut state, m),
            Err(failure) => {
                report(
                    diags,
                    "Cannot create the port mapping",
                    &failure.error,
                    None,
                );
                state.id = Value::Value(failure.id?);
                state.private_ip = Value::Null;
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
            &format!("port mapping {id}"),
            cloud.delete_address_mapping(&id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::PortMapping, Op::Read) {
            return None;
        }
        let result = cloud.read_port_mapping(&id).await;
        imported(diags, &format!("port mapping {id:?}"), result, apply)
    }
}
