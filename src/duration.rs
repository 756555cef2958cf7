//! Durations as users write them (`30s`, `1m30s`, `500ms`, `2h`): Go's syntax, which is
//! what Terraform users know from other providers' `timeouts`.

use std::time::Duration;

/// The longest duration accepted: 100 years. Anything longer is a typo, and a bound
/// keeps every deadline computed from a user's value (`now + timeout`) representable.
pub const MAX: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Parses a Go-style duration. Returns a message fit for a diagnostic on failure;
/// values longer than [`MAX`] (including ones no number type can hold) are errors.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a duration must not be empty; write for example \"30s\" or \"10m\"".into());
    }
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("{text:?} has a number without a unit (use ms, s, m or h)"))?;
        if digits == 0 {
            return Err(format!(
                "{text:?} is not a duration; write for example \"30s\", \"1m30s\" or \"2h\""
            ));
        }
        let number: f64 = rest[..digits]
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| format!("{text:?} has a malformed number"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            unit => {
                return Err(format!(
                    "{text:?} has an unknown unit {unit:?} (use ms, s, m or h)"
                ))
            }
        };
        total += number * seconds;
        if !total.is_finite() || total > MAX.as_secs_f64() {
            return Err(too_long(text));
        }
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).map_err(|_| too_long(text))
}

fn too_long(text: &str) -> String {
    format!(
        "{text:?} is longer than the longest accepted duration ({}); write for example \"2h\"",
        display(MAX)
    )
}

/// Formats a duration for messages: `1m30s`, `450ms`.
pub fn display(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        return format!("{millis}ms");
    }
    let secs = duration.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("1.5h").unwrap(), Duration::from_secs(5400));
        assert!(parse("30").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("10 minutes").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn overflowing_durations_are_errors_not_panics() {
        for text in [
            "99999999999999999999h",
            "876001h",
            "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999h",
            "18446744073709551615s18446744073709551615s",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("longer than") || err.contains("malformed"), "{text}: {err}");
        }
        assert_eq!(parse("876000h").unwrap(), MAX);
        assert!(parse("1e300s").is_err());
        assert!(parse("1..5s").is_err());
        assert!(parse("-1s").is_err());
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(display(Duration::from_millis(450)), "450ms");
        assert_eq!(display(Duration::from_secs(90)), "1m30s");
        assert_eq!(display(Duration::from_secs(600)), "10m");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn parse_never_panics(text in "\\PC{0,30}") {
                let _ = parse(&text);
            }

            #[test]
            fn numbers_with_units_parse_or_fail_cleanly(
                parts in prop::collection::vec(
                    ("[0-9]{0,30}(\\.[0-9]{0,10})?", prop::sample::select(vec!["ns", "us", "µs", "ms", "s", "m", "h", "d", ""])),
                    1..4,
                )
            ) {
                let text: String = parts.iter().map(|(n, u)| format!("{n}{u}")).collect();
                match parse(&text) {
                    Ok(d) => prop_assert!(d <= MAX),
                    Err(message) => prop_assert!(!message.is_empty()),
                }
            }

            #[test]
            fn display_never_panics(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
                let _ = display(Duration::new(secs, nanos));
            }
        }
    }
}
