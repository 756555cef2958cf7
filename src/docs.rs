//! The documentation generator: `docs/` in the Terraform Registry layout, written from
//! the provider's own schema, the tested examples and one template per page under
//! `templates/`. A test fails when `docs/` differs from what this writes, so the pages
//! cannot drift from the code (run `cargo run --bin polycloud-docs` after a change).
//!
//! A template is the page's prose with placeholders, each alone on a line:
//! - `{{ example }}`: the page's example file (`examples/<kind>/<type>/<file>.tf`) in a
//!   `terraform` fence;
//! - `{{ schema }}`: `## Schema` with Required / Optional / Read-Only attributes and a
//!   nested section per block or object attribute;
//! - `{{ import }}`: both import forms, an `import {}` block and the command, made from
//!   `examples/resources/<type>/import.sh`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::provider::PolycloudProvider;
use crate::tfplugin::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, NestedBlock, Nesting, Schema,
};
use crate::tfplugin::server::Registry;

/// One kind of page.
#[derive(Clone, Copy)]
struct Kind {
    /// Folder under `docs/` and `templates/`.
    folder: &'static str,
    /// Folder under `examples/`.
    examples: &'static str,
    /// Example file name.
    example_file: &'static str,
    /// Whether the page has an import section.
    import: bool,
}

const RESOURCES: Kind = Kind {
    folder: "resources",
    examples: "resources",
    example_file: "resource.tf",
    import: true,
};
const DATA_SOURCES: Kind = Kind {
    folder: "data-sources",
    examples: "data-sources",
    example_file: "data-source.tf",
    import: false,
};
const EPHEMERAL: Kind = Kind {
    folder: "ephemeral-resources",
    examples: "ephemeral-resources",
    example_file: "ephemeral-resource.tf",
    import: false,
};

/// Every page the generator writes: path relative to the repository, and its text.
pub fn render_all(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let registry = Registry::new("polycloud", PolycloudProvider::default());
    let prefix = registry.prefix().to_string();
    let mut pages = Vec::new();
    let kinds: [(Kind, Vec<(&str, &Schema)>); 3] = [
        (RESOURCES, registry.resource_schemas().collect()),
        (DATA_SOURCES, registry.data_source_schemas().collect()),
        (EPHEMERAL, registry.ephemeral_schemas().collect()),
    ];
    for (kind, mut schemas) in kinds {
        schemas.sort_by_key(|(name, _)| *name);
        for (type_name, schema) in schemas {
            let short = type_name.strip_prefix(&prefix).unwrap_or(type_name);
            let template = root
                .join("templates")
                .join(kind.folder)
                .join(format!("{short}.md.tmpl"));
            let text = std::fs::read_to_string(&template)
                .map_err(|e| format!("{}: {e}", template.display()))?;
            let page = render_page(root, kind, type_name, schema, &text)?;
            pages.push((
                PathBuf::from("docs")
                    .join(kind.folder)
                    .join(format!("{short}.md")),
                page,
            ));
        }
    }
    let index = std::fs::read_to_string(root.join("templates/index.md.tmpl"))
        .map_err(|e| format!("templates/index.md.tmpl: {e}"))?;
    let provider_example = std::fs::read_to_string(root.join("examples/provider/provider.tf"))
        .map_err(|e| format!("examples/provider/provider.tf: {e}"))?;
    let mut index_page = String::new();
    for line in index.lines() {
        match line.trim() {
            "{{ example }}" => index_page.push_str(&fenced("terraform", &provider_example)),
            "{{ schema }}" => index_page.push_str(&schema_section(registry.provider_schema())),
            _ => {
                index_page.push_str(line);
                index_page.push('\n');
            }
        }
    }
    pages.push((PathBuf::from("docs/index.md"), index_page));
    Ok(pages)
}

fn render_page(
    root: &Path,
    kind: Kind,
    type_name: &str,
    schema: &Schema,
    template: &str,
) -> Result<String, String> {
    let example_path = format!(
        "examples/{}/{type_name}/{}",
        kind.examples, kind.example_file
    );
    let mut out = String::new();
    for line in template.lines() {
        match line.trim() {
            "{{ example }}" => {
                let example = std::fs::read_to_string(root.join(&example_path))
                    .map_err(|e| format!("{example_path}: {e}"))?;
                out.push_str(&fenced("terraform", &example));
            }
            "{{ schema }}" => out.push_str(&schema_section(schema)),
            "{{ import }}" if kind.import => {
                let path = format!("examples/{}/{type_name}/import.sh", kind.examples);
                let script = std::fs::read_to_string(root.join(&path))
                    .map_err(|e| format!("{path}: {e}"))?;
                out.push_str(&import_section(&script));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

fn fenced(language: &str, text: &str) -> String {
    format!("```{language}\n{}\n```\n", text.trim_end())
}

/// Both import forms: `import {}` blocks (Terraform 1.5 and later) and the commands.
fn import_section(script: &str) -> String {
    let mut blocks = String::new();
    for line in script
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("terraform import"))
    {
        let args: Vec<&str> = line
            .split_whitespace()
            .skip(2)
            .filter(|a| !a.starts_with('-'))
            .collect();
        if let [address, id] = args.as_slice() {
            let _ = writeln!(
                blocks,
                "import {{\n  to = {address}\n  id = \"{}\"\n}}",
                id.trim_matches('"')
            );
        }
    }
    format!(
        "In Terraform 1.5 and later, use an `import` block:\n\n{}\nOr the `terraform import` command:\n\n{}",
        fenced("terraform", blocks.trim_end()),
        fenced("shell", script)
    )
}

/// `## Schema` in the Registry's layout.
pub fn schema_section(schema: &Schema) -> String {
    let mut out = String::from("## Schema\n\n");
    let mut nested = Vec::new();
    write_block(&mut out, &schema.block, "", &mut nested);
    let mut done = 0;
    while done < nested.len() {
        let (anchor, title, item) = nested[done].clone();
        let _ = write!(
            out,
            "<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n\n"
        );
        match item {
            NestedItem::Block(block) => write_block_flat(&mut out, &block, &title, &mut nested),
            NestedItem::Attributes(attrs, computed_only) => {
                write_attributes_flat(&mut out, &attrs, computed_only, &title, &mut nested)
            }
        }
        done += 1;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

#[derive(Clone)]
enum NestedItem {
    Block(Block),
    /// Attributes of an object; true when they are all read-only.
    Attributes(BTreeMap<String, Attribute>, bool),
}

type Nested = Vec<(String, String, NestedItem)>;

fn write_block(out: &mut String, block: &Block, parent: &str, nested: &mut Nested) {
    let groups = group(block);
    for (heading, items) in [
        ("Required", &groups.0),
        ("Optional", &groups.1),
        ("Read-Only", &groups.2),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = write!(out, "### {heading}\n\n");
        for item in items {
            out.push_str(&item_line(block, item, parent, nested));
        }
        out.push('\n');
    }
}

fn write_block_flat(out: &mut String, block: &Block, parent: &str, nested: &mut Nested) {
    let groups = group(block);
    for (heading, items) in [
        ("Required", &groups.0),
        ("Optional", &groups.1),
        ("Read-Only", &groups.2),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = write!(out, "{heading}:\n\n");
        for item in items {
            out.push_str(&item_line(block, item, parent, nested));
        }
        out.push('\n');
    }
}

fn write_attributes_flat(
    out: &mut String,
    attrs: &BTreeMap<String, Attribute>,
    computed_only: bool,
    parent: &str,
    nested: &mut Nested,
) {
    let mut block = Block::default();
    for (name, attribute) in attrs {
        let mut attribute = attribute.clone();
        if computed_only {
            attribute.constraint = AttributeConstraint::Computed;
        }
        block.attributes.insert(name.clone(), attribute);
    }
    write_block_flat(out, &block, parent, nested);
}

/// Names of (required, optional, read-only) items, blocks with the optional ones.
fn group(block: &Block) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut read_only = Vec::new();
    for (name, attribute) in &block.attributes {
        match attribute.constraint {
            AttributeConstraint::Required => required.push(name.clone()),
            AttributeConstraint::Optional | AttributeConstraint::OptionalComputed => {
                optional.push(name.clone())
            }
            AttributeConstraint::Computed => read_only.push(name.clone()),
        }
    }
    for (name, nested) in &block.blocks {
        match nested {
            NestedBlock::Single(_) => required.push(name.clone()),
            _ => optional.push(name.clone()),
        }
    }
    required.sort();
    optional.sort();
    read_only.sort();
    (required, optional, read_only)
}

fn anchor(kind: &str, parent: &str, name: &str) -> String {
    let path = if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}--{name}")
    };
    format!("{kind}--{}", path.replace('.', "--"))
}

fn qualified(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn item_line(block: &Block, name: &str, parent: &str, nested: &mut Nested) -> String {
    if let Some(nb) = block.blocks.get(name) {
        let (kind, inner) = match nb {
            NestedBlock::Single(b) | NestedBlock::Optional(b) => ("Block", b),
            NestedBlock::List(b) => ("Block List", b),
            NestedBlock::Set(b) => ("Block Set", b),
        };
        let id = anchor("nestedblock", parent, name);
        nested.push((
            id.clone(),
            qualified(parent, name),
            NestedItem::Block(inner.clone()),
        ));
        return format!(
            "- `{name}` ({kind}){} (see [below for nested schema](#{id}))\n",
            description(&inner.description.content)
        );
    }
    let attribute = &block.attributes[name];
    let mut flags = vec![type_name(attribute)];
    if attribute.sensitive {
        flags.push("Sensitive".into());
    }
    if attribute.write_only {
        flags.push("Write-only".into());
    }
    if attribute.deprecated.is_some() {
        flags.push("Deprecated".into());
    }
    let mut line = format!(
        "- `{name}` ({}){}",
        flags.join(", "),
        description(&attribute.description.content)
    );
    if let Some(advice) = &attribute.deprecated {
        let _ = write!(line, " Deprecated: {advice}");
    }
    let object = match (&attribute.nested_type, &attribute.attr_type) {
        (Some(n), _) => Some((n.attributes.clone(), false)),
        (None, AttributeType::Object(f)) => Some((object_fields(f), true)),
        (
            None,
            AttributeType::List(inner) | AttributeType::Set(inner) | AttributeType::Map(inner),
        ) => match inner.as_ref() {
            AttributeType::Object(f) => Some((object_fields(f), true)),
            _ => None,
        },
        _ => None,
    };
    if let Some((fields, plain)) = object {
        let id = anchor("nestedatt", parent, name);
        let read_only = plain && attribute.constraint == AttributeConstraint::Computed;
        nested.push((
            id.clone(),
            qualified(parent, name),
            NestedItem::Attributes(fields, read_only),
        ));
        let _ = write!(line, " (see [below for nested schema](#{id}))");
    }
    line.push('\n');
    line
}

fn object_fields(
    fields: &std::collections::HashMap<String, AttributeType>,
) -> BTreeMap<String, Attribute> {
    fields
        .iter()
        .map(|(k, t)| {
            (
                k.clone(),
                Attribute::new(t.clone(), AttributeConstraint::Optional, ""),
            )
        })
        .collect()
}

fn description(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(" {text}")
    }
}

fn type_name(attribute: &Attribute) -> String {
    if let Some(nested) = &attribute.nested_type {
        return match nested.nesting {
            Nesting::Single => "Attributes".into(),
            Nesting::List => "Attributes List".into(),
            Nesting::Set => "Attributes Set".into(),
            Nesting::Map => "Attributes Map".into(),
        };
    }
    plain_type(&attribute.attr_type)
}

fn plain_type(ty: &AttributeType) -> String {
    match ty {
        AttributeType::String => "String".into(),
        AttributeType::Number => "Number".into(),
        AttributeType::Bool => "Boolean".into(),
        AttributeType::Dynamic => "Dynamic".into(),
        AttributeType::Object(_) => "Object".into(),
        AttributeType::List(inner) => format!("List of {}", plain_type(inner)),
        AttributeType::Set(inner) => format!("Set of {}", plain_type(inner)),
        AttributeType::Map(inner) => format!("Map of {}", plain_type(inner)),
    }
}

/// Writes every page under `root`; returns the pages that changed.
pub fn write_all(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut changed = Vec::new();
    for (path, text) in render_all(root)? {
        let full = root.join(&path);
        if std::fs::read_to_string(&full).ok().as_deref() != Some(text.as_str()) {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&full, text).map_err(|e| format!("{}: {e}", full.display()))?;
            changed.push(path);
        }
    }
    Ok(changed)
}

/// The pages whose text under `root` differs from what the generator writes.
pub fn stale(root: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(render_all(root)?
        .into_iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(path, _)| path)
        .collect())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn docs_are_what_the_generator_writes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let stale = super::stale(root).unwrap();
        assert!(
            stale.is_empty(),
            "docs/ differs from what the generator writes for {stale:?}: edit templates/ (or the schema) and run `cargo run --bin polycloud-docs`"
        );
    }

    #[test]
    fn the_schema_section_has_the_registry_groups_and_nested_blocks() {
        let registry = crate::tfplugin::server::Registry::new(
            "polycloud",
            crate::provider::PolycloudProvider::default(),
        );
        let (_, schema) = registry
            .resource_schemas()
            .find(|(name, _)| *name == "polycloud_vps")
            .unwrap();
        let text = super::schema_section(schema);
        for part in [
            "### Required\n\n- `name` (String)",
            "### Optional",
            "- `password_wo` (String, Sensitive, Write-only)",
            "### Read-Only",
            "<a id=\"nestedblock--timeouts\"></a>\n### Nested Schema for `timeouts`",
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }
}
