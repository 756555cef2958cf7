//! `polycloud_storages`: the storage pools of an on-premises installation
//! (StarVCenter 2.16, every page).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::Storage;
use crate::resources::common::*;

/// One element of `storages`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StorageItem {
    /// Id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// Thin provisioning.
    pub thin: Value<bool>,
    /// Capacity, GB.
    pub size_gb: Value<i64>,
    /// Used, GB.
    pub used_gb: Value<i64>,
    /// Access path.
    pub location: Value<String>,
    /// `main` or `secondary`.
    pub usage: Value<String>,
    /// `block`, `file` or `network`.
    pub file_type: Value<String>,
    /// `r` or `rw`.
    pub access: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
}

impl From<Storage> for StorageItem {
    fn from(s: Storage) -> Self {
        Self {
            id: Value::Value(s.id),
            name: Value::Value(s.name),
            description: val(s.description),
            kind: val(s.kind),
            thin: val(s.thin),
            size_gb: val(s.size_gb),
            used_gb: val(s.used_gb),
            location: val(s.location),
            usage: val(s.usage),
            file_type: val(s.file_type),
            access: val(s.access),
            created_at: val(s.created_at),
        }
    }
}

/// Terraform state of `polycloud_storages`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoragesState {
    /// Stable id: the cloud.
    pub id: Value<String>,
    /// The storages.
    pub storages: Value<Vec<Value<StorageItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_storages` data source, on the provider's configured cloud.
    StoragesDataSource
}

fn storage_type() -> AttributeType {
    use AttributeType::{Bool, Number, String as Str};
    object_list(&[
        ("id", Str),
        ("name", Str),
        ("description", Str),
        ("type", Str),
        ("thin", Bool),
        ("size_gb", Number),
        ("used_gb", Number),
        ("location", Str),
        ("usage", Str),
        ("file_type", Str),
        ("access", Str),
        ("created_at", Str),
    ])
}

#[async_trait]
impl DataSource for StoragesDataSource {
    type State = StoragesState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The storage pools of an on-premises installation (StarVCenter), every page.")
                .computed("id", AttributeType::String, "Stable id: the cloud.")
                .computed("storages", storage_type(), "The storages: `id`, `name`, `description`, `type` (`NFS`, `FCSAN`, `ISCSI`, `CEPH`, `GFS2`, `GLUSTERFS`), `thin`, `size_gb`, `used_gb`, `location` (access path), `usage` (`main` or `secondary`), `file_type` (`block`, `file`, `network`), `access` (`r` or `rw`), `created_at` (RFC 3339).")
                .computed("ids", string_list(), "The storages' ids, in the same order.")
                .build(),
        )
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataStorages)?;
        let storages = match cloud.storages().await {
            Ok(all) => all,
            Err(e) => {
                report(diags, "Cannot list storages", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(cloud.as_ref(), "storages", &[]));
        state.ids = ids_of(storages.iter().map(|s| s.id.as_str()));
        state.storages = to_objects(storages.into_iter().map(StorageItem::from).collect());
        Some(state)
    }
}
