//! The one HTTP layer every cloud client uses: connection reuse, per-request timeout,
//! bounded retries with exponential backoff and jitter, `Retry-After`, a concurrency
//! limit, a DEBUG span per request and TRACE bodies with every secret masked.
//!
//! Retries follow one rule: a request is repeated only when repeating it cannot do
//! harm. Idempotent requests are retried on connect errors, timeouts, 429, 502/503/504
//! and the cloud's own "busy" answers. A non-idempotent request (a create) is retried
//! only when it certainly was not processed (connect error, 429, "busy"); when its
//! outcome is unknown the error says so ([`HttpError::is_ambiguous`]) and
//! [`crate::cloud::safe_create`] looks the object up before trying again.
//!
//! An operation with a `timeouts` value runs its requests [`within`] its deadline:
//! then busy/locked answers are waited out (with backoff) until the deadline instead of
//! for `max_retries` attempts, and no retry or backoff sleep goes past it.
//!
//! Nothing a server sends can make this layer panic: `Retry-After` is parsed with
//! every form a server may send (seconds, fractions, HTTP dates, garbage, `1e300`)
//! by [`parse_retry_after`]. Credentials never leave their host: a redirect is
//! followed only within the origin the request was sent to (the auth headers of
//! every cloud — `X-Token`, `Authorization`, `KEY_TOKEN`, Zomro's `auth` — would
//! otherwise travel with it), and transport errors are rebuilt with the URL masked
//! (reqwest's own text carries `user:password@`). Every secret-named value sent or
//! received is registered with [`crate::secrets`], so a cloud that echoes it back in
//! a message cannot put it into a log line or a diagnostic.
//!
//! Trust: the bundled WebPKI roots, the system's trust store and the provider's
//! `ca_certificate` PEM; `insecure` switches verification off as the last resort.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use rand::Rng;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::error::CloudError;
pub use crate::error::{HttpError, Response};

/// Longest `Retry-After` honoured; a longer one ends the retries.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// First backoff step between attempts.
pub const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Largest backoff step.
pub const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Pages a paged list may take: a server that keeps answering full pages past this
/// is answered with [`endless_paging`] instead of being read forever.
pub const MAX_PAGES: u32 = 10_000;

/// The error for a list that did not end within [`MAX_PAGES`] pages.
pub fn endless_paging(what: &str, items: usize) -> CloudError {
    CloudError::Protocol(format!(
        "{what} kept answering full pages: stopped after {MAX_PAGES} pages ({items} items)"
    ))
}

/// Requests in flight at once per provider instance: Terraform's default parallelism
/// (10) times the three searches of one StarVCenter VM read (the VM, its NICs, its
/// disks, sent together), with room for the shared polls; below that, reads queue
/// behind each other and a wave of ten reads costs two round trips.
pub const MAX_IN_FLIGHT: usize = 32;

/// Keys whose values are secrets wherever they appear: headers, form fields, JSON keys.
const SECRET_KEYS: [&str; 12] = [
    "x-token",
    "authorization",
    "key_token",
    "cookie",
    "auth",
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "private_key",
    "privatekey",
];

/// Whether a header, form field or JSON key names a secret.
pub fn is_secret_key(key: &str) -> bool {
    // Called for every key of every answer: compares bytes case-insensitively
    // instead of lowercasing (no allocation).
    let key = key.trim();
    let last = key.rsplit('.').next().unwrap_or(key);
    SECRET_KEYS.iter().any(|s| is_or_ends_with_field(last, s))
        || contains_ignore_case(last, "password")
        || contains_ignore_case(last, "private")
        || ends_with_ignore_case(last, "pwd")
        || ends_with_ignore_case(last, "key_token")
        || starts_with_ignore_case(last, "vncpass")
        || ends_with_ignore_case(key, "console.url")
        // StarVCenter's HTTPS private key (`slb.https.cert.key`, StarVCenter API 2.12.7; docs/design/wire.md).
        || ends_with_ignore_case(key, "cert.key")
}

/// `name` is `field` or ends with `_field`, ignoring ASCII case.
fn is_or_ends_with_field(name: &str, field: &str) -> bool {
    ends_with_ignore_case(name, field)
        && (name.len() == field.len() || name.as_bytes()[name.len() - field.len() - 1] == b'_')
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let (t, s) = (text.as_bytes(), suffix.as_bytes());
    t.len() >= s.len() && t[t.len() - s.len()..].eq_ignore_ascii_case(s)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    let (t, p) = (text.as_bytes(), prefix.as_bytes());
    t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p)
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    text.as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

/// Returns a copy of a JSON value with every secret-named field masked.
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) && !v.is_null() {
                        Value::String(crate::secrets::MASK.into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// HTTP methods the clouds use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    /// Whether repeating the request is harmless by HTTP semantics.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// A request body. `Debug` shows it as it is logged: secret-named fields masked.
#[derive(Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// A form whose one field carries base64(UTF-8 JSON) (StarVCenter's `KEY_PARAM`).
    Base64JsonField {
        /// Form field name.
        field: &'static str,
        /// The JSON encoded into it.
        json: Value,
    },
}

impl Body {
    /// The body as it may be logged: secrets masked.
    fn loggable(&self) -> String {
        match self {
            Body::Empty => String::new(),
            Body::Json(v) => redact_json(v).to_string(),
            Body::Form(fields) => fields
                .iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        crate::secrets::MASK
                    } else {
                        v.as_str()
                    };
                    format!("{k}={v}")
                })
                .collect::<Vec<_>>()
                .join("&"),
            Body::Base64JsonField { field, json } => {
                format!("{field}=base64({})", redact_json(json))
            }
        }
    }
}

/// One request to send. `Debug` masks credentials as the logs do.
#[derive(Clone)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Extra headers (authentication included; masked in logs).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Overrides the method's idempotency (e.g. a POST that only reads).
    pub idempotent: bool,
    /// The answer is itself a secret (a console URL, a private key): its body is
    /// never logged, whatever its field names.
    pub secret_answer: bool,
}

impl Request {
    /// A request with the method's own idempotency.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotent: method.is_idempotent(),
            secret_answer: false,
        }
    }

    /// Marks the answer as a secret: its body is left out of the TRACE log.
    pub fn secret_answer(mut self) -> Self {
        self.secret_answer = true;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Marks the request as safe to repeat (reads sent as POST, deletes by id, ...).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({})", self.loggable())
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &loggable_headers(&self.headers))
            .field("body", &self.body)
            .field("idempotent", &self.idempotent)
            .field("secret_answer", &self.secret_answer)
            .finish()
    }
}

impl Response {
    /// The first header with that (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8 text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, CloudError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CloudError::Protocol(format!(
                "the answer (HTTP {}) is not JSON: {e}: {}",
                self.status,
                truncate(&self.text(), 200)
            ))
        })
    }

    /// `Retry-After` as a delay from now ([`parse_retry_after`]).
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|v| parse_retry_after(v, SystemTime::now()))
    }
}

/// Reads a `Retry-After` value (RFC 9110 §10.2.3) received at `now`: delay-seconds
/// (fractions accepted, as some servers send them), or an HTTP date. A delay too long
/// for any clock (`1e300`, `+inf`) saturates to [`Duration::MAX`], which the retry
/// loop treats as "longer than [`MAX_RETRY_AFTER`]"; a date in the past means now.
/// Negative numbers, NaN and anything unreadable give `None` (the caller falls back
/// to its own backoff).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if value.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+') {
        let seconds: f64 = value.parse().ok()?;
        if seconds.is_nan() || seconds < 0.0 {
            return None;
        }
        return Some(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// How a cloud reads an answer: its own "busy, try again" signals on top of HTTP's.
pub trait Classifier: Send + Sync {
    /// `Some(reason)` when the answer means the server is busy or the object locked
    /// and the request was not carried out, so it is safe to repeat it.
    fn busy(&self, response: &Response) -> Option<String>;
}

/// A classifier with no cloud-specific busy answers.
pub struct NoBusyAnswers;

impl Classifier for NoBusyAnswers {
    fn busy(&self, _response: &Response) -> Option<String> {
        None
    }
}

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `work` with every request it sends bound to `deadline`: busy answers are
/// retried until then, and no retry sleeps past it. Nested calls keep the earlier
/// deadline.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    let deadline = current_deadline().map_or(deadline, |d| d.min(deadline));
    DEADLINE.scope(deadline, work).await
}

/// The deadline `timeout` from now (for [`within`]).
pub fn deadline_in(timeout: Duration) -> Instant {
    Instant::now() + timeout
}

/// The deadline of the operation under way, if it has one.
pub fn current_deadline() -> Option<Instant> {
    DEADLINE.try_with(|d| *d).ok()
}

/// Connection settings of one provider instance.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Per attempt.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Skip TLS verification (the last resort; `ca_certificate` is the fix).
    pub insecure: bool,
    /// PEM text of CA certificates trusted besides the bundled and system roots.
    pub ca_certificate: Option<String>,
}

impl HttpSettings {
    /// The HTTP part of a provider configuration.
    pub fn of(settings: &crate::config::Settings) -> Self {
        Self {
            request_timeout: settings.request_timeout,
            max_retries: settings.max_retries,
            insecure: settings.insecure,
            ca_certificate: settings.ca_certificate.clone(),
        }
    }
}

/// The certificates of a PEM text (`ca_certificate`); an error names what is wrong.
pub fn ca_certificates(pem: &str) -> Result<Vec<reqwest::Certificate>, String> {
    let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
        .map_err(|e| format!("ca_certificate is not PEM: {e}"))?;
    if certificates.is_empty() || !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err("ca_certificate holds no certificate: paste the CA's PEM text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----".into());
    }
    // Parsing happens when the client is built: try it now, so a broken block is
    // reported at validate, on the attribute.
    let mut builder = reqwest::Client::builder();
    for certificate in &certificates {
        builder = builder.add_root_certificate(certificate.clone());
    }
    builder
        .build()
        .map_err(|e| format!("ca_certificate cannot be used: {}", error_chain(&e)))?;
    Ok(certificates)
}

/// Follows a redirect only within the origin (scheme, host, port) the request was
/// sent to, at most 5 times; a redirect elsewhere becomes [`HttpError::Redirected`].
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        if first.origin() != attempt.url().origin() {
            let error = CrossOrigin {
                target: redact_url(attempt.url().as_str()),
            };
            return attempt.error(error);
        }
        if attempt.previous().len() > 5 {
            return attempt.error(TooManyRedirects);
        }
        attempt.follow()
    })
}

/// The reqwest error source of a refused cross-origin redirect.
#[derive(Debug)]
struct CrossOrigin {
    target: String,
}

impl std::fmt::Display for CrossOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect to another host: {}", self.target)
    }
}

impl std::error::Error for CrossOrigin {}

#[derive(Debug)]
struct TooManyRedirects;

impl std::fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("more than 5 redirects")
    }
}

impl std::error::Error for TooManyRedirects {}

/// The shared HTTP client of one provider instance.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
    in_flight: Arc<Semaphore>,
    classifier: Arc<dyn Classifier>,
    cloud: &'static str,
}

impl HttpClient {
    /// Builds a client for one cloud.
    pub fn new(
        cloud: &'static str,
        settings: HttpSettings,
        classifier: Arc<dyn Classifier>,
    ) -> Result<Self, CloudError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!(
                "terraform-provider-polycloud/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .danger_accept_invalid_certs(settings.insecure)
            .redirect(redirect_policy())
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60));
        if let Some(pem) = &settings.ca_certificate {
            for certificate in ca_certificates(pem).map_err(CloudError::Protocol)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder.build().map_err(|e| {
            CloudError::Protocol(format!("cannot build the HTTP client: {}", error_chain(&e)))
        })?;
        Ok(Self {
            client,
            settings,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            classifier,
            cloud,
        })
    }

    /// Retries allowed after a first attempt.
    pub fn max_retries(&self) -> u32 {
        self.settings.max_retries
    }

    /// Sends a request, retrying what is safe to retry. Returns the first 2xx..4xx
    /// answer that is not "busy"; 5xx/429 answers that outlast the retries come back as
    /// [`HttpError::Status`].
    pub async fn send(&self, request: &Request) -> Result<Response, HttpError> {
        let mut attempt: u32 = 0;
        loop {
            let outcome = self.send_once(request, attempt).await;
            let retry = match &outcome {
                Ok(response) => self.retry_reason(request, response),
                Err(HttpError::Connect { .. }) => Some(RetryReason::Backoff),
                Err(HttpError::NoAnswer { .. }) if request.idempotent => Some(RetryReason::Backoff),
                Err(_) => None,
            };
            let Some(reason) = retry else {
                return match outcome {
                    Ok(response) if response.status >= 500 || response.status == 429 => {
                        Err(HttpError::Status(response))
                    }
                    other => other,
                };
            };
            if matches!(reason, RetryReason::After(after) if after > MAX_RETRY_AFTER) {
                tracing::warn!(
                    cloud = self.cloud,
                    "{} {} answered with a Retry-After longer than {}: not retrying",
                    method_name(request.method),
                    redact_url(&request.url),
                    crate::duration::display(MAX_RETRY_AFTER)
                );
                return outcome.and_then(|r| Err(HttpError::Status(r)));
            }
            let deadline = current_deadline();
            let delay = match &reason {
                RetryReason::After(after) => *after,
                _ => backoff(attempt),
            };
            // With a deadline, busy answers are waited out until it; nothing sleeps past it.
            let wake = Instant::now().checked_add(delay);
            let busy_with_time = matches!(reason, RetryReason::Busy(_))
                && deadline.is_some_and(|d| wake.is_some_and(|w| w < d));
            let past_deadline = deadline.is_some_and(|d| wake.is_none_or(|w| w >= d));
            if (attempt >= self.settings.max_retries && !busy_with_time) || past_deadline {
                return match (outcome, reason) {
                    (Ok(_), RetryReason::Busy(reason)) => Err(HttpError::Busy {
                        attempts: attempt + 1,
                        reason,
                    }),
                    (Ok(response), _) => Err(HttpError::Status(response)),
                    (Err(e), _) => Err(e),
                };
            }
            tracing::debug!(
                cloud = self.cloud,
                attempt = attempt + 1,
                delay_ms = delay.as_millis() as u64,
                "retrying {} {}",
                method_name(request.method),
                redact_url(&request.url)
            );
            crate::cancel::sleep(delay).await?;
            attempt += 1;
        }
    }

    fn retry_reason(&self, request: &Request, response: &Response) -> Option<RetryReason> {
        if response.status == 429 {
            return Some(match response.retry_after() {
                Some(after) => RetryReason::After(after),
                None => RetryReason::Backoff,
            });
        }
        if matches!(response.status, 500 | 502 | 503 | 504) {
            // A non-idempotent request may have been carried out: the caller decides.
            return request.idempotent.then_some(match response.retry_after() {
                Some(after) => RetryReason::After(after),
                None => RetryReason::Backoff,
            });
        }
        self.classifier.busy(response).map(RetryReason::Busy)
    }

    async fn send_once(&self, request: &Request, attempt: u32) -> Result<Response, HttpError> {
        let _permit = self
            .in_flight
            .acquire()
            .await
            .expect("semaphore never closed");
        let started = Instant::now();
        let mut builder = self
            .client
            .request(request.method.as_reqwest(), &request.url);
        if let Some(deadline) = current_deadline() {
            // No attempt outlives the operation's deadline (by more than a second).
            let left = deadline.saturating_duration_since(Instant::now());
            builder = builder.timeout(
                self.settings
                    .request_timeout
                    .min(left.max(Duration::from_secs(1))),
            );
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(fields) => builder.form(fields),
            Body::Base64JsonField { field, json } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(json.to_string().as_bytes());
                builder.form(&[(*field, encoded)])
            }
        };
        let url = redact_url(&request.url);
        register_request_secrets(request);
        tracing::trace!(
            cloud = self.cloud,
            headers = %loggable_headers(&request.headers),
            body = %request.body.loggable(),
            "request {} {}",
            method_name(request.method),
            url
        );
        let result = builder.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                let error = transport_error(&url, e);
                tracing::debug!(cloud = self.cloud, attempt = attempt + 1, elapsed_ms = started.elapsed().as_millis() as u64, error = %error, "{} {} failed", method_name(request.method), url);
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&url, e))?;
        let response = Response {
            status,
            headers,
            body,
        };
        tracing::debug!(
            cloud = self.cloud,
            status,
            attempt = attempt + 1,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "{} {}",
            method_name(request.method),
            url
        );
        if !request.secret_answer {
            register_response_secrets(&response);
        }
        if tracing::enabled!(tracing::Level::TRACE) {
            let body = if request.secret_answer {
                format!(
                    "(withheld: the answer is a secret, {} bytes)",
                    response.body.len()
                )
            } else {
                loggable_response_body(&response)
            };
            tracing::trace!(cloud = self.cloud, body = %body, "response {status} {url}");
        }
        Ok(response)
    }
}

enum RetryReason {
    Backoff,
    After(Duration),
    Busy(String),
}

/// Exponential backoff with jitter for retry number `attempt` (0-based).
pub fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(10));
    let capped = exp.min(BACKOFF_CAP);
    let jitter = rand::thread_rng().gen_range(0.5..=1.0);
    capped.mul_f64(jitter)
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    }
}

/// An error and its sources, one text, with every URL's credentials and every
/// registered secret masked (reqwest prints the URL it was given, `user:pw@` and all).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.ends_with(&text) {
            message = format!("{message}: {text}");
        }
        source = s.source();
    }
    crate::secrets::redact(&redact_urls_in(&message))
}

/// Masks the userinfo password and secret query parameters of every URL in a text.
pub fn redact_urls_in(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || "()<>\"'".contains(c))
        .map(|piece| {
            let end = piece
                .find(|c: char| c.is_whitespace() || "()<>\"'".contains(c))
                .unwrap_or(piece.len());
            let (word, tail) = piece.split_at(end);
            if word.contains("://") {
                format!("{}{tail}", redact_url(word))
            } else {
                piece.to_string()
            }
        })
        .collect()
}

fn transport_error(url: &str, error: reqwest::Error) -> HttpError {
    if error.is_redirect() {
        let source = std::error::Error::source(&error);
        let target = error
            .url()
            .map(|u| redact_url(u.as_str()))
            .unwrap_or_default();
        if let Some(cross) = source.and_then(|s| s.downcast_ref::<CrossOrigin>()) {
            return HttpError::Redirected {
                url: url.into(),
                target: cross.target.clone(),
            };
        }
        return HttpError::NoAnswer {
            url: url.into(),
            message: format!("redirect to {target} refused: more than 5 redirects"),
        };
    }
    let connect = error.is_connect();
    // The URL is already in our own message, masked.
    let message = error_chain(&error.without_url());
    if connect {
        HttpError::Connect {
            url: url.into(),
            message,
        }
    } else {
        HttpError::NoAnswer {
            url: url.into(),
            message,
        }
    }
}

/// The URL with secret-named query parameters masked.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return crate::secrets::redact(url);
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(crate::secrets::MASK));
    }
    if parsed.query().is_none() {
        return parsed.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if is_secret_key(&k) {
                crate::secrets::MASK.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// Registers every secret-named value a request carries (headers, form fields, JSON
/// keys at any depth), so an echo of it in an answer is masked too.
fn register_request_secrets(request: &Request) {
    for (name, value) in &request.headers {
        if is_secret_key(name) {
            crate::secrets::register(value);
            // `Bearer <token>`: the token alone may be echoed.
            if let Some((_, token)) = value.split_once(' ') {
                crate::secrets::register(token);
            }
        }
    }
    if let Ok(url) = url::Url::parse(&request.url) {
        if let Some(password) = url.password() {
            crate::secrets::register(password);
        }
        for (k, v) in url.query_pairs() {
            if is_secret_key(&k) {
                crate::secrets::register(&v);
            }
        }
    }
    match &request.body {
        Body::Empty => {}
        Body::Json(json) | Body::Base64JsonField { json, .. } => register_json_secrets(json),
        Body::Form(fields) => {
            for (k, v) in fields {
                if is_secret_key(k) {
                    crate::secrets::register(v);
                }
            }
        }
    }
}

/// Registers the string values of secret-named keys of a JSON value, at any depth.
pub fn register_json_secrets(value: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(text) if is_secret_key(k) => crate::secrets::register(text),
                    other => register_json_secrets(other),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(register_json_secrets),
        _ => {}
    }
}

fn loggable_headers(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) {
                crate::secrets::MASK
            } else {
                v.as_str()
            };
            format!("{k}: {v}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The JSON of an answer: plain, or inside base64 (StarVCenter).
fn response_json(response: &Response) -> Option<(Value, bool)> {
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(v) => Some((v, false)),
        Err(_) => base64_json(&response.text()).map(|v| (v, true)),
    }
}

/// Registers the secret-named values of an answer (session ids, passwords): plain
/// JSON, or JSON inside base64 (StarVCenter), walked as a stream.
fn register_response_secrets(response: &Response) {
    let mut register = |text: &str| crate::secrets::register(text);
    if crate::secret_scan::secrets_in_json(&response.body, &mut register).is_ok() {
        return;
    }
    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(response.text().trim()) {
        let _ = crate::secret_scan::secrets_in_json(&bytes, &mut register);
    }
}

fn loggable_response_body(response: &Response) -> String {
    match response_json(response) {
        Some((v, false)) => truncate(&redact_json(&v).to_string(), 4000),
        // Encoded bodies (StarVCenter) are logged decoded, so their secrets are masked.
        Some((v, true)) => truncate(&format!("base64({})", redact_json(&v)), 4000),
        None => truncate(&response.text(), 4000),
    }
}

/// The JSON inside a base64 text, if it is one.
fn base64_json(text: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `is_secret_key` must keep: lowercase, then compare.
    fn is_secret_key_by_lowercasing(key: &str) -> bool {
        let key = key.trim().to_ascii_lowercase();
        let last = key.rsplit('.').next().unwrap_or(&key);
        SECRET_KEYS
            .iter()
            .any(|s| last == *s || last.ends_with(&format!("_{s}")))
            || last.contains("password")
            || last.contains("private")
            || last.ends_with("pwd")
            || last.ends_with("key_token")
            || last.starts_with("vncpass")
            || key.ends_with("console.url")
            || key.ends_with("cert.key")
    }

    #[test]
    fn secret_keys_are_recognised_without_allocating_as_by_lowercasing() {
        let pieces = [
            "", "vm", "Token", "x-TOKEN", "auth", "AUTHOR", "pwd", "Passw", "ord", "privATE",
            "key", "cert", "console", "url", "vncPass", "name", "é", "_", ".", " ", "secret",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for sep in ["", "_", "."] {
                        let key = format!("{a}{sep}{b}{sep}{c}");
                        assert_eq!(
                            is_secret_key(&key),
                            is_secret_key_by_lowercasing(&key),
                            "{key:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 27_000);
    }

    #[test]
    fn secret_keys_are_recognised() {
        for key in [
            "X-Token",
            "Authorization",
            "KEY_TOKEN",
            "auth",
            "password",
            "vm.account.pwd",
            "https_private_key",
            "new_password",
            "vm.console.url",
            "vm.vncpasswd",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["name", "rplan", "keys", "public_key", "func"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn secrets_in_answers_are_registered_plain_or_in_base64() {
        let plain = r#"{"data": [{"id": 1, "password": "answer-pw-Q7f3k"}]}"#;
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(r#"{"data": {"vm.pwd": "x", "auth": "answer-session-Z9d2"}}"#);
        for body in [plain.to_string(), encoded] {
            let response = Response {
                status: 200,
                headers: Vec::new(),
                body: body.into_bytes().into(),
            };
            register_response_secrets(&response);
        }
        let shown = crate::secrets::redact("got answer-pw-Q7f3k and answer-session-Z9d2");
        assert!(!shown.contains("answer-pw-Q7f3k"), "{shown}");
        assert!(!shown.contains("answer-session-Z9d2"), "{shown}");
    }

    #[test]
    fn json_bodies_are_masked_deeply() {
        let v = serde_json::json!({"name": "a", "password": "hunter22", "vm": {"account.pwd": "x1", "list": [{"token": "t"}]}});
        let r = redact_json(&v).to_string();
        assert!(
            !r.contains("hunter22") && !r.contains("x1") && !r.contains("\"t\""),
            "{r}"
        );
        assert!(r.contains("\"a\""));
    }

    #[test]
    fn url_queries_are_masked() {
        let u = redact_url("http://h/billmgr?func=instances&auth=abc123&out=json");
        assert!(
            u.contains("auth=***") || u.contains("auth=%2A%2A%2A"),
            "{u}"
        );
        assert!(!u.contains("abc123"));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0) <= BACKOFF_BASE);
        assert!(backoff(3) >= BACKOFF_BASE * 4);
        assert!(backoff(30) <= BACKOFF_CAP);
    }

    #[test]
    fn retry_after_accepts_what_servers_send_and_never_panics() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let parse = |v: &str| parse_retry_after(v, now);
        assert_eq!(parse("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse("1e300"), Some(Duration::MAX));
        assert_eq!(parse("18446744073709551616"), Some(Duration::MAX));
        for bad in [
            "-1", "-0.5", "NaN", "nan", "inf", "-inf", "", "soon", "1s", "0x10",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse(&later), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse(&earlier), Some(Duration::ZERO));
    }

    #[test]
    fn url_credentials_are_masked_wherever_a_url_is_printed() {
        let url = "https://admin:hunter2@svc.example.com/services/cloudresource?KEY_TOKEN=abc&x=1";
        let masked = redact_url(url);
        assert!(
            !masked.contains("hunter2") && !masked.contains("abc"),
            "{masked}"
        );
        assert!(masked.contains("admin:"), "{masked}");
        let text = format!("error sending request for url ({url}): connection refused");
        let masked = redact_urls_in(&text);
        assert!(!masked.contains("hunter2"), "{masked}");
        assert!(masked.ends_with("): connection refused"), "{masked}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn retry_after_never_panics(value in "\\PC{0,40}", secs in any::<f64>()) {
                let now = SystemTime::now();
                let _ = parse_retry_after(&value, now);
                let _ = parse_retry_after(&secs.to_string(), now);
                let _ = parse_retry_after(&format!("{secs:e}"), now);
            }

            #[test]
            fn retry_after_dates_never_panic(secs in any::<u32>(), offset in any::<i64>()) {
                let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs.into()));
                let now = SystemTime::UNIX_EPOCH
                    .checked_add(Duration::from_secs(offset.unsigned_abs() % (1 << 40)))
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                let _ = parse_retry_after(&date, now);
            }

            #[test]
            fn url_and_body_masking_never_panics(url in "\\PC{0,80}", json in arbitrary::json()) {
                let _ = redact_url(&url);
                let _ = redact_urls_in(&url);
                let _ = redact_url(&format!("https://{url}"));
                let _ = redact_json(&json);
                register_json_secrets(&json);
                let response = Response { status: 200, headers: Vec::new(), body: json.to_string().into_bytes().into() };
                let _ = loggable_response_body(&response);
            }
        }
    }
}

/// Strategies for the property tests of the decoders: arbitrary JSON whose leaves are
/// the values a hostile server sends (huge, negative, fractional, wrong types).
#[cfg(test)]
pub(crate) mod arbitrary {
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// A hostile leaf.
    pub fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            prop::sample::select(vec![1e308, -1e308, 1.5, -0.5, 9.3e18, -9.3e18])
                .prop_map(|f| json!(f)),
            "\\PC{0,24}".prop_map(Value::String),
            prop::sample::select(vec![
                "",
                "0",
                "-1",
                "1e400",
                "NaN",
                "99999999999999999999",
                "2024-13-45 99:99:99",
                "31/12/9999 23:59",
                "1",
                "true",
                "vpc-default"
            ])
            .prop_map(|s| json!(s)),
        ]
    }

    /// Arbitrary JSON up to a few levels deep, keys drawn from the clouds' own names
    /// so that typed decoders see their fields with the wrong values.
    pub fn json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            prop::sample::select(KEYS.to_vec()).prop_map(String::from),
            "\\PC{0,8}",
        ];
        leaf().prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Field names of the four clouds' answers.
    pub const KEYS: [&str; 48] = [
        "$",
        "$name",
        "$id",
        "$type",
        "msg",
        "doc",
        "error",
        "elem",
        "id",
        "name",
        "auth",
        "success",
        "data",
        "meta",
        "message",
        "content",
        "totalPages",
        "number",
        "dataExtend",
        "cpu",
        "ram",
        "disk",
        "result",
        "resultinfo",
        "startid",
        "dataCount",
        "vm.id",
        "vm.state",
        "vm.vcpu.num",
        "vm.memory.mem",
        "task.result",
        "task.startid",
        "ctid",
        "status",
        "locked",
        "done",
        "keys",
        "rplan",
        "created",
        "createdDate",
        "size",
        "instance_status",
        "pricelist",
        "datacenter",
        "OS-EXT-STS:power_state",
        "addresses",
        "privateKey",
        "url",
    ];
}
