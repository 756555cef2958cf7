//! The configured cloud, shared by the provider (which installs it at configure) and
//! every resource, data source and ephemeral resource (built before configure).

use std::sync::{Arc, RwLock};

use crate::cloud::Cloud;
use crate::tfplugin::Diagnostics;

/// The provider's configured cloud, shared by every resource and data source (they are
/// built before Terraform configures the provider).
#[derive(Default)]
pub struct Shared {
    cloud: RwLock<Option<Arc<dyn Cloud>>>,
}

impl Shared {
    /// Installs the configured cloud.
    pub fn set(&self, cloud: Arc<dyn Cloud>) {
        *self.cloud.write().unwrap_or_else(|e| e.into_inner()) = Some(cloud);
    }

    /// The configured cloud, if the provider was configured with known values.
    pub fn get(&self) -> Option<Arc<dyn Cloud>> {
        self.cloud.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The configured cloud, or an error diagnostic.
    pub fn cloud(&self, diags: &mut Diagnostics) -> Option<Arc<dyn Cloud>> {
        let cloud = self.get();
        if cloud.is_none() {
            diags.root_error(
                "Provider not configured",
                "The polycloud provider has no usable configuration (is `cloud` or `token` unknown until apply?).",
            );
        }
        cloud
    }
}

/// The shared handle each resource holds.
pub type SharedCloud = Arc<Shared>;

/// Declares a resource or data source type that holds the provider's shared cloud,
/// with its `new(shared)` constructor.
macro_rules! over_shared_cloud {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name {
            shared: $crate::shared::SharedCloud,
        }

        impl $name {
            /// Over the provider's shared cloud.
            pub fn new(shared: $crate::shared::SharedCloud) -> Self {
                Self { shared }
            }
        }
    };
}

pub(crate) use over_shared_cloud;
