//! The errors of talking to a cloud, below every layer that produces them: the HTTP
//! layer ([`crate::http`]), the waiter ([`crate::waiter`]) and the clouds
//! ([`crate::cloud`]) all use these types, and none of them is imported by this module.
//! [`crate::http`] re-exports [`HttpError`] and [`Response`]; [`crate::cloud`]
//! re-exports [`CloudError`] and [`CreateError`].

use std::time::Duration;

/// Everything that can go wrong talking to a cloud.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// Transport failure or an HTTP status without the cloud's own message.
    #[error("{0}")]
    Http(#[from] HttpError),
    /// The cloud refused, with its own message.
    #[error("{message} (HTTP {status})")]
    Api {
        /// HTTP status (200 for clouds that report errors in the body).
        status: u16,
        /// The cloud's message.
        message: String,
    },
    /// The credentials were refused.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The object does not exist (any more).
    #[error("not found: {0}")]
    NotFound(String),
    /// The configured cloud cannot do this; the text says what to do instead.
    #[error("{0}")]
    Unsupported(String),
    /// Remote work finished and failed.
    #[error("{task} failed: {message}")]
    TaskFailed {
        /// What was waited on.
        task: String,
        /// The cloud's message.
        message: String,
    },
    /// The `timeouts` value ran out.
    #[error("timed out after {} waiting for {task} (last status: {last_status}); raise the `timeouts` value if the cloud is just slow", crate::duration::display(*.timeout))]
    Timeout {
        /// What was waited on.
        task: String,
        /// The limit that ran out.
        timeout: Duration,
        /// Last status seen.
        last_status: String,
    },
    /// The answer did not have the documented shape.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// A create whose outcome could not be settled; the text names the
    /// possible object and what to check.
    #[error("{0}")]
    Unsettled(String),
    /// Terraform asked the provider to stop (Ctrl-C) during the wait.
    #[error("cancelled while waiting for {task} (last status: {last_status}): Terraform asked the provider to stop; the remote work may still be running")]
    Cancelled {
        /// What was waited on.
        task: String,
        /// Last status seen.
        last_status: String,
    },
}

impl CloudError {
    /// Whether this error means the object is gone (the only error that may drop a
    /// resource from state).
    pub fn is_not_found(&self) -> bool {
        matches!(self, CloudError::NotFound(_))
    }

    /// Whether the remote work had started when this error came: the wait for it
    /// failed or timed out, or the request's answer was lost. An operation that must
    /// not be repeated silently (a restore) is then kept in state, tainted.
    pub fn work_started(&self) -> bool {
        match self {
            CloudError::Timeout { .. }
            | CloudError::TaskFailed { .. }
            | CloudError::Cancelled { .. } => true,
            CloudError::Http(e) => e.is_ambiguous(),
            _ => false,
        }
    }

    /// Whether asking again later may well succeed: no answer, a 5xx or 429, a busy
    /// answer that outlasted the retries, an answer that could not be read. Waits
    /// ride these out instead of failing.
    pub fn is_transient(&self) -> bool {
        match self {
            CloudError::Http(HttpError::Cancelled(_)) => false,
            CloudError::Http(_) | CloudError::Protocol(_) => true,
            CloudError::Api { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// A create that failed. When the object was made remotely but the wait for it
/// failed, `id` is set so the resource is kept in state (tainted), never lost.
#[derive(Debug)]
pub struct CreateError {
    /// The id of the object that exists remotely, if any.
    pub id: Option<String>,
    /// What went wrong.
    pub error: CloudError,
}

impl From<CloudError> for CreateError {
    fn from(error: CloudError) -> Self {
        Self { id: None, error }
    }
}

impl From<HttpError> for CreateError {
    fn from(error: HttpError) -> Self {
        Self {
            id: None,
            error: error.into(),
        }
    }
}

/// An answer received from the server.
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: bytes::Bytes,
}

/// Why a request did not produce an answer worth returning.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Could not connect: the request was never sent.
    #[error("cannot reach {url}: {message}")]
    Connect {
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// Sent, but no complete answer (timeout, connection dropped): outcome unknown.
    #[error("no answer from {url}: {message}")]
    NoAnswer {
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// An answer that retries did not make acceptable (after the last attempt, or
    /// an ambiguous one for a non-idempotent request).
    #[error("HTTP {}", .0.status)]
    Status(Response),
    /// The server kept answering busy/locked until retries ran out.
    #[error("still busy after {attempts} attempts: {reason}")]
    Busy {
        /// Attempts made.
        attempts: u32,
        /// The cloud's message.
        reason: String,
    },
    /// Terraform asked the provider to stop (Ctrl-C) while this request waited to retry.
    #[error("{0}")]
    Cancelled(#[from] crate::cancel::Cancelled),
    /// The server redirected to another origin; the request (and its credentials)
    /// was not sent there.
    #[error("{url} redirected to {target}, another host: the request was not sent there, since it carries credentials. If the API has moved, set `endpoint` to its new address")]
    Redirected {
        /// Where the request was sent (masked).
        url: String,
        /// Where the server wanted it to go (masked).
        target: String,
    },
}

impl HttpError {
    /// Whether the server may have carried out the request although no good answer
    /// came back (a create must be looked up before it is repeated).
    pub fn is_ambiguous(&self) -> bool {
        match self {
            HttpError::NoAnswer { .. } => true,
            HttpError::Status(r) => matches!(r.status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }
}
