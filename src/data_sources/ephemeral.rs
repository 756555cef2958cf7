//! Ephemeral twins of the data sources that return secrets (Terraform ≥ 1.10): the same
//! arguments and results, opened when a run needs them and never written to state or
//! plan. The data sources stay for older Terraform versions; their docs point here.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::data_sources::{vps_connection, vps_console, vps_private_key};
use crate::shared::SharedCloud;
use crate::tfplugin::schema::{Description, Schema};
use crate::tfplugin::{DataSource, Diagnostics, DynamicEphemeralResource, EphemeralResource};

/// A data source served as an ephemeral resource, with its own description.
pub struct EphemeralOf<D> {
    source: D,
    description: &'static str,
}

impl<D> EphemeralOf<D> {
    /// `source` read on open; `description` replaces the data source's (which speaks of
    /// state).
    pub fn new(source: D, description: &'static str) -> Self {
        Self {
            source,
            description,
        }
    }
}

#[async_trait]
impl<D> EphemeralResource for EphemeralOf<D>
where
    D: DataSource,
{
    type State = D::State;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        let mut schema = self.source.schema(diags)?;
        schema.block.description = Description::markdown(self.description);
        Some(schema)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        self.source.validate(diags, config).await
    }

    async fn open(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        self.source.read(diags, config).await
    }
}

fn boxed<E: EphemeralResource + 'static>(resource: E) -> Box<dyn DynamicEphemeralResource> {
    Box::new(resource)
}

/// Every ephemeral resource, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicEphemeralResource>> {
    HashMap::from([
        (
            "vps_private_key".to_string(),
            boxed(EphemeralOf::new(
                vps_private_key::VpsPrivateKeyDataSource::new(shared.clone()),
                "The private key of a server's SSH key pair (iNET), as an ephemeral value: use it in a provisioner's `connection`, another provider's block or a write-only argument; it is never stored in state or plan.",
            )),
        ),
        (
            "vps_console".to_string(),
            boxed(EphemeralOf::new(
                vps_console::VpsConsoleDataSource::new(shared.clone()),
                "A web console URL of a server (iNET), as an ephemeral value: the URL carries an access token, so it is never stored in state or plan.",
            )),
        ),
        (
            "vps_connection".to_string(),
            boxed(EphemeralOf::new(
                vps_connection::VpsConnectionDataSource::new(shared.clone()),
                "How to reach a VM's console (StarVCenter), as an ephemeral value: the console URL carries an access token, so it is never stored in state or plan.",
            )),
        ),
    ])
}
