//! The registry of secret values the provider holds (tokens, passwords, private keys).
//!
//! Code that logs is expected to mask secrets itself (see [`crate::http`]); this
//! registry is the safety net: every log line is scrubbed of every registered value.

use std::sync::RwLock;

/// What a secret is replaced with in logs.
pub const MASK: &str = "***";

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a value that must never appear in a log line. Values shorter than four
/// characters are ignored (masking them would mangle ordinary words).
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < 4 {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
        // Longest first, so that a secret containing another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Returns `text` with every registered secret replaced by [`MASK`].
pub fn redact(text: &str) -> String {
    let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_values_are_masked_and_short_ones_ignored() {
        register("s3cr3t-token-value");
        register("ab");
        let line = redact("token=s3cr3t-token-value ab");
        assert_eq!(line, "token=*** ab");
    }
}
