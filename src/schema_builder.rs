//! Terse schema declarations shared by the provider block, resources, data sources and
//! ephemeral resources: one call per attribute, with its constraint and description.

use crate::tfplugin::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock, Schema,
};

/// Builds schemas tersely.
pub struct SchemaBuilder {
    block: Block,
    last: String,
    replacing: Vec<Replacing>,
}

/// An attribute whose change replaces the object (declared with
/// [`SchemaBuilder::replaces`] or [`SchemaBuilder::replaces_once_reported`]).
#[derive(Clone, Debug)]
pub struct Replacing {
    /// The attribute.
    pub name: String,
    /// Whether a prior value of null (the cloud does not report the attribute, so an
    /// import leaves it unset) adopts the written value instead of replacing.
    pub adopt_after_import: bool,
}

impl SchemaBuilder {
    /// A block with a Markdown description.
    pub fn new(description: &str) -> Self {
        Self {
            block: Block {
                version: 0,
                description: Description::markdown(description),
                ..Default::default()
            },
            last: String::new(),
            replacing: Vec::new(),
        }
    }

    /// A change of the attribute declared last replaces the object.
    pub fn replaces(mut self) -> Self {
        let name = self.last.clone();
        self.replacing.push(Replacing {
            name,
            adopt_after_import: false,
        });
        self
    }

    /// Like [`Self::replaces`], for an attribute the cloud does not report: after an
    /// import (no value in state) the written value is adopted, nothing is replaced.
    pub fn replaces_once_reported(mut self) -> Self {
        let name = self.last.clone();
        self.replacing.push(Replacing {
            name,
            adopt_after_import: true,
        });
        self
    }

    /// The attributes declared with [`Self::replaces`] so far.
    pub fn replacing(&self) -> &[Replacing] {
        &self.replacing
    }

    fn attr(
        mut self,
        name: &str,
        ty: AttributeType,
        constraint: AttributeConstraint,
        description: &str,
        sensitive: bool,
    ) -> Self {
        let mut attribute = Attribute::new(ty, constraint, description);
        attribute.sensitive = sensitive;
        self.block.attributes.insert(name.to_string(), attribute);
        self.last = name.to_string();
        self
    }

    /// A required attribute.
    pub fn required(self, name: &str, ty: AttributeType, description: &str) -> Self {
        self.attr(name, ty, AttributeConstraint::Required, description, false)
    }

    /// An optional attribute the provider never computes.
    pub fn optional(self, name: &str, ty: AttributeType, description: &str) -> Self {
        self.attr(name, ty, AttributeConstraint::Optional, description, false)
    }

    /// An optional attribute the cloud fills in when omitted.
    pub fn optional_computed(self, name: &str, ty: AttributeType, description: &str) -> Self {
        self.attr(
            name,
            ty,
            AttributeConstraint::OptionalComputed,
            description,
            false,
        )
    }

    /// An output-only attribute.
    pub fn computed(self, name: &str, ty: AttributeType, description: &str) -> Self {
        self.attr(name, ty, AttributeConstraint::Computed, description, false)
    }

    /// An optional sensitive attribute.
    pub fn secret(self, name: &str, description: &str) -> Self {
        self.attr(
            name,
            AttributeType::String,
            AttributeConstraint::Optional,
            description,
            true,
        )
    }

    /// An optional write-only secret (Terraform ≥ 1.11): sensitive, in configuration
    /// only, never in state or plan.
    pub fn write_only_secret(mut self, name: &str, description: &str) -> Self {
        let mut attribute = Attribute::new(
            AttributeType::String,
            AttributeConstraint::Optional,
            description,
        );
        attribute.sensitive = true;
        attribute.write_only = true;
        self.block.attributes.insert(name.to_string(), attribute);
        self
    }

    /// An output-only sensitive attribute.
    pub fn computed_secret(self, name: &str, description: &str) -> Self {
        self.attr(
            name,
            AttributeType::String,
            AttributeConstraint::Computed,
            description,
            true,
        )
    }

    /// A nested block.
    pub fn block(mut self, name: &str, block: NestedBlock) -> Self {
        self.block.blocks.insert(name.to_string(), block);
        self
    }

    /// The `timeouts { create update delete }` block.
    pub fn timeouts(self) -> Self {
        let inner = SchemaBuilder::new(
            "How long to wait for remote work, as durations like `30s`, `10m`, `1h`.",
        )
        .optional(
            "create",
            AttributeType::String,
            "Limit for create (default 30m).",
        )
        .optional(
            "update",
            AttributeType::String,
            "Limit for update (default 30m).",
        )
        .optional(
            "delete",
            AttributeType::String,
            "Limit for delete (default 20m).",
        );
        self.block("timeouts", NestedBlock::Optional(inner.block))
    }

    /// The finished block, for nested blocks.
    pub fn into_block(self) -> Block {
        self.block
    }

    /// The finished schema, at the provider's current state version (upgrades from
    /// every earlier one: `crate::tfplugin::upgrade`).
    pub fn build(self) -> Schema {
        Schema {
            version: crate::tfplugin::upgrade::CURRENT,
            block: self.block,
        }
    }
}

/// `list(string)`.
pub fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

/// `map(string)`.
pub fn string_map() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::String))
}
