//! The registry of secret values the provider holds (tokens, passwords, private keys,
//! session ids, console URLs) and the masking every log line and every diagnostic built
//! from a cloud's answer passes through.
//!
//! Code that logs is expected to mask secrets itself (see [`crate::http`], which masks
//! by field name); this registry is the safety net for everything else: a cloud that
//! echoes a password in an error message, a URL inside a reqwest error, a value printed
//! with `{:?}`. A secret is masked in every form it can take in a log line: as written,
//! JSON-escaped (the log line is JSON), `Debug`-escaped (`{:?}` of a string), both, and
//! URL-encoded, so quotes, backslashes and non-ASCII characters cannot hide it.
//!
//! Length: a secret of four characters or more is masked wherever it appears. A
//! shorter one is masked where it stands alone (not inside a longer run of letters or
//! digits): masking every `a` of every log line would make logs unreadable without
//! hiding anything, while `password = "ab"` printed anywhere is still caught.

use std::sync::RwLock;

/// What a secret is replaced with in logs.
pub const MASK: &str = "***";

/// Secrets shorter than this (in characters) are masked only where they stand alone.
pub const SHORT: usize = 4;

/// The forms of every registered secret, longest first.
static FORMS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a value that must never appear in a log line or a diagnostic. Empty
/// and all-whitespace values are ignored (there is nothing to hide).
pub fn register(secret: &str) {
    if secret.trim().is_empty() {
        return;
    }
    let mut forms = FORMS.write().unwrap_or_else(|e| e.into_inner());
    let mut changed = false;
    for form in forms_of(secret) {
        if !forms.contains(&form) {
            forms.push(form);
            changed = true;
        }
    }
    if changed {
        // Longest first, so that a secret containing another is masked whole.
        forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// The texts a secret can appear as in a log line or an error message.
fn forms_of(secret: &str) -> Vec<String> {
    let json = escape_json(secret);
    let debug = escape_debug(secret);
    let mut forms = vec![
        secret.to_string(),
        secret.trim().to_string(),
        escape_json(&json),
        escape_json(&debug),
        json,
        debug,
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
        percent_encoded(secret),
    ];
    forms.retain(|f| !f.trim().is_empty());
    forms.sort();
    forms.dedup();
    forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
    forms
}

/// `s` as it appears inside a JSON string.
fn escape_json(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// `s` as it appears inside `{:?}` of a string.
fn escape_debug(s: &str) -> String {
    let quoted = format!("{s:?}");
    quoted[1..quoted.len() - 1].to_string()
}

/// `s` percent-encoded as in a URL path or userinfo (`%20` for a space).
fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Returns `text` with every registered secret, in each of its forms, replaced by
/// [`MASK`].
pub fn redact(text: &str) -> String {
    let forms = FORMS.read().unwrap_or_else(|e| e.into_inner());
    mask_all(text, &forms)
}

/// Masks each of `forms` (longest first) in `text`.
fn mask_all(text: &str, forms: &[String]) -> String {
    let mut out = text.to_string();
    for form in forms {
        if !out.contains(form.as_str()) {
            continue;
        }
        out = if form.chars().count() >= SHORT {
            out.replace(form.as_str(), MASK)
        } else {
            mask_standing_alone(&out, form)
        };
    }
    out
}

/// Replaces the occurrences of `needle` that are not part of a longer run of letters
/// or digits.
fn mask_standing_alone(text: &str, needle: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let starts_word = needle.chars().next().is_some_and(char::is_alphanumeric);
    let ends_word = needle.chars().last().is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(needle) {
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + needle.len()..].chars().next();
        out.push_str(&rest[..at]);
        let glued = (starts_word && word(before)) || (ends_word && word(after));
        out.push_str(if glued { needle } else { MASK });
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// What `Debug` prints in place of a secret.
pub const PLACEHOLDER: &str = "<secret>";

/// A `Debug` view of a secret field: `<secret>` when set, its emptiness otherwise,
/// never the value. Types that hold a secret print their fields through it.
pub struct Hidden<'a, T: ?Sized>(pub &'a T);

impl std::fmt::Debug for Hidden<'_, String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(PLACEHOLDER)
    }
}

impl std::fmt::Debug for Hidden<'_, str> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(PLACEHOLDER)
    }
}

impl<T> std::fmt::Debug for Hidden<'_, Option<T>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(_) => write!(f, "Some({PLACEHOLDER})"),
            None => f.write_str("None"),
        }
    }
}

impl<T> std::fmt::Debug for Hidden<'_, &T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(PLACEHOLDER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(secret: &str, text: &str) -> String {
        mask_all(text, &forms_of(secret))
    }

    #[test]
    fn registered_values_are_masked() {
        register("s3cr3t-token-value");
        let line = redact("token=s3cr3t-token-value");
        assert_eq!(line, "token=***");
    }

    #[test]
    fn quotes_backslashes_and_unicode_are_masked_after_json_escaping() {
        let secret = r#"pa"ss\wörd✓"#;
        let object = serde_json::json!({"message": format!("the cloud said: {secret} is weak")});
        let line = object.to_string();
        assert!(
            !line.contains(secret),
            "the raw form is not in the JSON line"
        );
        let out = masked(secret, &line);
        assert!(!out.contains("ss\\\\w"), "{out}");
        assert_eq!(out, r#"{"message":"the cloud said: *** is weak"}"#);
        // `{:?}` escapes, then JSON escapes again.
        let debug_line = serde_json::json!({"error": format!("{:?}", secret)}).to_string();
        assert!(!masked(secret, &debug_line).contains("ss"), "{debug_line}");
        // URL-encoded (a form body or a URL).
        let form = format!(
            "password={}",
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()
        );
        assert_eq!(masked(secret, &form), "password=***");
    }

    #[test]
    fn short_secrets_are_masked_where_they_stand_alone() {
        for secret in ["x", "ab", "é\"", "ж", "q\\"] {
            let line =
                serde_json::json!({"body": format!("password={secret}&name=tab")}).to_string();
            let out = masked(secret, &line);
            assert!(out.contains("password=***&"), "{secret}: {out}");
        }
        // Inside a longer word the letters are left alone.
        assert_eq!(masked("ab", "tab abc ab"), "tab abc ***");
        assert_eq!(masked("x", "x-ray"), "***-ray");
    }

    #[test]
    fn every_length_from_one_character_is_masked() {
        for secret in ["a", "ab", "abc", "abcd", "abcdefghijklmnopqrstuvwxyz"] {
            assert_eq!(masked(secret, &format!("\"{secret}\"")), "\"***\"");
        }
    }

    #[test]
    fn a_secret_containing_another_is_masked_whole() {
        let mut forms = forms_of("hunter2hunter2");
        forms.extend(forms_of("hunter2"));
        forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
        assert_eq!(
            mask_all("p=hunter2hunter2 q=hunter2", &forms),
            "p=*** q=***"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn a_secret_is_masked_in_every_form_it_takes(
                secret in "[\\PC\"\\\\]{4,20}",
                before in "[a-z ]{0,10}",
                after in "[a-z ]{0,10}",
            ) {
                prop_assume!(!secret.trim().is_empty());
                let forms = forms_of(&secret);
                let raw = format!("{before}{secret}{after}");
                let line = serde_json::json!({"m": raw, "d": format!("{raw:?}")}).to_string();
                let out = mask_all(&line, &forms);
                prop_assert!(!out.contains(&forms_of(&secret)[0]), "{out}");
                prop_assert!(!out.contains(&escape_json(&secret)), "{out}");
            }

            #[test]
            fn short_secrets_standing_alone_are_masked(secret in "[\\PC]{1,3}") {
                prop_assume!(secret.chars().all(|c| !c.is_whitespace()));
                let line = format!("password=\"{}\"", escape_json(&secret));
                let out = mask_all(&line, &forms_of(&secret));
                if secret.chars().any(char::is_alphanumeric) {
                    prop_assert_eq!(out, "password=\"***\"");
                } else {
                    // Punctuation alone: the quotes around it may go too, never the mask.
                    prop_assert!(out.contains(MASK), "{out}");
                    prop_assert!(!out.contains(&format!("\"{}\"", escape_json(&secret))), "{out}");
                }
            }

            #[test]
            fn masking_never_panics(text in "\\PC{0,200}", secret in "\\PC{0,6}") {
                let _ = mask_all(&text, &forms_of(&secret));
            }
        }
    }
}
