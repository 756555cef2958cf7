//! `polycloud_vps_console`: a URL of a server's web console (iNET noVNC).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_console`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ConsoleState {
    /// The server's id.
    pub id: Value<String>,
    /// The server.
    pub vps_id: Value<String>,
    /// The console URL (sensitive: it carries an access token).
    pub url: Value<String>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_console` data source, on the provider's configured cloud.
    VpsConsoleDataSource
}

#[async_trait]
impl DataSource for VpsConsoleDataSource {
    type State = ConsoleState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("A URL of a server's web console (iNET: noVNC). The cloud may issue a new URL on every read. The URL carries an access token and is stored in the state: prefer the ephemeral resource of the same name (Terraform 1.10 or later), which never stores it.")
                .computed("id", AttributeType::String, "The server's id.")
                .required("vps_id", AttributeType::String, "The server (a `polycloud_vps` id).")
                .computed_secret("url", "The console URL. Sensitive: it carries an access token.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsConsole)?;
        let vps_id = known(&config.vps_id).unwrap_or_default().trim().to_string();
        let url = match cloud.vps_console_url(&vps_id).await {
            Ok(url) => url,
            Err(e) => {
                report(
                    diags,
                    &format!("Cannot get the console of server {vps_id}"),
                    &e,
                    None,
                );
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(vps_id);
        state.url = Value::Value(url);
        Some(state)
    }
}
