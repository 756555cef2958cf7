//! Managed resources (over JSON trees), data sources and ephemeral resources (typed
//! states in and out, with their type-erased forms), as the server calls them.
//!
//! A typed state is any serde struct of [`super::value::Value`] fields; [`from_tree`] and
//! [`to_tree`] convert it to and from the JSON tree of [`super::dynamic`].

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;

use super::diagnostics::{AttributePath, Diagnostics};
use super::schema::Schema;

/// Reads a typed value from the JSON tree, or adds an error naming `what`.
pub fn from_tree<T: DeserializeOwned>(
    diags: &mut Diagnostics,
    what: &str,
    tree: Json,
) -> Option<T> {
    match serde_json::from_value(tree) {
        Ok(value) => Some(value),
        Err(e) => {
            diags.root_error(format!("Cannot read the {what}"), e.to_string());
            None
        }
    }
}

/// Writes a typed value as the JSON tree, or adds an error naming `what`.
pub fn to_tree<T: Serialize>(diags: &mut Diagnostics, what: &str, value: &T) -> Option<Json> {
    match serde_json::to_value(value) {
        Ok(tree) => Some(tree),
        Err(e) => {
            diags.root_error(format!("Cannot write the {what}"), e.to_string());
            None
        }
    }
}

/// A managed resource over JSON trees, which the server calls (the project's resources
/// implement it through `crate::resources::managed::Layer`). Returning `None` means "no
/// new state"; any error belongs in `diags`. A create that fails after the object exists
/// returns `Some(state)` *and* an error: Terraform keeps the object, tainted.
#[allow(missing_docs)]
#[async_trait]
pub trait DynamicResource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()>;
    async fn read(&self, diags: &mut Diagnostics, state: Json) -> Option<Json>;
    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Json,
        config: Json,
    ) -> Option<Json>;
    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        proposed: Json,
        config: Json,
    ) -> Option<(Json, Vec<AttributePath>)>;
    async fn create(&self, diags: &mut Diagnostics, planned: Json, config: Json) -> Option<Json>;
    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        planned: Json,
        config: Json,
    ) -> Option<Json>;
    async fn destroy(&self, diags: &mut Diagnostics, prior: Json) -> Option<()>;
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Json>;
    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, prior: Json) -> Option<Json>;
}

/// A data source with a typed state (configuration in, full state out).
#[async_trait]
pub trait DataSource: Send + Sync {
    /// Configuration and result.
    type State: Serialize + DeserializeOwned + Send;

    /// The schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Checks the configuration (no API call).
    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        let _ = (diags, config);
        Some(())
    }

    /// Reads the data.
    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State>;
}

/// The type-erased form of [`DataSource`].
#[allow(missing_docs)]
#[async_trait]
pub trait DynamicDataSource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()>;
    async fn read(&self, diags: &mut Diagnostics, config: Json) -> Option<Json>;
}

#[async_trait]
impl<D: DataSource> DynamicDataSource for D {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        DataSource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()> {
        let config = from_tree(diags, "configuration", config)?;
        DataSource::validate(self, diags, config).await
    }

    async fn read(&self, diags: &mut Diagnostics, config: Json) -> Option<Json> {
        let config = from_tree(diags, "configuration", config)?;
        let state = DataSource::read(self, diags, config).await?;
        to_tree(diags, "data source state", &state)
    }
}

/// An ephemeral resource (Terraform ≥ 1.10): opened when a run needs its value, never
/// stored in state or plan.
#[async_trait]
pub trait EphemeralResource: Send + Sync {
    /// Configuration and result.
    type State: Serialize + DeserializeOwned + Send;

    /// The schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Checks the configuration (no API call).
    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        let _ = (diags, config);
        Some(())
    }

    /// Produces the value.
    async fn open(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State>;
}

/// The type-erased form of [`EphemeralResource`].
#[allow(missing_docs)]
#[async_trait]
pub trait DynamicEphemeralResource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()>;
    async fn open(&self, diags: &mut Diagnostics, config: Json) -> Option<Json>;
}

#[async_trait]
impl<E: EphemeralResource> DynamicEphemeralResource for E {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        EphemeralResource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()> {
        let config = from_tree(diags, "configuration", config)?;
        EphemeralResource::validate(self, diags, config).await
    }

    async fn open(&self, diags: &mut Diagnostics, config: Json) -> Option<Json> {
        let config = from_tree(diags, "configuration", config)?;
        let result = EphemeralResource::open(self, diags, config).await?;
        to_tree(diags, "ephemeral result", &result)
    }
}

/// The provider itself: its configuration and its registry.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider block.
    type Config: Serialize + DeserializeOwned + Send;

    /// The provider block's schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Checks the provider block (no API call).
    async fn validate(&self, diags: &mut Diagnostics, config: Self::Config) -> Option<()> {
        let _ = (diags, config);
        Some(())
    }

    /// Sets the provider up for the resources.
    async fn configure(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config,
    ) -> Option<()>;

    /// Managed resources by name without the provider prefix.
    fn get_resources(
        &self,
        diags: &mut Diagnostics,
    ) -> Option<std::collections::HashMap<String, Box<dyn DynamicResource>>>;

    /// Data sources by name without the provider prefix.
    fn get_data_sources(
        &self,
        diags: &mut Diagnostics,
    ) -> Option<std::collections::HashMap<String, Box<dyn DynamicDataSource>>>;

    /// Ephemeral resources by name without the provider prefix.
    fn get_ephemeral_resources(
        &self,
        diags: &mut Diagnostics,
    ) -> Option<std::collections::HashMap<String, Box<dyn DynamicEphemeralResource>>> {
        let _ = diags;
        Some(Default::default())
    }
}
