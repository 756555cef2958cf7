//! `polycloud_vps_private_key`: the private key of a server's key pair (iNET), as PEM
//! (`linux`) or PuTTY PPK (`windows`). The key is sensitive: Terraform hides it in
//! plans and the provider never logs it (it is registered with `crate::secrets`).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::KeyFormat;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_private_key`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PrivateKeyState {
    /// `<vps_id>/<key_type>`.
    pub id: Value<String>,
    /// The server.
    pub vps_id: Value<String>,
    /// `linux` (PEM, default) or `windows` (PPK).
    pub key_type: Value<String>,
    /// The key (sensitive).
    pub private_key: Value<String>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_private_key` data source, on the provider's configured cloud.
    VpsPrivateKeyDataSource
}

fn format_of(state: &PrivateKeyState) -> Option<KeyFormat> {
    match known(&state.key_type) {
        None => Some(KeyFormat::Linux),
        Some(text) => KeyFormat::parse(text),
    }
}

#[async_trait]
impl DataSource for VpsPrivateKeyDataSource {
    type State = PrivateKeyState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The private key of a server's SSH key pair (iNET). Sensitive: hidden in plans, never logged; it is still stored in the state. Prefer the ephemeral resource of the same name (Terraform 1.10 or later), which never stores it.")
                .computed("id", AttributeType::String, "`<vps_id>/<key_type>`.")
                .required("vps_id", AttributeType::String, "The server (a `polycloud_vps` id).")
                .optional_computed("key_type", AttributeType::String, "`linux` (RSA PEM, for OpenSSH; default) or `windows` (PuTTY PPK).")
                .computed_secret("private_key", "The private key text. Sensitive.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        if format_of(&config).is_none() {
            diags.error(
                "Invalid key_type",
                format!(
                    "{:?} is not a key type; use \"linux\" (PEM) or \"windows\" (PuTTY PPK).",
                    known(&config.key_type).unwrap_or_default()
                ),
                AttributePath::new("key_type"),
            );
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsPrivateKey)?;
        let vps_id = known(&config.vps_id).unwrap_or_default().trim().to_string();
        let format = format_of(&config)?;
        let key = match cloud.vps_private_key(&vps_id, format).await {
            Ok(key) => key,
            Err(e) => {
                report(
                    diags,
                    &format!("Cannot read the private key of server {vps_id}"),
                    &e,
                    None,
                );
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(format!("{vps_id}/{}", format.as_str()));
        state.key_type = Value::Value(format.as_str().into());
        state.private_key = Value::Value(key);
        Some(state)
    }
}
