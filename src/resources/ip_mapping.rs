//! `polycloud_ip_mapping`: a server mapped to an address of its own on the shared
//! network, optionally with a public address of the pool (StarVCenter sharenet). Every
//! argument replaces it. A public address already in use fails with the cloud's own
//! message.

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

/// The `polycloud_ip_mapping` resource.
pub struct IpMappingResource;

#[async_trait]
impl Managed for IpMappingResource {
    type State = IpMappingState;
    type Object = IpMapping;
    const FEATURE: Feature = Feature::IpMapping;
    const NOUN: &'static str = "IP mapping";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::String as Str;
        SchemaBuilder::new("A server mapped to an address of its own on the tenants' shared network, optionally with a public address of the pool (StarVCenter sharenet). One per server; every argument replaces it.")
            .computed("id", Str, "Mapping id (`nat.id`).")
            .required("vps_id", Str, "Server (a polycloud_vps id).").replaces()
            .optional("public_ip", Str, "Public address of the pool to map wholly to the server; must be unused (see polycloud_public_ips).").replaces()
            .optional("source", Str, "Allowed sources: IPs or CIDRs, comma-separated.").replaces()
            .optional("description", Str, "Description.").replaces()
            .computed("shared_ip", Str, "The server's address on the shared network (`tenant.shareip`).")
    }

    fn validate(&self, diags: &mut Diagnostics, config: &IpMappingState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
    }

    /// Optional text the user left out stays null.
    fn apply(&self, state: &mut IpMappingState, m: IpMapping) {
        state.id = Value::Value(m.id);
        state.vps_id = Value::Value(m.vps_id);
        keep_written(&mut state.public_ip, m.public_ip);
        keep_written(&mut state.source, m.source);
        keep_written(&mut state.description, m.description);
        state.shared_ip = val(m.shared_ip);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<IpMapping> {
        cloud.read_ip_mapping(id).await
    }

    async fn create(&self, op: Call<'_, IpMappingState>, state: &mut IpMappingState) -> Made {
        let s = |v: &Value<String>| known(v).map(String::from);
        let spec = IpMapping {
            vps_id: s(&state.vps_id).unwrap_or_default(),
            public_ip: s(&state.public_ip),
            source: s(&state.source),
            description: s(&state.description),
            ..Default::default()
        };
        let mapping = op.cloud.create_ip_mapping(&spec).await?;
        self.apply(state, mapping);
        Ok(())
    }

    async fn delete(&self, op: Call<'_, IpMappingState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_address_mapping(op.id).await
    }
}
