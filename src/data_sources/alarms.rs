//! `polycloud_alarms`: the alarms of an on-premises installation (StarVCenter
//! 2.15.1), filtered by the API, every page.

use crate::data_sources::listed::Listed;
use crate::data_sources::support::*;
use crate::model::{Alarm, AlarmFilter};
use crate::resources::common::*;

/// Values `level` accepts.
const LEVELS: [&str; 3] = ["high", "medium", "low"];
/// Values `relieve_way` accepts.
const WAYS: [&str; 3] = ["auto", "manual", "none"];

/// One element of `alarms`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AlarmItem {
    /// Id.
    pub id: Value<String>,
    /// Alarm type.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// Level.
    pub level: Value<String>,
    /// Object alarmed on.
    pub object_id: Value<String>,
    /// Its name.
    pub object_name: Value<String>,
    /// Its type.
    pub object_type: Value<String>,
    /// What happened.
    pub content: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// RFC 3339, null while active.
    pub relieved_at: Value<String>,
    /// `auto`, `manual` or `none`.
    pub relieve_way: Value<String>,
}

impl From<Alarm> for AlarmItem {
    fn from(a: Alarm) -> Self {
        Self {
            id: Value::Value(a.id),
            kind: val(a.kind),
            level: val(a.level),
            object_id: val(a.object_id),
            object_name: val(a.object_name),
            object_type: val(a.object_type),
            content: val(a.content),
            created_at: val(a.created_at),
            relieved_at: val(a.relieved_at),
            relieve_way: val(a.relieve_way),
        }
    }
}

/// The filters of `polycloud_alarms`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AlarmsFilters {
    /// Only alarms of this level.
    pub level: Value<String>,
    /// Only alarms on this object.
    pub object_id: Value<String>,
    /// Only alarms relieved this way (`none` = still active).
    pub relieve_way: Value<String>,
}

/// The `polycloud_alarms` data source.
pub struct AlarmsDataSource;

fn alarm_type() -> AttributeType {
    use AttributeType::String as Str;
    object_list(&[
        ("id", Str),
        ("type", Str),
        ("level", Str),
        ("object_id", Str),
        ("object_name", Str),
        ("object_type", Str),
        ("content", Str),
        ("created_at", Str),
        ("relieved_at", Str),
        ("relieve_way", Str),
    ])
}

/// Refuses a value outside `allowed`, on the attribute.
fn one_of(diags: &mut Diagnostics, value: &Value<String>, attribute: &str, allowed: &[&str]) {
    if let Some(v) = known(value).filter(|v| !allowed.contains(v)) {
        diags.error(
            format!("Invalid {attribute}"),
            format!("{v:?} is not one of {}.", allowed.join(", ")),
            AttributePath::new(attribute.to_string()),
        );
    }
}

#[async_trait]
impl Listed for AlarmsDataSource {
    type Filters = AlarmsFilters;
    type Item = AlarmItem;
    const FEATURE: Feature = Feature::DataAlarms;
    const LIST: &'static str = "alarms";
    const WHAT: &'static str = "alarms";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::String as Str;
        SchemaBuilder::new("The alarms of an on-premises installation (StarVCenter), optionally filtered; every page.")
            .computed("id", Str, "Stable id: the cloud and the filters.")
            .optional("level", Str, "Only alarms of this level: `high`, `medium` or `low`.")
            .optional("object_id", Str, "Only alarms on this object (e.g. a host id from `polycloud_hosts`).")
            .optional("relieve_way", Str, "Only alarms relieved this way: `auto`, `manual`, or `none` for alarms still active.")
            .computed("alarms", alarm_type(), "The alarms: `id`, `type`, `level`, `object_id`, `object_name`, `object_type`, `content`, `created_at`, `relieved_at` (RFC 3339; null while active), `relieve_way`.")
            .computed("ids", string_list(), "The alarms' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &AlarmsFilters) {
        one_of(diags, &f.level, "level", &LEVELS);
        one_of(diags, &f.relieve_way, "relieve_way", &WAYS);
        refuse_empty(diags, &f.object_id, "object_id");
    }

    fn set_filters(&self, f: &AlarmsFilters) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("level", filter(&f.level)),
            ("object_id", filter(&f.object_id)),
            ("relieve_way", filter(&f.relieve_way)),
        ]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &AlarmsFilters,
    ) -> Result<Vec<AlarmItem>, CloudError> {
        let filter = AlarmFilter {
            level: filter(&f.level),
            object_id: filter(&f.object_id),
            relieve_way: filter(&f.relieve_way),
        };
        Ok(cloud
            .alarms(&filter)
            .await?
            .into_iter()
            .map(AlarmItem::from)
            .collect())
    }
}
