//! `polycloud_port_mapping`: a public IP:port forwarded to a server port through the
//! router of the server's network. Every argument replaces it. A public IP:port
//! already taken fails with the cloud's own message.

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

/// A port range check.
fn port(diags: &mut Diagnostics, value: &Value<i64>, name: &'static str) {
    if let Some(p) = value.as_ref_option().filter(|p| !(1..=65535).contains(*p)) {
        let detail = format!("`{name}` must be 1–65535, not {p}.");
        diags.error(format!("Invalid {name}"), detail, AttributePath::new(name));
    }
}

/// The `polycloud_port_mapping` resource.
pub struct PortMappingResource;

#[async_trait]
impl Managed for PortMappingResource {
    type State = PortMappingState;
    type Object = PortMapping;
    const FEATURE: Feature = Feature::PortMapping;
    const NOUN: &'static str = "port mapping";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::{Number, String as Str};
        SchemaBuilder::new("A public IP:port forwarded to a port of a server (StarVCenter portMapping, through the router of the server's network). Every argument replaces it.")
            .computed("id", Str, "Mapping id (`nat_id`).")
            .required("public_ip", Str, "Public address of the pool (see polycloud_public_ips).").replaces()
            .required("public_port", Number, "Public port, 1–65535; must be free on that address.").replaces()
            .required("vps_id", Str, "Server (a polycloud_vps id); its network must be attached to a router.").replaces()
            .required("private_port", Number, "Server port, 1–65535.").replaces()
            .optional_computed("protocol", Str, "`tcp` (default) or `udp`.").replaces()
            .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated.").replaces()
            .optional("description", Str, "Description.").replaces()
            .computed("private_ip", Str, "The server's address the port goes to.")
            .computed("router_id", Str, "The router doing the translation.")
    }

    fn validate(&self, diags: &mut Diagnostics, config: &PortMappingState) {
        port(diags, &config.public_port, "public_port");
        port(diags, &config.private_port, "private_port");
        if let Some(p) = known(&config.protocol).filter(|p| *p != "tcp" && *p != "udp") {
            let detail = format!("`protocol` must be `tcp` or `udp`, not {p:?}.");
            diags.error("Invalid protocol", detail, AttributePath::new("protocol"));
        }
    }

    /// Optional text the user left out stays null.
    fn apply(&self, state: &mut PortMappingState, m: PortMapping) {
        state.id = Value::Value(m.id);
        state.public_ip = Value::Value(m.public_ip);
        state.public_port = Value::Value(m.public_port);
        state.vps_id = Value::Value(m.vps_id);
        state.private_port = Value::Value(m.private_port);
        state.protocol = Value::Value(m.protocol);
        keep_written(&mut state.source, m.source);
        keep_written(&mut state.description, m.description);
        state.private_ip = Value::Value(m.private_ip);
        state.router_id = val(m.router_id);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<PortMapping> {
        cloud.read_port_mapping(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, PortMappingState>) {
        if plan.config.protocol.is_null() {
            plan.planned.protocol = Value::Value("tcp".into());
        }
    }

    async fn create(&self, op: Call<'_, PortMappingState>, state: &mut PortMappingState) -> Made {
        let s = |v: &Value<String>| known(v).map(String::from);
        let n = |v: &Value<i64>| v.as_ref_option().copied().unwrap_or_default();
        let spec = PortMapping {
            public_ip: s(&state.public_ip).unwrap_or_default(),
            public_port: n(&state.public_port),
            vps_id: s(&state.vps_id).unwrap_or_default(),
            private_port: n(&state.private_port),
            protocol: s(&state.protocol).unwrap_or_else(|| "tcp".into()),
            source: s(&state.source),
            description: s(&state.description),
            ..Default::default()
        };
        let mapping = op.cloud.create_port_mapping(&spec).await?;
        self.apply(state, mapping);
        Ok(())
    }

    async fn delete(&self, op: Call<'_, PortMappingState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_address_mapping(op.id).await
    }
}
