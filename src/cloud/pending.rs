//! Clouds whose client is not built yet: they are accepted in the provider
//! configuration, and every resource says at plan time that support is coming, instead
//! of failing somewhere in apply.

use crate::cloud::{AttrRule, Capability, Cloud, Feature};
use crate::config::CloudKind;

/// A cloud the provider accepts but cannot manage yet.
pub struct PendingCloud {
    kind: CloudKind,
}

impl PendingCloud {
    /// For `kind`.
    pub fn new(kind: CloudKind) -> Self {
        Self { kind }
    }

    fn advice(&self) -> String {
        format!(
            "This provider release does not manage the {} cloud yet; it is on the roadmap (see the README's capability matrix). Use a vscale provider configuration meanwhile.",
            self.kind.name()
        )
    }
}

#[async_trait::async_trait]
impl Cloud for PendingCloud {
    fn kind(&self) -> CloudKind {
        self.kind
    }

    fn capability(&self, _feature: Feature) -> Capability {
        Capability::none(self.advice())
    }

    fn rule(&self, _feature: Feature, _attribute: &str) -> Option<AttrRule> {
        None
    }
}
