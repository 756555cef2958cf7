//! What the data sources share: the capability gate before any API call, stable ids,
//! input checks and schema pieces for lists of objects.

use std::collections::HashMap;
use std::sync::Arc;

use crate::tfplugin::schema::AttributeType;
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics};

use crate::cloud::{Cloud, Feature};
use crate::resources::common::{check_capability, known, Op, StringList};
use crate::shared::SharedCloud;

/// The configured cloud, if `feature` can be read on it; otherwise adds the cloud's
/// advice as an error (data sources are read at plan, so this fails the plan before
/// any API call).
pub fn ready(
    shared: &SharedCloud,
    diags: &mut Diagnostics,
    feature: Feature,
) -> Option<Arc<dyn Cloud>> {
    let cloud = shared.cloud(diags)?;
    check_capability(diags, cloud.as_ref(), feature, Op::Read).then_some(cloud)
}

/// A stable id: the cloud, the data source, and the filters that are set, e.g.
/// `vscale/images/location=spb0`.
pub fn data_id(cloud: &dyn Cloud, name: &str, filters: &[(&str, Option<&str>)]) -> String {
    let mut id = format!("{}/{name}", cloud.kind().name());
    for (key, value) in filters {
        if let Some(value) = value {
            id.push_str(&format!("/{key}={value}"));
        }
    }
    id
}

/// The known, non-null value of a filter.
pub fn filter(value: &Value<String>) -> Option<String> {
    known(value).map(str::to_string)
}

/// Refuses a filter or argument written as an empty (or blank) string.
pub fn refuse_empty(diags: &mut Diagnostics, value: &Value<String>, attribute: &str) {
    if known(value).is_some_and(|v| v.trim().is_empty()) {
        diags.error(
            format!("Invalid {attribute}"),
            format!("`{attribute}` must not be empty; remove it to leave this filter unset."),
            AttributePath::new(attribute.to_string()),
        );
    }
}

/// `list(object({...}))` with the given attribute types.
pub fn object_list(fields: &[(&str, AttributeType)]) -> AttributeType {
    let map: HashMap<String, AttributeType> = fields
        .iter()
        .map(|(name, ty)| (name.to_string(), ty.clone()))
        .collect();
    AttributeType::List(Box::new(AttributeType::Object(map)))
}

/// A state list of objects.
pub fn to_objects<T>(items: Vec<T>) -> Value<Vec<Value<T>>> {
    Value::Value(items.into_iter().map(Value::Value).collect())
}

/// The `ids` attribute: the given ids, in order.
pub fn ids_of<'a>(ids: impl Iterator<Item = &'a str>) -> StringList {
    Value::Value(ids.map(|id| Value::Value(id.to_string())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_list_is_a_list_of_objects() {
        let ty = object_list(&[("id", AttributeType::String)]);
        let AttributeType::List(inner) = ty else {
            panic!("not a list")
        };
        assert!(matches!(*inner, AttributeType::Object(ref m) if m.contains_key("id")));
    }

    #[test]
    fn refuse_empty_flags_blank_but_not_null_or_unknown() {
        let mut diags = Diagnostics::default();
        refuse_empty(&mut diags, &Value::Null, "name");
        refuse_empty(&mut diags, &Value::Unknown, "name");
        refuse_empty(&mut diags, &Value::Value("web".into()), "name");
        assert!(!diags.has_errors());
        refuse_empty(&mut diags, &Value::Value("  ".into()), "name");
        assert_eq!(diags.error_count(), 1);
    }
}
