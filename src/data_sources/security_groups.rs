//! `polycloud_security_groups`: the security groups of the account, optionally only
//! those whose name contains a text.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::SecurityGroup;
use crate::resources::common::*;

/// One element of `security_groups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecurityGroupItem {
    /// Group id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Creation time, RFC 3339.
    pub created_at: Value<String>,
}

impl From<SecurityGroup> for SecurityGroupItem {
    fn from(g: SecurityGroup) -> Self {
        Self {
            id: Value::Value(g.id),
            name: Value::Value(g.name),
            description: val(g.description),
            created_at: val(g.created_at),
        }
    }
}

/// Terraform state of `polycloud_security_groups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecurityGroupsState {
    /// Stable id.
    pub id: Value<String>,
    /// Only groups whose name contains this.
    pub name_contains: Value<String>,
    /// The groups.
    pub security_groups: Value<Vec<Value<SecurityGroupItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_security_groups` data source, on the provider's configured cloud.
    SecurityGroupsDataSource
}

#[async_trait]
impl DataSource for SecurityGroupsDataSource {
    type State = SecurityGroupsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let item = object_list(&[
            ("id", AttributeType::String),
            ("name", AttributeType::String),
            ("description", AttributeType::String),
            ("created_at", AttributeType::String),
        ]);
        Some(
            SchemaBuilder::new("The security groups of the account (StarVCenter), optionally only those whose name contains a text.")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
                .optional("name_contains", AttributeType::String, "Only groups whose name contains this text.")
                .computed("security_groups", item, "The groups: `id`, `name`, `description`, `created_at` (RFC 3339).")
                .computed("ids", string_list(), "Their ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.name_contains, "name_contains");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataSecurityGroups)?;
        let text = filter(&config.name_contains);
        let groups: Vec<SecurityGroup> = match cloud.list_security_groups().await {
            Ok(all) => all
                .into_iter()
                .filter(|g| text.as_deref().is_none_or(|t| g.name.contains(t)))
                .collect(),
            Err(e) => {
                report(diags, "Cannot list security groups", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "security_groups",
            &[("name_contains", text.as_deref())],
        ));
        state.ids = ids_of(groups.iter().map(|g| g.id.as_str()));
        state.security_groups =
            to_objects(groups.into_iter().map(SecurityGroupItem::from).collect());
        Some(state)
    }
}
