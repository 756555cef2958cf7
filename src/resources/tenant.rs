//! `polycloud_tenant`: a tenant and its quotas. Quotas change in place;
//! name and description cannot be changed by the API (a change makes a new tenant);
//! where the cloud cannot delete tenants, destroy forgets it with a warning.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::{Quotas, Tenant, TenantSpec};
use crate::resources::common::*;

/// The quota names, as `<name>_quota` / `<name>_usable` attributes.
pub const QUOTAS: [&str; 5] = ["cpu", "memory_mb", "storage_gb", "subnet", "public_ip"];

/// Terraform state of `polycloud_tenant`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TenantState {
    /// Cloud id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// vCPU quota.
    pub cpu_quota: Value<i64>,
    /// Memory quota, MiB.
    pub memory_mb_quota: Value<i64>,
    /// Storage quota, GB.
    pub storage_gb_quota: Value<i64>,
    /// Subnet quota.
    pub subnet_quota: Value<i64>,
    /// Public IP quota.
    pub public_ip_quota: Value<i64>,
    /// Free vCPUs.
    pub cpu_usable: Value<i64>,
    /// Free memory, MiB.
    pub memory_mb_usable: Value<i64>,
    /// Free storage, GB.
    pub storage_gb_usable: Value<i64>,
    /// Free subnets.
    pub subnet_usable: Value<i64>,
    /// Free public IPs.
    pub public_ip_usable: Value<i64>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

impl TenantState {
    /// The five quota values, in [`QUOTAS`] order.
    fn quota_values(&mut self) -> [&mut Value<i64>; 5] {
        [
            &mut self.cpu_quota,
            &mut self.memory_mb_quota,
            &mut self.storage_gb_quota,
            &mut self.subnet_quota,
            &mut self.public_ip_quota,
        ]
    }

    /// The five usable values, in [`QUOTAS`] order.
    fn usable_values(&mut self) -> [&mut Value<i64>; 5] {
        [
            &mut self.cpu_usable,
            &mut self.memory_mb_usable,
            &mut self.storage_gb_usable,
            &mut self.subnet_usable,
            &mut self.public_ip_usable,
        ]
    }

    /// The written quotas.
    fn quotas(&self) -> Quotas {
        let v = |x: &Value<i64>| x.as_ref_option().copied();
        Quotas {
            cpu: v(&self.cpu_quota),
            memory_mb: v(&self.memory_mb_quota),
            storage_gb: v(&self.storage_gb_quota),
            subnet: v(&self.subnet_quota),
            public_ip: v(&self.public_ip_quota),
        }
    }
}

fn quota_list(q: &Quotas) -> [Option<i64>; 5] {
    [q.cpu, q.memory_mb, q.storage_gb, q.subnet, q.public_ip]
}

/// Writes what the cloud reports; name and description are kept when it does not
/// report them.
fn apply_tenant(state: &mut TenantState, tenant: Tenant) {
    state.id = Value::Value(tenant.id);
    if let Some(name) = tenant.name {
        state.name = Value::Value(name);
    }
    if tenant.description.is_some() {
        state.description = val(tenant.description);
    }
    for (slot, v) in state
        .quota_values()
        .into_iter()
        .zip(quota_list(&tenant.quotas))
    {
        *slot = val(v);
    }
    for (slot, v) in state
        .usable_values()
        .into_iter()
        .zip(quota_list(&tenant.usable))
    {
        *slot = val(v);
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_tenant` resource, on the provider's configured cloud.
    TenantResource
}

/// The schema (also documented in docs/resources/tenant.md).
pub fn schema() -> Schema {
    let mut b = SchemaBuilder::new("A tenant and its quotas (StarVCenter). Quotas change in place; the API cannot rename a tenant, so a new `name` or `description` makes a new tenant; destroy only forgets it (the API has no delete).")
        .computed("id", AttributeType::String, "Tenant id (`app.id`).")
        .required("name", AttributeType::String, "Name. Changing it makes a new tenant.")
        .optional("description", AttributeType::String, "Description. Changing it makes a new tenant.");
    for q in QUOTAS {
        b = b
            .optional_computed(
                &format!("{q}_quota"),
                AttributeType::Number,
                "Quota; the cloud's default when omitted. Changed in place.",
            )
            .computed(
                &format!("{q}_usable"),
                AttributeType::Number,
                "What is still free of this quota.",
            );
    }
    b.timeouts().build()
}

#[async_trait]
impl Resource for TenantResource {
    type State = TenantState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if known(&config.name).is_some_and(|n| n.trim().is_empty()) {
            diags.error(
                "Invalid name",
                "`name` must not be empty.",
                AttributePath::new("name"),
            );
        }
        let mut config = config;
        for (q, v) in QUOTAS.iter().zip(config.quota_values()) {
            if let Some(n) = v.as_ref_option().filter(|n| **n < 0) {
                let attribute = format!("{q}_quota");
                diags.error(
                    format!("Invalid {attribute}"),
                    format!("`{attribute}` must not be negative, got {n}."),
                    AttributePath::new(attribute),
                );
            }
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_tenant(&id).await;
        refreshed(diags, &format!("tenant {id}"), state, result, apply_tenant)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Tenant, Op::Create) {
                return None;
            }
        }
        let mut planned = proposed;
        for v in planned.quota_values() {
            if v.is_null() {
                *v = Value::Unknown;
            }
        }
        for v in planned.usable_values() {
            *v = Value::Unknown;
        }
        Some(planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut planned = proposed;
        let mut replace = Vec::new();
        for (attribute, old, new) in [
            ("name", &prior.name, &planned.name),
            ("description", &prior.description, &planned.description),
        ] {
            // After an import the cloud has not said what they are: adopt them.
            if old.is_value() && new != old {
                diags.warning(
                    format!("Changing `{attribute}` makes a new tenant"),
                    "The API cannot rename a tenant or change its description, and cannot delete one: the old tenant is only removed from state.",
                    AttributePath::new(attribute),
                );
                replace.push(AttributePath::new(attribute));
            }
        }
        let mut cfg = config;
        let mut quota_change = false;
        let mut prior_q = prior.clone();
        for ((slot, written), old) in planned
            .quota_values()
            .into_iter()
            .zip(cfg.quota_values())
            .zip(prior_q.quota_values())
        {
            if written.is_null() {
                *slot = *old;
            } else if slot != old {
                quota_change = true;
            }
        }
        if quota_change && replace.is_empty() {
            if let Some(cloud) = self.shared.get() {
                if !check_capability(diags, cloud.as_ref(), Feature::Tenant, Op::Update) {
                    return None;
                }
            }
            for v in planned.usable_values() {
                *v = Value::Unknown;
            }
        }
        Some((planned, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let spec = TenantSpec {
            name: known(&planned.name).unwrap_or_default().to_string(),
            description: known(&planned.description).map(String::from),
            quotas: planned.quotas(),
        };
        let limit = timeout(&planned.timeouts, Phase::Create);
        let mut state = planned;
        match cloud.create_tenant(&spec, limit).await {
            Ok(tenant) => {
                apply_tenant(&mut state, tenant);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot create the tenant", &failure.error, None);
                state.id = Value::Value(failure.id?);
                Some(state)
            }
        }
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let mut state = planned;
        if state.quotas() != prior.quotas() {
            let deadline = crate::http::deadline_in(timeout(&state.timeouts, Phase::Update));
            let quotas = state.quotas();
            let updated = cloud.update_tenant_quotas(&id, &quotas);
            if let Err(e) = crate::http::within(deadline, updated).await {
                report(
                    diags,
                    &format!("Cannot change the quotas of tenant {id}"),
                    &e,
                    None,
                );
                return Some(prior);
            }
        }
        match cloud.read_tenant(&id).await {
            Ok(Some(t)) => apply_tenant(&mut state, t),
            Ok(None) => diags.root_error(
                "Tenant not found after the change",
                format!("Tenant {id} is no longer reported."),
            ),
            Err(e) => report(diags, &format!("Cannot read tenant {id}"), &e, None),
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        deleted(
            diags,
            &format!("tenant {id}"),
            cloud.delete_tenant(&id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::Tenant, Op::Read) {
            return None;
        }
        let result = cloud.read_tenant(&id).await;
        imported(diags, &format!("tenant {id:?}"), result, apply_tenant)
    }
}
