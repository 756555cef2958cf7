//! The layer of the list-shaped data sources. Each implements [`Listed`]: its schema,
//! its filters, and the one call that lists the objects; [`listed`] does what they
//! share once: the capability check before any call, the list error, the stable `id`
//! (the cloud, the data source and the filters that are set), the list attribute and
//! the `ids` beside it, in the same order.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;

use crate::cloud::{Cloud, CloudError, Feature};
use crate::data_sources::support::{data_id, ready};
use crate::resources::common::{report, SchemaBuilder, SharedCloud};
use crate::tfplugin::resource::{from_tree, to_tree};
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{Diagnostics, DynamicDataSource};

/// What a list-shaped data source keeps to itself.
#[async_trait]
pub trait Listed: Send + Sync + 'static {
    /// The configuration: its filters (other attributes are the layer's).
    type Filters: DeserializeOwned + Send + Sync;
    /// One element of the list.
    type Item: Serialize + Send;
    /// Its row of the capability matrix.
    const FEATURE: Feature;
    /// The list attribute.
    const LIST: &'static str;
    /// The data source's part of the stable id.
    const NAME: &'static str = Self::LIST;
    /// What the list holds, in the error of a failed list ("public IPs").
    const WHAT: &'static str;
    /// The attribute that lists the items' ids.
    const IDS: &'static str = "ids";

    /// The schema: `id`, the filters, the list and its ids.
    fn schema(&self) -> SchemaBuilder;

    /// Checks the filters (no API call).
    fn validate(&self, diags: &mut Diagnostics, filters: &Self::Filters) {
        let _ = (diags, filters);
    }

    /// The filters that are set, by attribute, for the stable id.
    fn set_filters(&self, filters: &Self::Filters) -> Vec<(&'static str, Option<String>)> {
        let _ = filters;
        Vec::new()
    }

    /// The objects, filtered.
    async fn list(
        &self,
        cloud: &dyn Cloud,
        filters: &Self::Filters,
    ) -> Result<Vec<Self::Item>, CloudError>;

    /// The `IDS` attribute: each item's `id`, in order.
    fn ids(&self, items: &[Json]) -> Json {
        Json::Array(items.iter().map(|item| item["id"].clone()).collect())
    }
}

/// A [`Listed`] data source over the provider's shared cloud, as the server calls it.
pub struct ListLayer<L> {
    source: L,
    shared: SharedCloud,
}

/// The boxed layer of `source`, for the registry.
pub fn listed<L: Listed>(source: L, shared: &SharedCloud) -> Box<dyn DynamicDataSource> {
    let shared = shared.clone();
    Box::new(ListLayer { source, shared })
}

#[async_trait]
impl<L: Listed> DynamicDataSource for ListLayer<L> {
    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(self.source.schema().build())
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()> {
        let filters = from_tree(diags, "configuration", config)?;
        self.source.validate(diags, &filters);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Json) -> Option<Json> {
        let cloud = ready(&self.shared, diags, L::FEATURE)?;
        let filters = from_tree(diags, "configuration", config.clone())?;
        let items = match self.source.list(cloud.as_ref(), &filters).await {
            Ok(items) => items,
            Err(e) => {
                report(diags, &format!("Cannot list {}", L::WHAT), &e, None);
                return None;
            }
        };
        let items: Vec<Json> = items
            .iter()
            .map(|item| to_tree(diags, "data source state", item))
            .collect::<Option<_>>()?;
        let set = self.source.set_filters(&filters);
        let set: Vec<(&str, Option<&str>)> = set.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        let mut state = config;
        if let Json::Object(map) = &mut state {
            map.insert("id".into(), data_id(cloud.as_ref(), L::NAME, &set).into());
            map.insert(L::IDS.into(), self.source.ids(&items));
            map.insert(L::LIST.into(), Json::Array(items));
        }
        Some(state)
    }
}
