//! `polycloud_images`: the OS images / templates the account can install.

use crate::data_sources::listed::Listed;
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

/// The filters of `polycloud_images`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ImagesFilters {
    /// Only images offered in this location.
    pub location: Value<String>,
}

/// The `polycloud_images` data source.
pub struct ImagesDataSource;

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
impl Listed for ImagesDataSource {
    type Filters = ImagesFilters;
    type Item = ImageItem;
    const FEATURE: Feature = Feature::DataImages;
    const LIST: &'static str = "images";
    const WHAT: &'static str = "images";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The OS images (templates) the configured cloud offers, optionally only those of one location. Put an `id` in `polycloud_vps.image`.")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
            .optional("location", AttributeType::String, "Only images offered in this location (see `polycloud_locations`).")
            .computed("images", image_type(), "The images: `id`, `description`, `locations`, `plans`, `active`.")
            .computed("ids", string_list(), "The images' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &ImagesFilters) {
        refuse_empty(diags, &f.location, "location");
    }

    fn set_filters(&self, f: &ImagesFilters) -> Vec<(&'static str, Option<String>)> {
        vec![("location", filter(&f.location))]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &ImagesFilters,
    ) -> Result<Vec<ImageItem>, CloudError> {
        Ok(cloud
            .images(filter(&f.location).as_deref())
            .await?
            .into_iter()
            .map(ImageItem::from)
            .collect())
    }
}
