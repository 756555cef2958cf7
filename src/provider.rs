//! The provider: configuration schema, validation, and the registry of
//! resources and data sources.

use std::collections::HashMap;

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{
    AttributePath, DataSource, Diagnostics, DynamicDataSource, DynamicResource, Provider,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::config::{self, ConfigIssue, RawConfig};
use crate::schema_builder::SchemaBuilder;
use crate::shared::SharedCloud;

/// The provider configuration block. `Debug` prints a placeholder for the secrets.
#[derive(Clone, Default, Serialize, Deserialize)]
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
    /// `time_zone`: the cloud's clock offset, e.g. `+03:00`.
    #[serde(default)]
    pub time_zone: Value<String>,
    /// `ca_certificate`
    #[serde(default)]
    pub ca_certificate: Value<String>,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The resolved-free view of the written values, secrets as placeholders.
        write!(f, "ProviderConfig {:?}", self.raw())
    }
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
            ca_certificate: self.ca_certificate.as_ref_option().cloned(),
            time_zone: self.time_zone.as_ref_option().cloned(),
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
            || self.ca_certificate.is_unknown()
            || self.time_zone.is_unknown()
    }
}

/// The polycloud provider.
#[derive(Default)]
pub struct PolycloudProvider {
    shared: SharedCloud,
}

fn add_issues(diags: &mut Diagnostics, issues: Vec<ConfigIssue>) {
    for issue in issues {
        let path = AttributePath::new(issue.attribute);
        if issue.warning {
            diags.warning(issue.summary, issue.detail, path);
        } else {
            diags.error(issue.summary, issue.detail, path);
        }
    }
}

#[async_trait]
impl Provider for PolycloudProvider {
    type Config = ProviderConfig;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("One provider configuration = one cloud account. Use aliases for several clouds.")
                .optional("cloud", AttributeType::String, "`vscale`, `inet`, `zomro` or `starvcenter`. Env: `POLYCLOUD_CLOUD`.")
                .optional("endpoint", AttributeType::String, "Base URL of the API. Env: `POLYCLOUD_ENDPOINT`. Defaults to the cloud's public API; required for StarVCenter.")
                .secret("token", "API token (Vscale `X-Token`, iNET bearer, Zomro session id, StarVCenter `KEY_TOKEN`). Env: `POLYCLOUD_<CLOUD>_TOKEN` (e.g. `POLYCLOUD_VSCALE_TOKEN`); `POLYCLOUD_TOKEN` only when `cloud` equals `POLYCLOUD_CLOUD`.")
                .optional("username", AttributeType::String, "Zomro only, instead of `token`. Env: `POLYCLOUD_ZOMRO_USERNAME`.")
                .secret("password", "Zomro only, with `username`. Env: `POLYCLOUD_ZOMRO_PASSWORD`.")
                .optional("request_timeout", AttributeType::String, "Limit per HTTP request, e.g. `30s` (default).")
                .optional("max_retries", AttributeType::Number, "Retries of a failed request (default 4, at most 20).")
                .optional("ca_certificate", AttributeType::String, "PEM text of a CA certificate (or several) to trust besides the bundled roots and the system's trust store, e.g. an on-premises StarVCenter's internal CA: `file(\"ca.pem\")`.")
                .optional("insecure", AttributeType::Bool, "Skip TLS verification altogether. The last resort: prefer `ca_certificate`. Default false.")
                .optional("time_zone", AttributeType::String, "The UTC offset the cloud's clock prints dates in, as a fixed offset like `+03:00` (or `Z`). Default: the cloud's own, UTC for every cloud (no API document names a zone). Env: `POLYCLOUD_<CLOUD>_TIME_ZONE`. Dates in state are RFC 3339 in UTC either way.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::Config) -> Option<()> {
        add_issues(diags, config::validate_written(&config.raw()));
        Some(())
    }

    async fn configure(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config,
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
        let raw = config.raw();
        let settings = match config::resolve_with_warnings(&raw, &env) {
            Ok((settings, warnings)) => {
                // Warnings on written attributes were shown at validate already.
                if raw.endpoint.is_none() {
                    add_issues(diags, warnings);
                }
                settings
            }
            Err(issues) => {
                add_issues(diags, issues);
                return Some(());
            }
        };
        match &settings.credentials {
            config::Credentials::Token(token) => crate::secrets::register(token),
            config::Credentials::UserPassword { password, .. } => {
                crate::secrets::register(password)
            }
        }

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

/// Boxes a data source for the registry.
pub fn boxed_data_source<D: DataSource + 'static>(data_source: D) -> Box<dyn DynamicDataSource> {
    Box::new(data_source)
}
