//! `polycloud_locations`: the locations (data centres) of the cloud.

use crate::data_sources::listed::Listed;
use crate::data_sources::support::*;
use crate::model::Location;
use crate::resources::common::*;

/// One element of `locations`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LocationItem {
    /// Id to put in `polycloud_vps.location`.
    pub id: Value<String>,
    /// Human description.
    pub description: Value<String>,
    /// Whether it accepts new servers.
    pub active: Value<bool>,
    /// Whether servers there get private addresses.
    pub private_networking: Value<bool>,
    /// Plans offered there.
    pub plans: StringList,
}

impl From<Location> for LocationItem {
    fn from(location: Location) -> Self {
        Self {
            id: Value::Value(location.id),
            description: Value::Value(location.description),
            active: Value::Value(location.active),
            private_networking: Value::Value(location.private_networking),
            plans: to_list(&location.plans),
        }
    }
}

/// The `polycloud_locations` data source.
pub struct LocationsDataSource;

/// The attribute types of one location.
fn location_type() -> AttributeType {
    object_list(&[
        ("id", AttributeType::String),
        ("description", AttributeType::String),
        ("active", AttributeType::Bool),
        ("private_networking", AttributeType::Bool),
        ("plans", string_list()),
    ])
}

#[async_trait]
impl Listed for LocationsDataSource {
    type Filters = crate::tfplugin::value::Empty;
    type Item = LocationItem;
    const FEATURE: Feature = Feature::DataLocations;
    const LIST: &'static str = "locations";
    const WHAT: &'static str = "locations";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The locations (data centres) of the configured cloud. Put an `id` in `polycloud_vps.location`.")
            .computed("id", AttributeType::String, "Stable id: the cloud.")
            .computed("locations", location_type(), "The locations: `id`, `description`, `active`, `private_networking`, `plans`.")
            .computed("ids", string_list(), "The locations' ids, in the same order.")
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        _: &crate::tfplugin::value::Empty,
    ) -> Result<Vec<LocationItem>, CloudError> {
        Ok(cloud
            .locations()
            .await?
            .into_iter()
            .map(LocationItem::from)
            .collect())
    }
}
