//! State upgrades: what changed in the stored shape from one schema version to the
//! next, applied in order from the stored version to the schema's.
//!
//! - Version 0 → 1: blocks that appear at most once (`timeouts`, `health_check`) were
//!   stored as lists of zero or one element; from version 1 they are single objects
//!   (null when absent), the shape terraform-plugin-framework providers use too.

use serde_json::Value as Json;

use super::diagnostics::Diagnostics;
use super::dynamic::normalize;
use super::schema::{Block, NestedBlock, Schema};

/// The schema version every resource of this provider has now.
pub const CURRENT: i64 = 1;

/// Upgrades a raw stored state of `version` to `schema`'s version, step by step, and
/// brings it to the schema's shape. Adds an error and returns `None` when it cannot.
pub fn to_current(
    diags: &mut Diagnostics,
    schema: &Schema,
    version: i64,
    prior: Json,
) -> Option<Json> {
    let mut tree = prior;
    let mut at = version;
    while at < schema.version {
        tree = match at {
            0 => single_blocks_from_lists(tree, &schema.block),
            other => {
                diags.root_error(
                    "Cannot upgrade the stored state",
                    format!("No upgrade from schema version {other} to {}.", other + 1),
                );
                return None;
            }
        };
        at += 1;
    }
    match normalize(&tree, &schema.block.shape()) {
        Ok(tree) => Some(tree),
        Err(e) => {
            diags.root_error("Cannot upgrade the stored state", e.to_string());
            None
        }
    }
}

/// Version 0 → 1: `[ {…} ]` → `{…}` and `[]` → null for every at-most-once block,
/// at any depth.
pub fn single_blocks_from_lists(mut tree: Json, block: &Block) -> Json {
    let Json::Object(map) = &mut tree else {
        return tree;
    };
    for (name, nested) in &block.blocks {
        let Some(value) = map.get_mut(name) else {
            continue;
        };
        match nested {
            NestedBlock::Optional(inner) => {
                let single = match value.take() {
                    Json::Array(items) => items.into_iter().next().unwrap_or(Json::Null),
                    other => other,
                };
                *value = single_blocks_from_lists(single, inner);
            }
            NestedBlock::Single(inner) => {
                *value = single_blocks_from_lists(value.take(), inner);
            }
            NestedBlock::List(inner) | NestedBlock::Set(inner) => {
                if let Json::Array(items) = value {
                    for item in items.iter_mut() {
                        *item = single_blocks_from_lists(item.take(), inner);
                    }
                }
            }
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::tfplugin::schema::{Attribute, AttributeConstraint, AttributeType};

    fn schema() -> Schema {
        let mut timeouts = Block::default();
        timeouts.attributes.insert(
            "create".into(),
            Attribute::new(AttributeType::String, AttributeConstraint::Optional, ""),
        );
        let mut block = Block::default();
        block.attributes.insert(
            "name".into(),
            Attribute::new(AttributeType::String, AttributeConstraint::Required, ""),
        );
        block.blocks = HashMap::from([("timeouts".to_string(), NestedBlock::Optional(timeouts))]);
        Schema {
            version: CURRENT,
            block,
        }
    }

    #[test]
    fn version_zero_lists_become_single_objects() {
        let mut diags = Diagnostics::default();
        let old = json!({"name": "web", "timeouts": [{"create": "5m"}], "gone": 1});
        let new = to_current(&mut diags, &schema(), 0, old).unwrap();
        assert_eq!(new, json!({"name": "web", "timeouts": {"create": "5m"}}));
        let empty = to_current(
            &mut diags,
            &schema(),
            0,
            json!({"name": "web", "timeouts": []}),
        )
        .unwrap();
        assert_eq!(empty["timeouts"], Json::Null);
        assert!(!diags.has_errors());
    }

    #[test]
    fn unknown_versions_are_refused() {
        let mut diags = Diagnostics::default();
        let mut future = schema();
        future.version = 7;
        assert!(to_current(&mut diags, &future, 1, json!({})).is_none());
        assert!(diags.has_errors());
    }
}
