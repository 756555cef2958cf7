//! Schemas as the provider declares them, and their translation to tfplugin6.
//!
//! A [`Block`] holds attributes and nested blocks; an attribute has either a plain
//! [`AttributeType`] or, for nested attributes, a [`NestedType`] (never both: Terraform
//! rejects such a schema). [`Block::shape`] derives the value type Terraform implies
//! from the schema, which the value codec follows on the wire.

use std::collections::{BTreeMap, HashMap};

use magma_protocol::tfplugin6 as proto;

/// The type of a plain attribute (cty type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeType {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `list(T)`
    List(Box<AttributeType>),
    /// `set(T)`
    Set(Box<AttributeType>),
    /// `map(T)`
    Map(Box<AttributeType>),
    /// `object({...})`
    Object(HashMap<String, AttributeType>),
    /// `dynamic`: any type, chosen by the configuration.
    Dynamic,
}

impl AttributeType {
    /// The cty type JSON Terraform expects in `Attribute.type`.
    pub fn to_type_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            AttributeType::String => json!("string"),
            AttributeType::Number => json!("number"),
            AttributeType::Bool => json!("bool"),
            AttributeType::Dynamic => json!("dynamic"),
            AttributeType::List(inner) => json!(["list", inner.to_type_json()]),
            AttributeType::Set(inner) => json!(["set", inner.to_type_json()]),
            AttributeType::Map(inner) => json!(["map", inner.to_type_json()]),
            AttributeType::Object(fields) => {
                let fields: serde_json::Map<String, serde_json::Value> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_type_json()))
                    .collect();
                json!(["object", fields])
            }
        }
    }

    fn shape(&self) -> Shape {
        match self {
            AttributeType::String => Shape::String,
            AttributeType::Number => Shape::Number,
            AttributeType::Bool => Shape::Bool,
            AttributeType::Dynamic => Shape::Dynamic,
            AttributeType::List(inner) => Shape::List(Box::new(inner.shape())),
            AttributeType::Set(inner) => Shape::Set(Box::new(inner.shape())),
            AttributeType::Map(inner) => Shape::Map(Box::new(inner.shape())),
            AttributeType::Object(fields) => {
                Shape::Object(fields.iter().map(|(k, v)| (k.clone(), v.shape())).collect())
            }
        }
    }
}

/// Whether an attribute is written, computed, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeConstraint {
    /// Must be written.
    Required,
    /// May be written; never computed.
    Optional,
    /// May be written; the provider fills it in when it is not.
    OptionalComputed,
    /// Set by the provider only.
    Computed,
}

/// Text shown to users (docs, language servers); Markdown or plain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Description {
    /// The text.
    pub content: String,
    /// Whether the text is Markdown.
    pub markdown: bool,
}

impl Description {
    /// A Markdown description.
    pub fn markdown(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            markdown: true,
        }
    }

    /// A plain-text description.
    pub fn plain(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            markdown: false,
        }
    }

    fn kind(&self) -> i32 {
        if self.markdown {
            proto::StringKind::Markdown as i32
        } else {
            proto::StringKind::Plain as i32
        }
    }
}

/// How often a nested block or nested attribute object may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// Exactly one object (nested attributes: at most one, null when absent).
    Single,
    /// An ordered list.
    List,
    /// An unordered set.
    Set,
    /// A map keyed by label.
    Map,
}

/// The object type of a nested attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedType {
    /// How the objects nest.
    pub nesting: Nesting,
    /// The attributes of each object.
    pub attributes: BTreeMap<String, Attribute>,
}

/// One attribute of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Its type (ignored when `nested_type` is set).
    pub attr_type: AttributeType,
    /// Nested attributes, instead of a plain type.
    pub nested_type: Option<NestedType>,
    /// Documentation.
    pub description: Description,
    /// Written, computed or both.
    pub constraint: AttributeConstraint,
    /// Hidden in plan output and logs.
    pub sensitive: bool,
    /// Never stored in state or plan (Terraform ≥ 1.11): only the configuration holds it.
    pub write_only: bool,
    /// Deprecated, with the advice to show; `None` when current.
    pub deprecated: Option<String>,
}

impl Attribute {
    /// A plain attribute.
    pub fn new(
        attr_type: AttributeType,
        constraint: AttributeConstraint,
        description: &str,
    ) -> Self {
        Self {
            attr_type,
            nested_type: None,
            description: Description::markdown(description),
            constraint,
            sensitive: false,
            write_only: false,
            deprecated: None,
        }
    }

    fn shape(&self) -> Shape {
        match &self.nested_type {
            None => self.attr_type.shape(),
            Some(nested) => {
                let object = Shape::Object(
                    nested
                        .attributes
                        .iter()
                        .map(|(k, a)| (k.clone(), a.shape()))
                        .collect(),
                );
                match nested.nesting {
                    Nesting::Single => object,
                    Nesting::List => Shape::List(Box::new(object)),
                    Nesting::Set => Shape::Set(Box::new(object)),
                    Nesting::Map => Shape::Map(Box::new(object)),
                }
            }
        }
    }

    fn to_proto(&self, name: &str) -> proto::schema::Attribute {
        let (required, optional, computed) = match self.constraint {
            AttributeConstraint::Required => (true, false, false),
            AttributeConstraint::Optional => (false, true, false),
            AttributeConstraint::OptionalComputed => (false, true, true),
            AttributeConstraint::Computed => (false, false, true),
        };
        let (r#type, nested_type) = match &self.nested_type {
            None => (self.attr_type.to_type_json().to_string().into_bytes(), None),
            Some(nested) => (Vec::new(), Some(nested_to_proto(nested))),
        };
        proto::schema::Attribute {
            name: name.to_string(),
            r#type,
            nested_type,
            description: self.description.content.clone(),
            description_kind: self.description.kind(),
            required,
            optional,
            computed,
            sensitive: self.sensitive,
            write_only: self.write_only,
            deprecated: self.deprecated.is_some(),
            deprecation_message: self.deprecated.clone().unwrap_or_default(),
        }
    }
}

// min_items/max_items of nested attributes are deprecated in the protocol; 0 = unset.
#[allow(deprecated)]
fn nested_to_proto(nested: &NestedType) -> proto::schema::Object {
    use proto::schema::object::NestingMode;
    let nesting = match nested.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
    };
    proto::schema::Object {
        attributes: nested
            .attributes
            .iter()
            .map(|(name, a)| a.to_proto(name))
            .collect(),
        nesting: nesting as i32,
        min_items: 0,
        max_items: 0,
    }
}

/// A nested block and how it nests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NestedBlock {
    /// Exactly once.
    Single(Block),
    /// Any number of times, ordered.
    List(Block),
    /// Any number of times, unordered.
    Set(Block),
    /// At most once (single nesting): an object, null when the block is absent. Schema
    /// version 0 of this provider stored such blocks as lists of zero or one element;
    /// [`super::upgrade`] turns those into objects.
    Optional(Block),
}

impl NestedBlock {
    fn block(&self) -> &Block {
        match self {
            NestedBlock::Single(b)
            | NestedBlock::List(b)
            | NestedBlock::Set(b)
            | NestedBlock::Optional(b) => b,
        }
    }

    fn shape(&self) -> Shape {
        let object = self.block().shape();
        match self {
            NestedBlock::Single(_) | NestedBlock::Optional(_) => object,
            NestedBlock::List(_) => Shape::List(Box::new(object)),
            NestedBlock::Set(_) => Shape::Set(Box::new(object)),
        }
    }
}

/// Attributes and nested blocks of a schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// Kept for the protocol; the schema's own version is [`Schema::version`].
    pub version: i64,
    /// Attributes by name.
    pub attributes: HashMap<String, Attribute>,
    /// Nested blocks by name.
    pub blocks: HashMap<String, NestedBlock>,
    /// Documentation.
    pub description: Description,
    /// Deprecated, with the advice to show.
    pub deprecated: Option<String>,
}

impl Block {
    /// The value type Terraform implies for this block: an object of its attributes
    /// and nested blocks.
    pub fn shape(&self) -> Shape {
        let mut fields: BTreeMap<String, Shape> = self
            .attributes
            .iter()
            .map(|(name, a)| (name.clone(), a.shape()))
            .collect();
        for (name, nested) in &self.blocks {
            fields.insert(name.clone(), nested.shape());
        }
        Shape::Object(fields)
    }

    /// Names of the write-only attributes at the top of this block.
    pub fn write_only_attributes(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .attributes
            .iter()
            .filter(|(_, a)| a.write_only)
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names
    }

    fn to_proto(&self) -> proto::schema::Block {
        use proto::schema::nested_block::NestingMode;
        let mut attributes: Vec<_> = self
            .attributes
            .iter()
            .map(|(name, a)| a.to_proto(name))
            .collect();
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        let mut block_types: Vec<_> = self
            .blocks
            .iter()
            .map(|(name, nested)| {
                let (nesting, min_items, max_items) = match nested {
                    NestedBlock::Single(_) => (NestingMode::Single, 1, 1),
                    NestedBlock::List(_) => (NestingMode::List, 0, 0),
                    NestedBlock::Set(_) => (NestingMode::Set, 0, 0),
                    NestedBlock::Optional(_) => (NestingMode::Single, 0, 0),
                };
                proto::schema::NestedBlock {
                    type_name: name.clone(),
                    block: Some(nested.block().to_proto()),
                    nesting: nesting as i32,
                    min_items,
                    max_items,
                }
            })
            .collect();
        block_types.sort_by(|a, b| a.type_name.cmp(&b.type_name));
        proto::schema::Block {
            version: self.version,
            attributes,
            block_types,
            description: self.description.content.clone(),
            description_kind: self.description.kind(),
            deprecated: self.deprecated.is_some(),
            deprecation_message: self.deprecated.clone().unwrap_or_default(),
        }
    }
}

/// A whole schema: the top block and the state version it describes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// The state version; raise it with an upgrader when the state shape changes.
    pub version: i64,
    /// The top block.
    pub block: Block,
}

impl Schema {
    /// The tfplugin6 form.
    pub fn to_proto(&self) -> proto::Schema {
        proto::Schema {
            version: self.version,
            block: Some(self.block.to_proto()),
        }
    }
}

/// The value type a schema implies, which the wire codec follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// A list.
    List(Box<Shape>),
    /// A set.
    Set(Box<Shape>),
    /// A map with string keys.
    Map(Box<Shape>),
    /// An object with exactly these attributes.
    Object(BTreeMap<String, Shape>),
    /// Any type: carried with its type on the wire.
    Dynamic,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_attributes_carry_no_plain_type() {
        let mut inner = BTreeMap::new();
        inner.insert(
            "port".to_string(),
            Attribute::new(
                AttributeType::Number,
                AttributeConstraint::Required,
                "Port.",
            ),
        );
        let mut attribute = Attribute::new(
            AttributeType::String,
            AttributeConstraint::Optional,
            "Rules.",
        );
        attribute.nested_type = Some(NestedType {
            nesting: Nesting::List,
            attributes: inner,
        });
        let wire = attribute.to_proto("rules");
        assert!(
            wire.r#type.is_empty(),
            "Type and NestedType cannot both be set"
        );
        assert_eq!(wire.nested_type.unwrap().attributes[0].name, "port");
        let mut fields = BTreeMap::new();
        fields.insert("port".to_string(), Shape::Number);
        assert_eq!(
            attribute.shape(),
            Shape::List(Box::new(Shape::Object(fields)))
        );
    }

    #[test]
    fn write_only_and_deprecation_reach_the_wire() {
        let mut attribute = Attribute::new(
            AttributeType::String,
            AttributeConstraint::Optional,
            "Secret.",
        );
        attribute.write_only = true;
        attribute.sensitive = true;
        attribute.deprecated = Some("Use `other`.".into());
        let wire = attribute.to_proto("secret_wo");
        assert!(wire.write_only && wire.sensitive && wire.deprecated);
        assert_eq!(wire.deprecation_message, "Use `other`.");
        assert_eq!(wire.r#type, b"\"string\"");
    }
}
