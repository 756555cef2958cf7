//! The provider: configuration schema (SPEC §2), validation, and the registry of
//! resources and data sources.

use std::collections::HashMap;

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{
    AttributePath, DataSource, Diagnostics, DynamicDataSource, DynamicResource, Provider, Resource,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::config::{self, ConfigIssue, RawConfig};
use crate::resources::common::{SchemaBuilder, SharedCloud};

/// The provider configuration block.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// `cloud`
    pub cloud: Value<String>,
    /// `endpoint`
    pub endpoint: Value<String>,
    /// `token`
    pub token: Value<String>,
    /// `username`
    pub username: Value<String>,
    /// `password`
    pub password: Value<String>,
    /// `request_timeout`
    pub request_timeout: Value<String>,
    /// `max_retries`
    pub max_retries: Value<i64>,
    /// `insecure`
    pub insecure: Value<bool>,
}

impl ProviderConfig {
    fn raw(&self) -> RawConfig {
        RawConfig {
            cloud: self.cloud.as_ref_option().cloned(),
            endpoint: self.endpoint.as_ref_option().cloned(),
            token: self.token.as_ref_option().cloned(),
            username: self.username.as_ref_option().cloned(),
            password: self.password.as_ref_option().cloned(),
            request_timeout: self.request_timeout.as_ref_option().cloned(),
            max_retries: self.max_retries.as_ref_option().copied(),
            insecure: self.insecure.as_ref_option().copied(),
        }
    }

    fn any_unknown(&self) -> bool {
        self.cloud.is_unknown()
            || self.endpoint.is_unknown()
            || self.token.is_unknown()
            || self.username.is_unknown()
            || self.password.is_unknown()
            || self.request_timeout.is_unknown()
            || self.max_retries.is_unknown()
            || self.insecure.is_unknown()
    }
}

/// The polycloud provider.
#[derive(Default)]
pub struct PolycloudProvider {
    shared: SharedCloud,
}

fn add_issues(diags: &mut Diagnostics, issues: Vec<ConfigIssue>) {
    for issue in issues {
        diags.error(
            issue.summary,
            issue.detail,
            AttributePath::new(issue.attribute),
        );
    }
}

#[async_trait]
impl Provider for PolycloudProvider {
    type Config<'a> = ProviderConfig;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("One provider configuration = one cloud account. Use aliases for several clouds.")
                .optional("cloud", AttributeType::String, "`vscale`, `inet`, `zomro` or `starvcenter`. Env: `POLYCLOUD_CLOUD`.")
                .optional("endpoint", AttributeType::String, "Base URL of the API. Env: `POLYCLOUD_ENDPOINT`. Defaults to the cloud's public API; required for StarVCenter.")
                .secret("token", "API token (Vscale `X-Token`, iNET bearer, Zomro session id, StarVCenter `KEY_TOKEN`). Env: `POLYCLOUD_TOKEN`.")
                .optional("username", AttributeType::String, "Zomro only, instead of `token`.")
                .secret("password", "Zomro only, with `username`.")
                .optional("request_timeout", AttributeType::String, "Limit per HTTP request, e.g. `30s` (default).")
                .optional("max_retries", AttributeType::Number, "Retries of a failed request (default 4, at most 20).")
                .optional("insecure", AttributeType::Bool, "Skip TLS verification (self-signed on-premises StarVCenter). Default false.")
                .build(),
        )
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        add_issues(diags, config::validate_written(&config.raw()));
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        for secret in [&config.token, &config.password]
            .into_iter()
            .filter_map(|v| v.as_ref_option())
        {
            crate::secrets::register(secret);
        }
        if config.any_unknown() {
            // Values known only at apply: resources will report it if they need the cloud.
            return Some(());
        }
        let env = |name: &str| std::env::var(name).ok();
        if let Some(token) = env("POLYCLOUD_TOKEN") {
            crate::secrets::register(&token);
        }
        let settings = match config::resolve(&config.raw(), &env) {
            Ok(settings) => settings,
            Err(issues) => {
                add_issues(diags, issues);
                return Some(());
            }
        };
        match crate::cloud::connect(&settings) {
            Ok(cloud) => self.shared.set(cloud),
            Err(e) => diags.root_error("Cannot set up the cloud client", e.to_string()),
        }
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(crate::resources::all(&self.shared))
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(crate::data_sources::all(&self.shared))
    }

    fn get_ephemeral_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn crate::tfplugin::DynamicEphemeralResource>>> {
        Some(crate::data_sources::ephemeral::all(&self.shared))
    }
}

/// Boxes a resource for the registry.
pub fn boxed_resource<R: Resource + 'static>(resource: R) -> Box<dyn DynamicResource> {
    Box::new(resource)
}

/// Boxes a data source for the registry.
pub fn boxed_data_source<D: DataSource + 'static>(data_source: D) -> Box<dyn DynamicDataSource> {
    Box::new(data_source)
}
