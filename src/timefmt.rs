//! Date and time conversions: every cloud prints dates its own way; state holds RFC 3339.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Formats a Unix time in milliseconds as RFC 3339 UTC with milliseconds.
pub fn rfc3339_from_unix_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let (y, mo, d, h, mi, s) = civil_from_unix(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// Formats calendar fields (taken as UTC) as RFC 3339 without fractions.
pub fn rfc3339(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> String {
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Parses `dd.mm.yyyy HH:MM:SS` (Vscale) or `dd/MM/yyyy HH:mm` (iNET) into RFC 3339.
/// Returns `None` when the text has neither shape.
pub fn day_first_to_rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, time) = text.split_once(' ')?;
    let sep = if date.contains('.') { '.' } else { '/' };
    let mut date_parts = date.split(sep);
    let d: u32 = date_parts.next()?.parse().ok()?;
    let mo: u32 = date_parts.next()?.parse().ok()?;
    let y: i64 = date_parts.next()?.parse().ok()?;
    let mut time_parts = time.split(':');
    let h: u32 = time_parts.next()?.parse().ok()?;
    let mi: u32 = time_parts.next()?.parse().ok()?;
    let s: u32 = time_parts
        .next()
        .map(|v| v.parse().ok())
        .unwrap_or(Some(0))?;
    if !(1..=31).contains(&d) || !(1..=12).contains(&mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(rfc3339(y, mo, d, h, mi, s))
}

/// A cloud's optional date field as RFC 3339 in UTC, its clock read at `offset`
/// (the provider's `time_zone`, else the cloud's own): absent or blank is
/// `Ok(None)`; a text that is no date in `layouts` is `Err` with the trimmed text,
/// for the caller's error message.
pub fn optional_date<'t>(
    text: Option<&'t str>,
    layouts: &[&str],
    offset: UtcOffset,
) -> Result<Option<String>, &'t str> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    to_rfc3339_utc(text, layouts, offset).map(Some).ok_or(text)
}

/// Reads a cloud's date as an instant and renders it as RFC 3339 in UTC (whole
/// seconds, `Z`). `layouts` are `time` format descriptions of the cloud's own clock
/// format, read in `offset` (each cloud's offset is a choice written down in
/// docs/design/wire.md, "Dates"); RFC 3339 text is accepted too, with its own offset.
/// `None` when the text matches no layout or names a day that does not exist
/// (31.02): a caller turns that into an error, never into state.
pub fn to_rfc3339_utc(text: &str, layouts: &[&str], offset: UtcOffset) -> Option<String> {
    let text = text.trim();
    let instant = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        layouts.iter().find_map(|layout| {
            let items = time::format_description::parse_borrowed::<2>(layout).ok()?;
            // A layout without a time of day names midnight of that day.
            PrimitiveDateTime::parse(text, &items)
                .or_else(|_| Date::parse(text, &items).map(Date::midnight))
                .ok()
                .map(|t| t.assume_offset(offset))
        })
    })?;
    let utc = instant
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?;
    utc.format(&Rfc3339).ok()
}

/// A cloud's date as RFC 3339 in UTC, like [`to_rfc3339_utc`], and also a Unix time
/// written as digits: 10 or fewer are seconds, 11–13 milliseconds (what a Java
/// back end renders for a date it does not format).
pub fn to_rfc3339_or_unix(text: &str, layouts: &[&str], offset: UtcOffset) -> Option<String> {
    let digits = text.trim();
    if !digits.is_empty() && digits.len() <= 13 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = digits.parse().ok()?;
        let secs = if digits.len() > 10 { n / 1000 } else { n };
        let at = OffsetDateTime::from_unix_timestamp(secs).ok()?;
        return at.format(&Rfc3339).ok();
    }
    to_rfc3339_utc(text, layouts, offset)
}

/// Parses a fixed UTC offset as users write it: `Z`, `UTC`, `+03:00`, `-05:30`,
/// `+0700` or `+07`; from −12:00 to +14:00 (every offset in civil use). `None` for
/// anything else (a zone name like `Europe/Moscow` included).
pub fn parse_offset(text: &str) -> Option<UtcOffset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1i8, &text[1..]),
        b'-' => (-1i8, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "00"),
    };
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let (h, m): (i8, i8) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = i32::from(sign) * (i32::from(h) * 60 + i32::from(m));
    if m > 59 || !(-12 * 60..=14 * 60).contains(&total) {
        return None;
    }
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// An offset as `+03:00` (`+00:00` for UTC).
pub fn offset_text(offset: UtcOffset) -> String {
    let (h, m, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// Converts Unix seconds to (year, month, day, hour, minute, second) in UTC.
fn civil_from_unix(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_millis_render_as_rfc3339() {
        assert_eq!(rfc3339_from_unix_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_from_unix_millis(1_440_669_787_123),
            "2015-08-27T10:03:07.123Z"
        );
    }

    #[test]
    fn day_first_dates_become_rfc3339() {
        assert_eq!(
            day_first_to_rfc3339("27.08.2015 10:03:07").as_deref(),
            Some("2015-08-27T10:03:07Z")
        );
        assert_eq!(
            day_first_to_rfc3339("05/11/2024 09:30").as_deref(),
            Some("2024-11-05T09:30:00Z")
        );
        assert_eq!(day_first_to_rfc3339("yesterday"), None);
    }

    const DOTTED: &[&str] =
        &["[day padding:none].[month padding:none].[year] [hour padding:none]:[minute]:[second]"];

    #[test]
    fn cloud_dates_become_utc_instants() {
        assert_eq!(
            to_rfc3339_utc("13.02.2018 08:58:57", DOTTED, UtcOffset::UTC).as_deref(),
            Some("2018-02-13T08:58:57Z")
        );
        let moscow = UtcOffset::from_hms(3, 0, 0).unwrap();
        assert_eq!(
            to_rfc3339_utc("13.02.2018 08:58:57", DOTTED, moscow).as_deref(),
            Some("2018-02-13T05:58:57Z")
        );
        assert_eq!(
            to_rfc3339_utc("2026-03-25T17:07:09.250+03:00", DOTTED, UtcOffset::UTC).as_deref(),
            Some("2026-03-25T14:07:09Z")
        );
        assert_eq!(
            to_rfc3339_utc("31.02.2018 08:58:57", DOTTED, UtcOffset::UTC),
            None
        );
        assert_eq!(
            to_rfc3339_utc("02.13.2018 08:58:57", DOTTED, UtcOffset::UTC),
            None
        );
        assert_eq!(to_rfc3339_utc("yesterday", DOTTED, UtcOffset::UTC), None);
    }

    #[test]
    fn dates_without_a_time_of_day_are_midnight_in_the_offset() {
        let day = &["[year]-[month]-[day]"];
        let plus3 = parse_offset("+03:00").unwrap();
        assert_eq!(
            to_rfc3339_utc("2026-03-25", day, plus3).as_deref(),
            Some("2026-03-24T21:00:00Z")
        );
        assert_eq!(to_rfc3339_utc("2026-02-30", day, UtcOffset::UTC), None);
    }

    #[test]
    fn unix_digits_are_seconds_or_milliseconds() {
        let none: &[&str] = &[];
        assert_eq!(
            to_rfc3339_or_unix("1774447629000", none, UtcOffset::UTC).as_deref(),
            Some("2026-03-25T14:07:09Z")
        );
        assert_eq!(
            to_rfc3339_or_unix("1774447629", none, UtcOffset::UTC).as_deref(),
            Some("2026-03-25T14:07:09Z")
        );
        assert_eq!(
            to_rfc3339_or_unix("12345678901234", none, UtcOffset::UTC),
            None
        );
    }

    #[test]
    fn offsets_are_fixed_and_in_civil_range() {
        for (text, shown) in [
            ("+03:00", "+03:00"),
            ("-05:30", "-05:30"),
            ("+0700", "+07:00"),
            ("+07", "+07:00"),
            ("Z", "+00:00"),
            ("utc", "+00:00"),
            ("+14:00", "+14:00"),
            ("-12:00", "-12:00"),
        ] {
            assert_eq!(
                parse_offset(text).map(offset_text).as_deref(),
                Some(shown),
                "{text}"
            );
        }
        for bad in [
            "",
            "3",
            "+3",
            "+15:00",
            "-12:30",
            "+03:60",
            "Europe/Moscow",
            "+03:00:00",
            "++03",
        ] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
