//! `polycloud_storages`: the storage pools of an on-premises installation
//! (StarVCenter 2.16, every page).

use crate::data_sources::listed::Listed;
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

/// The `polycloud_storages` data source.
pub struct StoragesDataSource;

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
impl Listed for StoragesDataSource {
    type Filters = crate::tfplugin::value::Empty;
    type Item = StorageItem;
    const FEATURE: Feature = Feature::DataStorages;
    const LIST: &'static str = "storages";
    const WHAT: &'static str = "storages";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The storage pools of an on-premises installation (StarVCenter), every page.")
            .computed("id", AttributeType::String, "Stable id: the cloud.")
            .computed("storages", storage_type(), "The storages: `id`, `name`, `description`, `type` (`NFS`, `FCSAN`, `ISCSI`, `CEPH`, `GFS2`, `GLUSTERFS`), `thin`, `size_gb`, `used_gb`, `location` (access path), `usage` (`main` or `secondary`), `file_type` (`block`, `file`, `network`), `access` (`r` or `rw`), `created_at` (RFC 3339).")
            .computed("ids", string_list(), "The storages' ids, in the same order.")
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        _: &crate::tfplugin::value::Empty,
    ) -> Result<Vec<StorageItem>, CloudError> {
        Ok(cloud
            .storages()
            .await?
            .into_iter()
            .map(StorageItem::from)
            .collect())
    }
}
