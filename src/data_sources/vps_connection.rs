//! `polycloud_vps_connection`: how to reach a server's console (StarVCenter 2.2.9):
//! the console URL (sensitive: it grants access), the physical host and its VNC port.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_connection`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ConnectionState {
    /// The server's id.
    pub id: Value<String>,
    /// The server.
    pub vps_id: Value<String>,
    /// The console URL (sensitive).
    pub console_url: Value<String>,
    /// Address of the physical host.
    pub host_ip: Value<String>,
    /// VNC port on that host.
    pub vnc_port: Value<i64>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_connection` data source, on the provider's configured cloud.
    VpsConnectionDataSource
}

#[async_trait]
impl DataSource for VpsConnectionDataSource {
    type State = ConnectionState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("How to reach a server's console (StarVCenter): the console URL, the physical host and the VNC port. The URL grants access: it is sensitive and never logged, and the cloud may issue a new one on every read. It is stored in the state: prefer the ephemeral resource of the same name (Terraform 1.10 or later), which never stores it.")
                .computed("id", AttributeType::String, "The server's id.")
                .required("vps_id", AttributeType::String, "The server (a `polycloud_vps` id).")
                .computed_secret("console_url", "The remote console URL. Sensitive: it carries an access token.")
                .computed("host_ip", AttributeType::String, "IP address of the physical host the server runs on.")
                .computed("vnc_port", AttributeType::Number, "The server's VNC port on that host.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsConnection)?;
        let vps_id = known(&config.vps_id).unwrap_or_default().trim().to_string();
        let connection = match cloud.vps_connection(&vps_id).await {
            Ok(c) => c,
            Err(e) => {
                let what = format!("Cannot read the connection of server {vps_id}");
                report(diags, &what, &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(vps_id);
        state.console_url = Value::Value(connection.console_url);
        state.host_ip = val(connection.host_ip);
        state.vnc_port = val(connection.vnc_port);
        Some(state)
    }
}
