//! `polycloud_security_groups`: the security groups of the account, optionally only
//! those whose name contains a text.

use crate::data_sources::listed::Listed;
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

/// The filters of `polycloud_security_groups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecurityGroupsFilters {
    /// Only groups whose name contains this.
    pub name_contains: Value<String>,
}

/// The `polycloud_security_groups` data source.
pub struct SecurityGroupsDataSource;

#[async_trait]
impl Listed for SecurityGroupsDataSource {
    type Filters = SecurityGroupsFilters;
    type Item = SecurityGroupItem;
    const FEATURE: Feature = Feature::DataSecurityGroups;
    const LIST: &'static str = "security_groups";
    const WHAT: &'static str = "security groups";

    fn schema(&self) -> SchemaBuilder {
        let item = object_list(&[
            ("id", AttributeType::String),
            ("name", AttributeType::String),
            ("description", AttributeType::String),
            ("created_at", AttributeType::String),
        ]);
        SchemaBuilder::new("The security groups of the account (StarVCenter), optionally only those whose name contains a text.")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
            .optional("name_contains", AttributeType::String, "Only groups whose name contains this text.")
            .computed("security_groups", item, "The groups: `id`, `name`, `description`, `created_at` (RFC 3339).")
            .computed("ids", string_list(), "Their ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &SecurityGroupsFilters) {
        refuse_empty(diags, &f.name_contains, "name_contains");
    }

    fn set_filters(&self, f: &SecurityGroupsFilters) -> Vec<(&'static str, Option<String>)> {
        vec![("name_contains", filter(&f.name_contains))]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &SecurityGroupsFilters,
    ) -> Result<Vec<SecurityGroupItem>, CloudError> {
        let text = filter(&f.name_contains);
        let all = cloud.list_security_groups().await?;
        let named = all
            .into_iter()
            .filter(|g| text.as_deref().is_none_or(|t| g.name.contains(t)));
        Ok(named.map(SecurityGroupItem::from).collect())
    }
}
