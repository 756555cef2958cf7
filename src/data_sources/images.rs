//! `polycloud_images`: the OS images / templates the account can install.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::Image;
use crate::resources::common::*;

/// One element of `images`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ImageItem {
    /// Id to put in `polycloud_vps.image`.
    pub id: Value<String>,
    /// Human description.
    pub description: Value<String>,
    /// Locations it is offered in.
    pub locations: StringList,
    /// Plans it may run on.
    pub plans: StringList,
    /// Whether it can be used now.
    pub active: Value<bool>,
}

impl From<Image> for ImageItem {
    fn from(image: Image) -> Self {
        Self {
            id: Value::Value(image.id),
            description: Value::Value(image.description),
            locations: to_list(&image.locations),
            plans: to_list(&image.plans),
            active: Value::Value(image.active),
        }
    }
}

/// Terraform state of `polycloud_images`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ImagesState {
    /// Stable id: cloud and filter.
    pub id: Value<String>,
    /// Only images offered in this location.
    pub location: Value<String>,
    /// The images.
    pub images: Value<Vec<Value<ImageItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_images` data source, on the provider's configured cloud.
    ImagesDataSource
}

/// The attribute types of one image.
fn image_type() -> AttributeType {
    object_list(&[
        ("id", AttributeType::String),
        ("description", AttributeType::String),
        ("locations", string_list()),
        ("plans", string_list()),
        ("active", AttributeType::Bool),
    ])
}

#[async_trait]
impl DataSource for ImagesDataSource {
    type State = ImagesState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The OS images (templates) the configured cloud offers, optionally only those of one location. Put an `id` in `polycloud_vps.image`.")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
                .optional("location", AttributeType::String, "Only images offered in this location (see `polycloud_locations`).")
                .computed("images", image_type(), "The images: `id`, `description`, `locations`, `plans`, `active`.")
                .computed("ids", string_list(), "The images' ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.location, "location");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataImages)?;
        let location = filter(&config.location);
        let images = match cloud.images(location.as_deref()).await {
            Ok(images) => images,
            Err(e) => {
                report(diags, "Cannot list images", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "images",
            &[("location", location.as_deref())],
        ));
        state.ids = ids_of(images.iter().map(|i| i.id.as_str()));
        state.images = to_objects(images.into_iter().map(ImageItem::from).collect());
        Some(state)
    }
}
