//! Small helpers shared by every module: the wall clock, the date formats the
//! documents print, random ids and URL-encoded form decoding.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `POST /_sim/config {"empty_texts": true}`: an optional text nobody wrote is answered
/// as `""` wherever the document's field list has it, never left out.
static EMPTY_TEXTS: AtomicBool = AtomicBool::new(false);

/// Switches `""` answers for unwritten optional texts on or off.
pub fn set_empty_texts(on: bool) {
    EMPTY_TEXTS.store(on, Ordering::Relaxed);
}

/// Whether unwritten optional texts are answered as `""`.
pub fn empty_texts() -> bool {
    EMPTY_TEXTS.load(Ordering::Relaxed)
}

/// Milliseconds since the Unix epoch (wall clock; tasks progress by it).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Calendar fields of a UTC instant.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

/// Splits epoch milliseconds into UTC calendar fields (Howard Hinnant's
/// `civil_from_days`, valid for the whole proleptic Gregorian calendar).
fn civil(ms: u64) -> Civil {
    let secs = (ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
    }
}

/// `dd.mm.yyyy HH:MM:SS` in UTC, the scalet `created` format
/// (Vscale doc, "Создаём новый сервер": `"created": "27.08.2015 10:03:07"`).
pub fn vscale_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{:02}.{:02}.{:04} {:02}:{:02}:{:02}",
        c.day, c.month, c.year, c.hour, c.minute, c.second
    )
}

/// `yyyy-mm-dd HH:MM:SS` in UTC, the task date format
/// (Vscale doc, "Статус текущих операций": `"d_insert": "2015-08-28 12:37:48"`).
pub fn task_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// RFC 3339 on Moscow time (`+03:00`, no daylight saving since 2014), e.g.
/// `2015-08-27T13:03:07+03:00`: a form a Vscale answer might use instead of the
/// document's `dd.mm.yyyy HH:MM:SS`.
pub fn rfc3339_moscow(ms: u64) -> String {
    let c = civil(ms + 3 * 3600 * 1000);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+03:00",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `dd/MM/yyyy HH:mm` in UTC, iNET's date format (iNET doc, "Danh sách Cloud
/// VPS": `issueDate`, `expireDate`, `createdDate` are "dd/MM/yyyy HH:mm").
pub fn inet_date(ms: u64) -> String {
    let c = civil(ms);
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        c.day, c.month, c.year, c.hour, c.minute
    )
}

/// A random version-4 UUID in its usual hyphenated lower-case form.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space,
/// `%XX` a byte; an invalid escape is kept as written).
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match bytes.get(i + 1..i + 3).and_then(hex_byte) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Value of two ASCII hex digits.
fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_the_documents_formats() {
        // 2015-08-27 10:03:07 UTC
        let ms = 1_440_669_787_000;
        assert_eq!(vscale_date(ms), "27.08.2015 10:03:07");
        assert_eq!(task_date(ms), "2015-08-27 10:03:07");
        assert_eq!(task_date(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(inet_date(ms), "27/08/2015 10:03");
        assert_eq!(rfc3339_moscow(ms), "2015-08-27T13:03:07+03:00");
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!("89ab".contains(&id[19..20]));
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a+b%3D%3d%zz%"), "a b==%zz%");
    }
}

/// The case status words are answered in (a shape switch of the clouds whose documents
/// print them in one case; the clients must read any).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCase {
    /// As the document prints them (lower case).
    #[default]
    Lower,
    /// Upper case.
    Upper,
}

impl StatusCase {
    /// `word` in this case.
    pub fn render(self, word: &str) -> String {
        match self {
            StatusCase::Lower => word.to_string(),
            StatusCase::Upper => word.to_uppercase(),
        }
    }
}
