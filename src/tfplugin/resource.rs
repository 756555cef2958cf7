//! Managed resources, data sources and ephemeral resources as the provider writes them
//! (typed states in and out), and their type-erased forms the server calls.
//!
//! A typed state is any serde struct of [`super::Value`] fields; [`from_tree`] and
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

/// A managed resource with typed states. Returning `None` means "no new state"; any
/// error belongs in `diags`. A create that fails after the object exists returns
/// `Some(state)` *and* an error: Terraform keeps the object, tainted.
///
/// The layer does what every resource would otherwise repeat: before `plan_create`
/// it marks computed attributes the configuration leaves null as unknown, and after
/// `create`/`update` it turns values still unknown into null.
#[async_trait]
pub trait Resource: Send + Sync {
    /// The state (also the shape of the configuration and the plan).
    type State: Serialize + DeserializeOwned + Send;

    /// The schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Checks the configuration (no API call).
    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        let _ = (diags, config);
        Some(())
    }

    /// Refreshes the state; `None` without an error means the object is gone.
    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State>;

    /// Plans a new object.
    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        let _ = (diags, config);
        Some(proposed)
    }

    /// Plans a change; also returns the attributes that force a replacement.
    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)>;

    /// Creates the object.
    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        config: Self::State,
    ) -> Option<Self::State>;

    /// Changes the object in place (the default: nothing to change remotely).
    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        let _ = (diags, prior, config);
        Some(planned)
    }

    /// Deletes the object.
    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()>;

    /// Reads an existing object by the id the user gave.
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let _ = id;
        diags.root_error(
            "Import is not supported",
            "This resource cannot be imported.",
        );
        None
    }

    /// Upgrades a stored state of an older schema `version` (raw JSON, as stored) to
    /// the current shape. Only called when `version` is below the schema's version.
    ///
    /// The default knows this provider's own history ([`super::upgrade::to_current`]);
    /// a resource whose state changes shape adds its own step on top of it.
    async fn upgrade(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior: Json,
    ) -> Option<Self::State> {
        let schema = Resource::schema(self, diags)?;
        let tree = super::upgrade::to_current(diags, &schema, version, prior)?;
        from_tree(diags, STATE, tree)
    }
}

/// The type-erased form of [`Resource`] over JSON trees, which the server calls.
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

const STATE: &str = "resource state";

#[async_trait]
impl<R: Resource> DynamicResource for R {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        Resource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()> {
        let config = from_tree(diags, "configuration", config)?;
        Resource::validate(self, diags, config).await
    }

    async fn read(&self, diags: &mut Diagnostics, state: Json) -> Option<Json> {
        let state = from_tree(diags, STATE, state)?;
        let state = Resource::read(self, diags, state).await?;
        to_tree(diags, STATE, &state)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Json,
        config: Json,
    ) -> Option<Json> {
        let proposed = from_tree(diags, "proposed state", proposed)?;
        let config = from_tree(diags, "configuration", config)?;
        let planned = Resource::plan_create(self, diags, proposed, config).await?;
        to_tree(diags, STATE, &planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        proposed: Json,
        config: Json,
    ) -> Option<(Json, Vec<AttributePath>)> {
        let prior = from_tree(diags, STATE, prior)?;
        let proposed = from_tree(diags, "proposed state", proposed)?;
        let config = from_tree(diags, "configuration", config)?;
        let (planned, replace) =
            Resource::plan_update(self, diags, prior, proposed, config).await?;
        Some((to_tree(diags, STATE, &planned)?, replace))
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Json, config: Json) -> Option<Json> {
        let planned = from_tree(diags, "planned state", planned)?;
        let config = from_tree(diags, "configuration", config)?;
        let state = Resource::create(self, diags, planned, config).await?;
        to_tree(diags, STATE, &state)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        planned: Json,
        config: Json,
    ) -> Option<Json> {
        let prior = from_tree(diags, STATE, prior)?;
        let planned = from_tree(diags, "planned state", planned)?;
        let config = from_tree(diags, "configuration", config)?;
        let state = Resource::update(self, diags, prior, planned, config).await?;
        to_tree(diags, STATE, &state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Json) -> Option<()> {
        let prior = from_tree(diags, STATE, prior)?;
        Resource::destroy(self, diags, prior).await
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Json> {
        let state = Resource::import(self, diags, id).await?;
        to_tree(diags, STATE, &state)
    }

    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, prior: Json) -> Option<Json> {
        let state = Resource::upgrade(self, diags, version, prior).await?;
        to_tree(diags, STATE, &state)
    }
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
