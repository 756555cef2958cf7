//! The provider configuration (SPEC §2): parsing, environment fallbacks and validation.
//! Everything here is pure, so bad input is reported before any API call.

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

/// How the provider authenticates.
#[derive(Clone, Debug)]
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

/// The provider configuration as written, before environment fallbacks.
/// `None` means not set; unknown values are filtered out by the caller.
#[derive(Clone, Debug, Default)]
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
}

impl ConfigIssue {
    fn new(attribute: &'static str, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            attribute,
            summary: summary.into(),
            detail: detail.into(),
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
}

/// Default `request_timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default `max_retries`.
pub const DEFAULT_MAX_RETRIES: u32 = 4;
/// Largest accepted `max_retries`.
pub const MAX_MAX_RETRIES: i64 = 20;

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
        if let Err(detail) = check_endpoint(endpoint) {
            issues.push(ConfigIssue::new("endpoint", "Invalid endpoint", detail));
        }
    }
    if let Some(timeout) = &raw.request_timeout {
        match crate::duration::parse(timeout) {
            Ok(d) if d.is_zero() => issues.push(ConfigIssue::new(
                "request_timeout",
                "Invalid request_timeout",
                "request_timeout must be greater than zero, for example \"30s\"",
            )),
            Ok(_) => {}
            Err(detail) => issues.push(ConfigIssue::new(
                "request_timeout",
                "Invalid request_timeout",
                detail,
            )),
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

/// Resolves the configuration with environment fallbacks (`POLYCLOUD_*`) and checks
/// that everything required is there.
pub fn resolve(
    raw: &RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = validate_written(raw);
    let pick = |written: &Option<String>, var: &str| {
        written
            .clone()
            .or_else(|| env(var).filter(|v| !v.trim().is_empty()))
    };
    let cloud_name = pick(&raw.cloud, "POLYCLOUD_CLOUD");
    let cloud = match cloud_name.as_deref() {
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
    let endpoint = pick(&raw.endpoint, "POLYCLOUD_ENDPOINT")
        .or_else(|| cloud.and_then(|c| c.default_endpoint()).map(String::from));
    if raw.endpoint.is_none() {
        match (&endpoint, cloud) {
            (None, Some(CloudKind::StarVCenter)) => issues.push(ConfigIssue::new(
                "endpoint",
                "Missing endpoint",
                "StarVCenter runs on premises and has no public endpoint: set `endpoint` (or POLYCLOUD_ENDPOINT) to your installation's base URL, e.g. https://cloud.example.com/services/cloudresource",
            )),
            (Some(e), _) => {
                if let Err(detail) = check_endpoint(e) {
                    issues.push(ConfigIssue::new("endpoint", "Invalid POLYCLOUD_ENDPOINT", detail));
                }
            }
            _ => {}
        }
    }
    let token = pick(&raw.token, "POLYCLOUD_TOKEN");
    let credentials = match (cloud, token, &raw.username, &raw.password) {
        (Some(CloudKind::Zomro), None, Some(user), Some(pass)) => Some(Credentials::UserPassword {
            username: user.clone(),
            password: pass.clone(),
        }),
        (Some(CloudKind::Zomro), None, Some(_), None) => {
            issues.push(ConfigIssue::new(
                "password",
                "Missing password",
                "Zomro sign-in with `username` also needs `password`.",
            ));
            None
        }
        (Some(CloudKind::Zomro), None, None, Some(_)) => {
            issues.push(ConfigIssue::new(
                "username",
                "Missing username",
                "Zomro sign-in with `password` also needs `username`.",
            ));
            None
        }
        (_, Some(token), _, _) => Some(Credentials::Token(token)),
        (Some(kind), None, _, _) => {
            let alternative = if kind == CloudKind::Zomro {
                ", or `username` and `password`"
            } else {
                ""
            };
            issues.push(ConfigIssue::new(
                "token",
                "Missing token",
                format!(
                    "Set `token` (or POLYCLOUD_TOKEN){alternative} for the {} cloud.",
                    kind.name()
                ),
            ));
            None
        }
        (None, None, _, _) => None,
    };
    let request_timeout = raw
        .request_timeout
        .as_deref()
        .and_then(|t| crate::duration::parse(t).ok())
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT);
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(Settings {
        cloud: cloud.expect("checked above"),
        endpoint: endpoint
            .expect("checked above")
            .trim_end_matches('/')
            .to_string(),
        credentials: credentials.expect("checked above"),
        request_timeout,
        max_retries: raw
            .max_retries
            .map(|r| r as u32)
            .unwrap_or(DEFAULT_MAX_RETRIES),
        insecure: raw.insecure.unwrap_or(false),
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
}
