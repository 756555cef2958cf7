//! Resources: one file each. They speak the domain model and never branch on the cloud.

pub mod common;
pub mod vps;

use std::collections::HashMap;

use tf_provider::DynamicResource;

use crate::provider::boxed_resource;
use common::SharedCloud;

/// Every resource, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicResource>> {
    let mut map = HashMap::new();
    map.insert(
        "vps".to_string(),
        boxed_resource(vps::VpsResource::new(shared.clone())),
    );
    map
}
