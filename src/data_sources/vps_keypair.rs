//! `polycloud_vps_keypair`: the SSH key pair a server was made with (iNET).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_keypair`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KeypairState {
    /// The server's id.
    pub id: Value<String>,
    /// The server.
    pub vps_id: Value<String>,
    /// Key pair name.
    pub name: Value<String>,
    /// OpenSSH public key.
    pub public_key: Value<String>,
    /// Fingerprint.
    pub fingerprint: Value<String>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_keypair` data source, on the provider's configured cloud.
    VpsKeypairDataSource
}

#[async_trait]
impl DataSource for VpsKeypairDataSource {
    type State = KeypairState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The SSH key pair a server was made with: its name, public key and fingerprint (iNET). The private key is `polycloud_vps_private_key`.")
                .computed("id", AttributeType::String, "The server's id.")
                .required("vps_id", AttributeType::String, "The server (a `polycloud_vps` id).")
                .computed("name", AttributeType::String, "Key pair name.")
                .computed("public_key", AttributeType::String, "OpenSSH public key.")
                .computed("fingerprint", AttributeType::String, "Fingerprint as the cloud prints it.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsKeypair)?;
        let vps_id = known(&config.vps_id).unwrap_or_default().trim().to_string();
        let pair = match cloud.vps_keypair(&vps_id).await {
            Ok(pair) => pair,
            Err(e) => {
                report(
                    diags,
                    &format!("Cannot read the key pair of server {vps_id}"),
                    &e,
                    None,
                );
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(vps_id);
        state.name = Value::Value(pair.name);
        state.public_key = Value::Value(pair.public_key);
        state.fingerprint = Value::Value(pair.fingerprint);
        Some(state)
    }
}
