//! `polycloud_locations`: the locations (data centres) of the cloud.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
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

/// Terraform state of `polycloud_locations`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LocationsState {
    /// Stable id: the cloud.
    pub id: Value<String>,
    /// The locations.
    pub locations: Value<Vec<Value<LocationItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_locations` data source, on the provider's configured cloud.
    LocationsDataSource
}

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
impl DataSource for LocationsDataSource {
    type State = LocationsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The locations (data centres) of the configured cloud. Put an `id` in `polycloud_vps.location`.")
                .computed("id", AttributeType::String, "Stable id: the cloud.")
                .computed("locations", location_type(), "The locations: `id`, `description`, `active`, `private_networking`, `plans`.")
                .computed("ids", string_list(), "The locations' ids, in the same order.")
                .build(),
        )
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataLocations)?;
        let locations = match cloud.locations().await {
            Ok(locations) => locations,
            Err(e) => {
                report(diags, "Cannot list locations", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(cloud.as_ref(), "locations", &[]));
        state.ids = ids_of(locations.iter().map(|l| l.id.as_str()));
        state.locations = to_objects(locations.into_iter().map(LocationItem::from).collect());
        Some(state)
    }
}
