//! `polycloud_tenant`: a tenant and its quotas. Quotas change in place;
//! name and description cannot be changed by the API (a change makes a new tenant);
//! where the cloud cannot delete tenants, destroy forgets it with a warning.

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

/// The `polycloud_tenant` resource.
pub struct TenantResource;

#[async_trait]
impl Managed for TenantResource {
    type State = TenantState;
    type Object = Tenant;
    const FEATURE: Feature = Feature::Tenant;
    const NOUN: &'static str = "tenant";

    fn schema(&self) -> SchemaBuilder {
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
        b.timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &TenantState) {
        refuse_blank(diags, &config.name, "name");
        let mut config = config.clone();
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
    }

    /// Name and description are kept when the cloud does not report them.
    fn apply(&self, state: &mut TenantState, tenant: Tenant) {
        state.id = Value::Value(tenant.id);
        if let Some(name) = tenant.name {
            state.name = Value::Value(name);
        }
        if tenant.description.is_some() {
            state.description = val(tenant.description);
        }
        let quotas = state
            .quota_values()
            .into_iter()
            .zip(quota_list(&tenant.quotas));
        quotas.for_each(|(slot, v)| *slot = val(v));
        let usable = state
            .usable_values()
            .into_iter()
            .zip(quota_list(&tenant.usable));
        usable.for_each(|(slot, v)| *slot = val(v));
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Tenant> {
        cloud.read_tenant(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, TenantState>) {
        let planned = plan.planned;
        planned
            .quota_values()
            .into_iter()
            .filter(|v| v.is_null())
            .for_each(|v| *v = Value::Unknown);
        planned
            .usable_values()
            .into_iter()
            .for_each(|v| *v = Value::Unknown);
    }

    async fn plan_update(&self, plan: Plan<'_, TenantState>, prior: &TenantState) -> bool {
        let planned = plan.planned;
        for (attribute, old, new) in [
            ("name", &prior.name, &planned.name),
            ("description", &prior.description, &planned.description),
        ] {
            // After an import the cloud has not said what they are: adopt them.
            if old.is_value() && new != old {
                plan.diags.warning(
                    format!("Changing `{attribute}` makes a new tenant"),
                    "The API cannot rename a tenant or change its description, and cannot delete one: the old tenant is only removed from state.",
                    AttributePath::new(attribute),
                );
                plan.replace.push(AttributePath::new(attribute));
            }
        }
        let (mut config, mut prior) = (plan.config.clone(), prior.clone());
        let mut quota_change = false;
        let slots = planned
            .quota_values()
            .into_iter()
            .zip(config.quota_values());
        for ((slot, written), old) in slots.zip(prior.quota_values()) {
            if written.is_null() {
                *slot = *old;
            } else if slot != old {
                quota_change = true;
            }
        }
        if quota_change && plan.replace.is_empty() {
            planned
                .usable_values()
                .into_iter()
                .for_each(|v| *v = Value::Unknown);
        }
        quota_change
    }

    async fn create(&self, op: Call<'_, TenantState>, state: &mut TenantState) -> Made {
        let spec = TenantSpec {
            name: known(&state.name).unwrap_or_default().to_string(),
            description: known(&state.description).map(String::from),
            quotas: state.quotas(),
        };
        let tenant = op.cloud.create_tenant(&spec, op.limit).await?;
        self.apply(state, tenant);
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, TenantState>,
        prior: TenantState,
        planned: TenantState,
    ) -> Option<TenantState> {
        let mut state = planned;
        if state.quotas() != prior.quotas() {
            if let Err(e) = op.cloud.update_tenant_quotas(op.id, &state.quotas()).await {
                let summary = format!("Cannot change the quotas of tenant {}", op.id);
                report(op.diags, &summary, &e, None);
                return Some(prior);
            }
        }
        self.read_back(op.diags, op.cloud, &mut state, op.id).await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, TenantState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_tenant(op.id).await
    }
}
