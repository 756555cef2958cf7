//! Data sources: one file each.

use std::collections::HashMap;

use tf_provider::DynamicDataSource;

use crate::resources::common::SharedCloud;

/// Every data source, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicDataSource>> {
    let _ = shared;
    HashMap::new()
}
