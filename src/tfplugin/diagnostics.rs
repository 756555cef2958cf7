//! Diagnostics with attribute paths, as Terraform shows them under the attribute.
//!
//! Every summary and detail passes through [`crate::secrets::redact`] on its way out:
//! a secret the provider knows never reaches the user's terminal through a diagnostic.

use magma_protocol::tfplugin6 as proto;

/// One step of an attribute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// An attribute or block name.
    Attribute(String),
    /// A map key.
    Key(String),
    /// A list index.
    Index(i64),
}

/// Where in a configuration a diagnostic points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributePath {
    steps: Vec<PathStep>,
}

impl AttributePath {
    /// The path of a top-level attribute.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            steps: vec![PathStep::Attribute(name.into())],
        }
    }

    /// Goes into an attribute of an object or block.
    pub fn attribute(mut self, name: impl Into<String>) -> Self {
        self.steps.push(PathStep::Attribute(name.into()));
        self
    }

    /// Goes into a map element.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.steps.push(PathStep::Key(key.into()));
        self
    }

    /// Goes into a list element.
    pub fn index(mut self, index: impl Into<i64>) -> Self {
        self.steps.push(PathStep::Index(index.into()));
        self
    }

    /// The steps, outermost first.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// The tfplugin6 form.
    pub fn to_proto(&self) -> proto::AttributePath {
        use proto::attribute_path::step::Selector;
        proto::AttributePath {
            steps: self
                .steps
                .iter()
                .map(|step| proto::attribute_path::Step {
                    selector: Some(match step {
                        PathStep::Attribute(n) => Selector::AttributeName(n.clone()),
                        PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                        PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl std::fmt::Display for AttributePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(n) if i == 0 => write!(f, "{n}")?,
                PathStep::Attribute(n) => write!(f, ".{n}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Error or warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Stops the operation.
    Error,
    /// Shown; the operation goes on.
    Warning,
}

/// One diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// The explanation and what to do.
    pub detail: String,
    /// The attribute it is about, if any.
    pub attribute: Option<AttributePath>,
}

/// The diagnostics of one request.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// In the order they were added.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    fn push(
        &mut self,
        severity: Severity,
        summary: impl Into<String>,
        detail: impl Into<String>,
        attribute: Option<AttributePath>,
    ) {
        self.items.push(Diagnostic {
            severity,
            summary: summary.into(),
            detail: detail.into(),
            attribute,
        });
    }

    /// An error on an attribute.
    pub fn error(
        &mut self,
        summary: impl Into<String>,
        detail: impl Into<String>,
        attribute: AttributePath,
    ) {
        self.push(Severity::Error, summary, detail, Some(attribute));
    }

    /// An error about the whole resource or request.
    pub fn root_error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary, detail, None);
    }

    /// An error with a summary only.
    pub fn root_error_short(&mut self, summary: impl Into<String>) {
        self.push(Severity::Error, summary, "", None);
    }

    /// A warning on an attribute.
    pub fn warning(
        &mut self,
        summary: impl Into<String>,
        detail: impl Into<String>,
        attribute: AttributePath,
    ) {
        self.push(Severity::Warning, summary, detail, Some(attribute));
    }

    /// A warning about the whole resource or request.
    pub fn root_warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary, detail, None);
    }

    /// Whether any error was added.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many errors were added.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The tfplugin6 form, with known secrets masked.
    pub fn to_proto(&self) -> Vec<proto::Diagnostic> {
        use proto::diagnostic::Severity as Wire;
        self.items
            .iter()
            .map(|d| proto::Diagnostic {
                severity: match d.severity {
                    Severity::Error => Wire::Error as i32,
                    Severity::Warning => Wire::Warning as i32,
                },
                summary: crate::secrets::redact(&d.summary),
                detail: crate::secrets::redact(&d.detail),
                attribute: d.attribute.as_ref().map(AttributePath::to_proto),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_point_into_blocks() {
        let path = AttributePath::new("timeouts").index(0).attribute("create");
        assert_eq!(path.to_string(), "timeouts[0].create");
        let wire = path.to_proto();
        assert_eq!(wire.steps.len(), 3);
    }

    #[test]
    fn errors_and_warnings_are_told_apart() {
        let mut diags = Diagnostics::default();
        diags.root_warning("careful", "");
        assert!(!diags.has_errors());
        diags.error("bad", "why", AttributePath::new("name"));
        assert!(diags.has_errors());
        assert_eq!(
            diags.to_proto()[1].attribute.as_ref().unwrap().steps.len(),
            1
        );
    }
}
