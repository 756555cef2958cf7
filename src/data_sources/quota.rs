//! `polycloud_quota`: the total quota of the resource pool (StarVCenter 2.10.1).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::resources::common::*;

/// Terraform state of `polycloud_quota`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct QuotaState {
    /// Stable id: the cloud.
    pub id: Value<String>,
    /// vCPU cores.
    pub cpu: Value<i64>,
    /// Memory, MiB.
    pub memory_mb: Value<i64>,
    /// Storage, GB.
    pub storage_gb: Value<i64>,
    /// Public IPv4 addresses.
    pub public_ip: Value<i64>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_quota` data source, on the provider's configured cloud.
    QuotaDataSource
}

#[async_trait]
impl DataSource for QuotaDataSource {
    type State = QuotaState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeType::{Number, String as Str};
        Some(
            SchemaBuilder::new("The total quota of the resource pool (StarVCenter `resourcequota/search`). A tenant's own quotas and what is left of them are on `polycloud_tenant`.")
                .computed("id", Str, "Stable id: the cloud.")
                .computed("cpu", Number, "vCPU cores.")
                .computed("memory_mb", Number, "Memory, MiB.")
                .computed("storage_gb", Number, "Storage, GB.")
                .computed("public_ip", Number, "Public IPv4 addresses.")
                .build(),
        )
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataQuota)?;
        let quota = match cloud.pool_quota().await {
            Ok(q) => q,
            Err(e) => {
                report(diags, "Cannot read the quota", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(cloud.as_ref(), "quota", &[]));
        state.cpu = val(quota.cpu);
        state.memory_mb = val(quota.memory_mb);
        state.storage_gb = val(quota.storage_gb);
        state.public_ip = val(quota.public_ip);
        Some(state)
    }
}
