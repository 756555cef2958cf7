//! The provider configuration: parsing, environment fallbacks and
//! validation. Everything here is pure, so bad input is reported before any API call.
//!
//! Credentials are resolved per provider block, credential by credential: a written
//! argument wins; then the block's own cloud's variables (`POLYCLOUD_VSCALE_TOKEN`,
//! `POLYCLOUD_ZOMRO_USERNAME`, …, `POLYCLOUD_<CLOUD>_ENDPOINT`); the generic
//! `POLYCLOUD_TOKEN` / `POLYCLOUD_ENDPOINT` only when the block's cloud is the one
//! `POLYCLOUD_CLOUD` names, since they describe that one account. A token exported for
//! Vscale is therefore never sent to Zomro or iNET, whatever the aliases look like.

use std::time::Duration;

/// The four clouds one provider configuration can speak to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloudKind {
    /// Vscale (Russia), REST with `X-Token`.
    Vscale,
    /// iNET Cloud VPS (Vietnam), REST gateway with a bearer token.
    Inet,
    /// Zomro, BILLmanager form API.
    Zomro,
    /// StarVCenter private cloud, base64 JSON API.
    StarVCenter,
}

impl CloudKind {
    /// Every accepted value of `cloud`, as users write it.
    pub const NAMES: [&'static str; 4] = ["vscale", "inet", "zomro", "starvcenter"];

    /// Parses the `cloud` attribute.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "vscale" => Some(Self::Vscale),
            "inet" => Some(Self::Inet),
            "zomro" => Some(Self::Zomro),
            "starvcenter" => Some(Self::StarVCenter),
            _ => None,
        }
    }

    /// The name users write.
    pub fn name(self) -> &'static str {
        match self {
            Self::Vscale => "vscale",
            Self::Inet => "inet",
            Self::Zomro => "zomro",
            Self::StarVCenter => "starvcenter",
        }
    }

    /// The prefix of this cloud's own environment variables (`POLYCLOUD_VSCALE`).
    pub fn env_prefix(self) -> String {
        format!("POLYCLOUD_{}", self.name().to_ascii_uppercase())
    }

    /// Whether the cloud is a public service (its default endpoint is on the Internet).
    pub fn is_public(self) -> bool {
        self.default_endpoint().is_some()
    }

    /// The offset this cloud's clock prints dates in when `time_zone` does not say:
    /// UTC for every cloud, since no API document names a zone (docs/design/wire.md,
    /// "Dates").
    pub fn clock_offset(self) -> time::UtcOffset {
        time::UtcOffset::UTC
    }

    /// The public endpoint used when none is configured (StarVCenter has none).
    pub fn default_endpoint(self) -> Option<&'static str> {
        match self {
            Self::Vscale => Some("https://api.vscale.io/v1"),
            Self::Inet => Some("https://developers.inet.vn/api/gateway/v1"),
            Self::Zomro => Some("https://api.zomro.com/billmgr"),
            Self::StarVCenter => None,
        }
    }
}

/// How the provider authenticates. `Debug` prints a placeholder for the secrets.
#[derive(Clone)]
pub enum Credentials {
    /// An API token (Vscale `X-Token`, iNET bearer, Zomro session id, StarVCenter `KEY_TOKEN`).
    Token(String),
    /// Zomro only: `func=auth` obtains a session from these.
    UserPassword {
        /// BILLmanager user name.
        username: String,
        /// BILLmanager password.
        password: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(<secret>)"),
            Credentials::UserPassword { username, .. } => f
                .debug_struct("UserPassword")
                .field("username", username)
                .field("password", &format_args!("<secret>"))
                .finish(),
        }
    }
}

/// The provider configuration as written, before environment fallbacks.
/// `None` means not set; unknown values are filtered out by the caller. `Debug`
/// prints a placeholder for `token` and `password`.
#[derive(Clone, Default)]
pub struct RawConfig {
    /// `cloud`
    pub cloud: Option<String>,
    /// `endpoint`
    pub endpoint: Option<String>,
    /// `token`
    pub token: Option<String>,
    /// `username`
    pub username: Option<String>,
    /// `password`
    pub password: Option<String>,
    /// `request_timeout`
    pub request_timeout: Option<String>,
    /// `max_retries`
    pub max_retries: Option<i64>,
    /// `insecure`
    pub insecure: Option<bool>,
    /// `ca_certificate`
    pub ca_certificate: Option<String>,
    /// `time_zone`
    pub time_zone: Option<String>,
}

impl std::fmt::Debug for RawConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |v: &Option<String>| v.as_ref().map(|_| "<secret>");
        f.debug_struct("RawConfig")
            .field("cloud", &self.cloud)
            .field(
                "endpoint",
                &self.endpoint.as_deref().map(crate::http::redact_url),
            )
            .field("token", &secret(&self.token))
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("insecure", &self.insecure)
            .field("ca_certificate", &self.ca_certificate.is_some())
            .field("time_zone", &self.time_zone)
            .finish()
    }
}

/// A problem with one attribute of the provider configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigIssue {
    /// The attribute the diagnostic points at.
    pub attribute: &'static str,
    /// Short summary.
    pub summary: String,
    /// What to do about it.
    pub detail: String,
    /// A warning: the configuration works but is risky.
    pub warning: bool,
}

impl ConfigIssue {
    fn new(attribute: &'static str, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            attribute,
            summary: summary.into(),
            detail: detail.into(),
            warning: false,
        }
    }

    fn warning(
        attribute: &'static str,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            warning: true,
            ..Self::new(attribute, summary, detail)
        }
    }
}

/// The resolved, valid provider settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Which cloud.
    pub cloud: CloudKind,
    /// Base URL without a trailing slash.
    pub endpoint: String,
    /// Authentication.
    pub credentials: Credentials,
    /// Per HTTP request.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Skip TLS verification.
    pub insecure: bool,
    /// Extra trusted CA certificates (PEM).
    pub ca_certificate: Option<String>,
    /// The offset the cloud's clock prints dates in: `time_zone` (or
    /// `POLYCLOUD_<CLOUD>_TIME_ZONE`), else the cloud's own ([`CloudKind::clock_offset`]).
    pub time_zone: time::UtcOffset,
}

/// Default `request_timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default `max_retries`.
pub const DEFAULT_MAX_RETRIES: u32 = 4;
/// Largest accepted `max_retries`.
pub const MAX_MAX_RETRIES: i64 = 20;
/// Shortest accepted `request_timeout`.
pub const MIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(1);

/// Checks what is written in the configuration, without environment fallbacks
/// (validate time: values may still come from the environment).
pub fn validate_written(raw: &RawConfig) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    if let Some(cloud) = &raw.cloud {
        if CloudKind::parse(cloud).is_none() {
            issues.push(unknown_cloud(cloud));
        }
    }
    if let Some(endpoint) = &raw.endpoint {
        match check_endpoint(endpoint) {
            Err(detail) => issues.push(ConfigIssue::new("endpoint", "Invalid endpoint", detail)),
            Ok(()) => {
                let cloud = raw.cloud.as_deref().and_then(CloudKind::parse);
                issues.extend(plain_http_warning(cloud, endpoint, "endpoint"));
            }
        }
    }
    for (attribute, value) in [
        ("token", &raw.token),
        ("username", &raw.username),
        ("password", &raw.password),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            issues.push(ConfigIssue::new(
                attribute,
                format!("Empty {attribute}"),
                format!("`{attribute}` is set to an empty string. Write the real value, or leave `{attribute}` out (or null) to take it from the environment."),
            ));
        }
    }
    if let Some(pem) = &raw.ca_certificate {
        if let Err(detail) = crate::http::ca_certificates(pem) {
            issues.push(ConfigIssue::new(
                "ca_certificate",
                "Invalid ca_certificate",
                detail,
            ));
        }
    }
    if let Some(timeout) = &raw.request_timeout {
        match crate::duration::parse(timeout) {
            Ok(d) if d < MIN_REQUEST_TIMEOUT => issues.push(ConfigIssue::new(
                "request_timeout",
                "Invalid request_timeout",
                format!(
                    "request_timeout must be at least 1s (got {timeout:?}): no API answers faster reliably; write for example \"30s\""
                ),
            )),
            Ok(_) => {}
            Err(detail) => issues.push(ConfigIssue::new(
                "request_timeout",
                "Invalid request_timeout",
                detail,
            )),
        }
    }
    if let Some(zone) = &raw.time_zone {
        if crate::timefmt::parse_offset(zone).is_none() {
            issues.push(invalid_time_zone("time_zone", zone));
        }
    }
    if let Some(retries) = raw.max_retries {
        if !(0..=MAX_MAX_RETRIES).contains(&retries) {
            issues.push(ConfigIssue::new(
                "max_retries",
                "Invalid max_retries",
                format!("max_retries must be between 0 and {MAX_MAX_RETRIES}, got {retries}"),
            ));
        }
    }
    if let (Some(cloud), true) = (
        raw.cloud.as_deref().and_then(CloudKind::parse),
        raw.username.is_some() || raw.password.is_some(),
    ) {
        if cloud != CloudKind::Zomro {
            let attribute = if raw.username.is_some() {
                "username"
            } else {
                "password"
            };
            issues.push(ConfigIssue::new(
                attribute,
                "username/password are for Zomro only",
                format!(
                    "The {} cloud authenticates with `token` only; remove `username` and `password`.",
                    cloud.name()
                ),
            ));
        }
    }
    issues
}

/// The issue of a `time_zone` that is no fixed UTC offset.
fn invalid_time_zone(attribute: &'static str, value: &str) -> ConfigIssue {
    ConfigIssue::new(
        attribute,
        "Invalid time_zone",
        format!("time_zone must be a fixed UTC offset such as \"+03:00\", \"-05:30\" or \"Z\" (from -12:00 to +14:00), got {value:?}. Zone names like \"Europe/Moscow\" are not accepted: a cloud's clock is read at one fixed offset."),
    )
}

/// Resolves the configuration with environment fallbacks and checks that
/// everything required is there. `env` reads one environment variable.
pub fn resolve(
    raw: &RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<ConfigIssue>> {
    resolve_with_warnings(raw, env).map(|(settings, _)| settings)
}

/// [`resolve`], with the warnings of a configuration that works (`http://` to a
/// public cloud), those of written attributes included.
pub fn resolve_with_warnings(
    raw: &RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Settings, Vec<ConfigIssue>), Vec<ConfigIssue>> {
    let mut issues = validate_written(raw);
    let env = |var: &str| env(var).filter(|v| !v.trim().is_empty());
    let env_cloud = env("POLYCLOUD_CLOUD");
    let cloud = match raw.cloud.as_deref().or(env_cloud.as_deref()) {
        None => {
            issues.push(ConfigIssue::new(
                "cloud",
                "Missing cloud",
                "Set `cloud` (or POLYCLOUD_CLOUD) to one of: vscale, inet, zomro, starvcenter.",
            ));
            None
        }
        Some(name) => {
            let parsed = CloudKind::parse(name);
            if parsed.is_none() && raw.cloud.is_none() {
                issues.push(unknown_cloud(name));
            }
            parsed
        }
    };
    let Some(cloud) = cloud else {
        return Err(issues);
    };
    // The generic variables describe the account of POLYCLOUD_CLOUD, and only that one.
    let generic = env_cloud.as_deref().and_then(CloudKind::parse) == Some(cloud);
    let prefix = cloud.env_prefix();
    let from_env = |suffix: &str| -> Option<(String, String)> {
        let own = format!("{prefix}_{suffix}");
        env(&own).map(|v| (v, own)).or_else(|| {
            let shared = format!("POLYCLOUD_{suffix}");
            generic.then(|| env(&shared).map(|v| (v, shared))).flatten()
        })
    };

    let endpoint = match (&raw.endpoint, from_env("ENDPOINT")) {
        (Some(written), _) => Some(written.clone()),
        (None, Some((value, var))) => {
            match check_endpoint(&value) {
                Err(detail) => issues.push(ConfigIssue::new(
                    "endpoint",
                    format!("Invalid {var}"),
                    detail,
                )),
                Ok(()) => issues.extend(plain_http_warning(Some(cloud), &value, "endpoint")),
            }
            Some(value)
        }
        (None, None) => cloud.default_endpoint().map(String::from),
    };
    if endpoint.is_none() {
        issues.push(ConfigIssue::new(
            "endpoint",
            "Missing endpoint",
            format!(
                "StarVCenter runs on premises and has no public endpoint: set `endpoint` (or {prefix}_ENDPOINT) to your installation's base URL, e.g. https://cloud.example.com/services/cloudresource"
            ),
        ));
    }

    let credentials = credentials(cloud, raw, &|var| env(var), generic);
    let credentials = match credentials {
        Ok(c) => Some(c),
        Err(issue) => {
            issues.push(issue);
            None
        }
    };
    let request_timeout = raw
        .request_timeout
        .as_deref()
        .and_then(|t| crate::duration::parse(t).ok())
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT);
    let zone_var = format!("{prefix}_TIME_ZONE");
    let time_zone = match (&raw.time_zone, env(&zone_var)) {
        (Some(written), _) => crate::timefmt::parse_offset(written),
        (None, Some(value)) => {
            let parsed = crate::timefmt::parse_offset(&value);
            if parsed.is_none() {
                let mut issue = invalid_time_zone("time_zone", &value);
                issue.summary = format!("Invalid {zone_var}");
                issues.push(issue);
            }
            parsed
        }
        (None, None) => None,
    }
    .unwrap_or(cloud.clock_offset());
    match (endpoint, credentials) {
        (Some(endpoint), Some(credentials)) if !issues.iter().any(|i| !i.warning) => Ok((
            Settings {
                cloud,
                endpoint: endpoint.trim_end_matches('/').to_string(),
                credentials,
                request_timeout,
                max_retries: raw
                    .max_retries
                    .and_then(|r| u32::try_from(r).ok())
                    .unwrap_or(DEFAULT_MAX_RETRIES),
                insecure: raw.insecure.unwrap_or(false),
                ca_certificate: raw.ca_certificate.clone(),
                time_zone,
            },
            issues,
        )),
        _ => Err(issues),
    }
}

/// The credentials of one block: written arguments first, credential by credential,
/// then the block's cloud's own variables, then (when `generic`) `POLYCLOUD_TOKEN`.
fn credentials(
    cloud: CloudKind,
    raw: &RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
    generic: bool,
) -> Result<Credentials, ConfigIssue> {
    let prefix = cloud.env_prefix();
    let own_token = || env(&format!("{prefix}_TOKEN"));
    let generic_token = || generic.then(|| env("POLYCLOUD_TOKEN")).flatten();
    if let Some(token) = &raw.token {
        return Ok(Credentials::Token(token.clone()));
    }
    if cloud == CloudKind::Zomro {
        let username = raw
            .username
            .clone()
            .or_else(|| env("POLYCLOUD_ZOMRO_USERNAME"));
        let password = raw
            .password
            .clone()
            .or_else(|| env("POLYCLOUD_ZOMRO_PASSWORD"));
        let written = raw.username.is_some() || raw.password.is_some();
        match (username, password) {
            (Some(username), Some(password)) if written || own_token().is_none() => {
                return Ok(Credentials::UserPassword { username, password })
            }
            (Some(_), None) if written => {
                return Err(ConfigIssue::new(
                    "password",
                    "Missing password",
                    "Zomro sign-in with `username` also needs `password` (or POLYCLOUD_ZOMRO_PASSWORD).",
                ))
            }
            (None, Some(_)) if written => {
                return Err(ConfigIssue::new(
                    "username",
                    "Missing username",
                    "Zomro sign-in with `password` also needs `username` (or POLYCLOUD_ZOMRO_USERNAME).",
                ))
            }
            _ => {}
        }
    }
    if let Some(token) = own_token().or_else(generic_token) {
        return Ok(Credentials::Token(token));
    }
    let generic_note = format!(
        " POLYCLOUD_TOKEN is used only by a block whose cloud is the one POLYCLOUD_CLOUD names{}.",
        if generic {
            String::new()
        } else {
            format!(" (set POLYCLOUD_CLOUD={} for that)", cloud.name())
        }
    );
    let detail = if cloud == CloudKind::Zomro {
        format!("This provider block (cloud = \"zomro\") has no credential. Set `token`, or `username` and `password`, in the block, or set POLYCLOUD_ZOMRO_TOKEN, or POLYCLOUD_ZOMRO_USERNAME and POLYCLOUD_ZOMRO_PASSWORD.{generic_note}")
    } else {
        format!(
            "This provider block (cloud = \"{}\") has no credential. Set `token` in the block, or set {prefix}_TOKEN.{generic_note}",
            cloud.name()
        )
    };
    Err(ConfigIssue::new("token", "Missing credentials", detail))
}

/// A warning for `http://` to one of the public clouds (a token in clear text on the
/// Internet); loopback addresses (a simulator, a tunnel) are exempt.
fn plain_http_warning(
    cloud: Option<CloudKind>,
    endpoint: &str,
    attribute: &'static str,
) -> Option<ConfigIssue> {
    let url = url::Url::parse(endpoint).ok()?;
    if url.scheme() != "http" || !cloud?.is_public() {
        return None;
    }
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (!loopback).then(|| {
        ConfigIssue::warning(
            attribute,
            "Unencrypted endpoint",
            format!(
                "{} uses http://: the token and every answer travel in clear text. Use https:// (the {} API's default is {}).",
                crate::http::redact_url(endpoint),
                cloud.map(CloudKind::name).unwrap_or_default(),
                cloud.and_then(CloudKind::default_endpoint).unwrap_or_default()
            ),
        )
    })
}

fn unknown_cloud(name: &str) -> ConfigIssue {
    ConfigIssue::new(
        "cloud",
        "Unknown cloud",
        format!(
            "{name:?} is not a cloud this provider knows; use one of: {}.",
            CloudKind::NAMES.join(", ")
        ),
    )
}

fn check_endpoint(endpoint: &str) -> Result<(), String> {
    let url = url::Url::parse(endpoint).map_err(|e| {
        format!("{endpoint:?} is not a URL ({e}); write for example https://api.vscale.io/v1")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{endpoint:?} must use http or https"));
    }
    if url.host_str().is_none() {
        return Err(format!("{endpoint:?} has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn environment_fills_what_is_not_written() {
        let env = |k: &str| match k {
            "POLYCLOUD_CLOUD" => Some("vscale".to_string()),
            "POLYCLOUD_TOKEN" => Some("t0k3n".to_string()),
            _ => None,
        };
        let s = resolve(&RawConfig::default(), &env).unwrap();
        assert_eq!(s.cloud, CloudKind::Vscale);
        assert_eq!(s.endpoint, "https://api.vscale.io/v1");
        assert!(matches!(s.credentials, Credentials::Token(ref t) if t == "t0k3n"));
        assert_eq!(s.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(s.max_retries, 4);
    }

    #[test]
    fn starvcenter_requires_an_endpoint() {
        let raw = RawConfig {
            cloud: Some("starvcenter".into()),
            token: Some("x".into()),
            ..Default::default()
        };
        let issues = resolve(&raw, &no_env).unwrap_err();
        assert_eq!(issues[0].attribute, "endpoint");
    }

    #[test]
    fn bad_values_point_at_their_attribute() {
        let raw = RawConfig {
            cloud: Some("aws".into()),
            request_timeout: Some("soon".into()),
            max_retries: Some(-1),
            ..Default::default()
        };
        let attrs: Vec<_> = validate_written(&raw).iter().map(|i| i.attribute).collect();
        assert_eq!(attrs, vec!["cloud", "request_timeout", "max_retries"]);
    }

    #[test]
    fn zomro_accepts_username_and_password() {
        let raw = RawConfig {
            cloud: Some("zomro".into()),
            username: Some("u".into()),
            password: Some("p".into()),
            ..Default::default()
        };
        let s = resolve(&raw, &no_env).unwrap();
        assert!(matches!(s.credentials, Credentials::UserPassword { .. }));
        let raw = RawConfig {
            cloud: Some("vscale".into()),
            username: Some("u".into()),
            token: Some("t".into()),
            ..Default::default()
        };
        assert_eq!(validate_written(&raw)[0].attribute, "username");
    }

    #[test]
    fn time_zone_is_written_or_per_cloud_env_else_utc() {
        let mut r = raw("zomro");
        r.token = Some("t".into());
        assert_eq!(
            resolve(&r, &no_env).unwrap().time_zone,
            time::UtcOffset::UTC
        );
        let env = env_of(&[
            ("POLYCLOUD_ZOMRO_TIME_ZONE", "+03:00"),
            ("POLYCLOUD_INET_TIME_ZONE", "+07:00"),
        ]);
        let zomro = resolve(&r, &env).unwrap();
        assert_eq!(crate::timefmt::offset_text(zomro.time_zone), "+03:00");
        r.time_zone = Some("-05:30".into());
        let written = resolve(&r, &env).unwrap();
        assert_eq!(crate::timefmt::offset_text(written.time_zone), "-05:30");
        r.time_zone = Some("Europe/Moscow".into());
        let issues = validate_written(&r);
        assert_eq!(issues[0].attribute, "time_zone");
        assert!(
            issues[0].detail.contains("\"+03:00\""),
            "{}",
            issues[0].detail
        );
        assert!(resolve(&r, &env).is_err());
        let mut bad_env = raw("starvcenter");
        bad_env.token = Some("t".into());
        bad_env.endpoint = Some("http://127.0.0.1:1/x".into());
        let env = env_of(&[("POLYCLOUD_STARVCENTER_TIME_ZONE", "CET")]);
        let issues = resolve(&bad_env, &env).unwrap_err();
        assert_eq!(
            (issues[0].attribute, issues[0].summary.as_str()),
            ("time_zone", "Invalid POLYCLOUD_STARVCENTER_TIME_ZONE")
        );
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn raw(cloud: &str) -> RawConfig {
        RawConfig {
            cloud: Some(cloud.into()),
            ..Default::default()
        }
    }

    const VSCALE_CI: &[(&str, &str)] = &[
        ("POLYCLOUD_CLOUD", "vscale"),
        ("POLYCLOUD_TOKEN", "vscale-token"),
        ("POLYCLOUD_ENDPOINT", "http://127.0.0.1:1/vscale/v1"),
    ];

    #[test]
    fn the_generic_token_serves_only_the_block_of_polycloud_cloud() {
        let env = env_of(VSCALE_CI);
        let vscale = resolve(&raw("vscale"), &env).unwrap();
        assert!(matches!(vscale.credentials, Credentials::Token(ref t) if t == "vscale-token"));
        assert_eq!(vscale.endpoint, "http://127.0.0.1:1/vscale/v1");
        for cloud in ["inet", "zomro"] {
            let issues = resolve(&raw(cloud), &env).unwrap_err();
            let issue = issues.iter().find(|i| i.attribute == "token").unwrap();
            let var = format!("POLYCLOUD_{}_TOKEN", cloud.to_ascii_uppercase());
            assert!(issue.detail.contains(&var), "{}", issue.detail);
            assert!(issue.detail.contains("POLYCLOUD_CLOUD"), "{}", issue.detail);
        }
        let mut starvcenter = raw("starvcenter");
        starvcenter.endpoint = Some("https://cloud.example.com/services/cloudresource".into());
        assert!(resolve(&starvcenter, &env).is_err());
    }

    #[test]
    fn each_cloud_reads_its_own_variables() {
        let env = env_of(&[
            ("POLYCLOUD_CLOUD", "vscale"),
            ("POLYCLOUD_TOKEN", "vscale-token"),
            ("POLYCLOUD_INET_TOKEN", "inet-token"),
            (
                "POLYCLOUD_INET_ENDPOINT",
                "http://127.0.0.1:2/inet/api/gateway/v1/",
            ),
            ("POLYCLOUD_STARVCENTER_TOKEN", "svc-token"),
            (
                "POLYCLOUD_STARVCENTER_ENDPOINT",
                "https://svc.example.com/services/cloudresource",
            ),
            ("POLYCLOUD_ZOMRO_USERNAME", "zuser"),
            ("POLYCLOUD_ZOMRO_PASSWORD", "zpass"),
        ]);
        let inet = resolve(&raw("inet"), &env).unwrap();
        assert!(matches!(inet.credentials, Credentials::Token(ref t) if t == "inet-token"));
        assert_eq!(inet.endpoint, "http://127.0.0.1:2/inet/api/gateway/v1");
        let svc = resolve(&raw("starvcenter"), &env).unwrap();
        assert!(matches!(svc.credentials, Credentials::Token(ref t) if t == "svc-token"));
        let zomro = resolve(&raw("zomro"), &env).unwrap();
        assert!(
            matches!(zomro.credentials, Credentials::UserPassword { ref username, ref password } if username == "zuser" && password == "zpass")
        );
        assert_eq!(zomro.endpoint, "https://api.zomro.com/billmgr");
    }

    #[test]
    fn written_arguments_win_credential_by_credential() {
        let env = env_of(&[
            ("POLYCLOUD_CLOUD", "zomro"),
            ("POLYCLOUD_TOKEN", "generic-session"),
            ("POLYCLOUD_ZOMRO_TOKEN", "zomro-session"),
            ("POLYCLOUD_ZOMRO_PASSWORD", "env-pass"),
        ]);
        let mut written = raw("zomro");
        written.username = Some("me".into());
        written.password = Some("written-pass".into());
        let s = resolve(&written, &env).unwrap();
        assert!(
            matches!(s.credentials, Credentials::UserPassword { ref password, .. } if password == "written-pass")
        );
        // Username written, password from the environment.
        written.password = None;
        let s = resolve(&written, &env).unwrap();
        assert!(
            matches!(s.credentials, Credentials::UserPassword { ref password, .. } if password == "env-pass")
        );
        // Nothing written: the cloud's own token before the generic one.
        let s = resolve(&raw("zomro"), &env).unwrap();
        assert!(matches!(s.credentials, Credentials::Token(ref t) if t == "zomro-session"));
        let mut token = raw("zomro");
        token.token = Some("written-session".into());
        let s = resolve(&token, &env).unwrap();
        assert!(matches!(s.credentials, Credentials::Token(ref t) if t == "written-session"));
    }

    #[test]
    fn validate_time_checks_need_no_request() {
        let mut r = raw("vscale");
        r.token = Some("".into());
        r.request_timeout = Some("500ms".into());
        let issues = validate_written(&r);
        let attrs: Vec<_> = issues.iter().map(|i| (i.attribute, i.warning)).collect();
        assert_eq!(attrs, vec![("token", false), ("request_timeout", false)]);
        r.token = Some("t".into());
        r.request_timeout = Some("99999999999999999999h".into());
        assert_eq!(validate_written(&r)[0].attribute, "request_timeout");
        r.request_timeout = None;
        r.endpoint = Some("http://api.vscale.io/v1".into());
        let issues = validate_written(&r);
        assert_eq!(issues.len(), 1);
        assert!(issues[0].warning && issues[0].detail.contains("clear text"));
        // A loopback simulator, or an on-premises StarVCenter, is not warned about.
        r.endpoint = Some("http://127.0.0.1:8080/vscale/v1".into());
        assert!(validate_written(&r).is_empty());
        let mut svc = raw("starvcenter");
        svc.endpoint = Some("http://svc.internal/services/cloudresource".into());
        assert!(validate_written(&svc).is_empty());
        // A warning does not stop the configuration.
        let mut w = raw("inet");
        w.token = Some("t".into());
        w.endpoint = Some("http://developers.inet.vn/api/gateway/v1".into());
        let (_, warnings) = resolve_with_warnings(&w, &no_env).unwrap();
        assert_eq!(warnings.len(), 1);
        r.ca_certificate = Some("not a pem".into());
        assert!(validate_written(&r)
            .iter()
            .any(|i| i.attribute == "ca_certificate"));
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let mut r = raw("zomro");
        r.token = Some("tok-SECRET".into());
        r.password = Some("pw-SECRET".into());
        r.endpoint = Some("https://u:url-SECRET@h/billmgr".into());
        let text = format!(
            "{r:?} {:?} {:?}",
            Credentials::Token("tok-SECRET".into()),
            Credentials::UserPassword {
                username: "u".into(),
                password: "pw-SECRET".into()
            }
        );
        assert!(!text.contains("SECRET"), "{text}");
    }
}
