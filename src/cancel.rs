//! One process-wide cancellation: Terraform's StopProvider (its Ctrl-C) and a SIGINT
//! delivered to the plugin's process group end every wait, back-off sleep and retry
//! within moments, while the plugin keeps serving.
//!
//! Each request runs in a [`scope`] that captures the stop token current when it
//! started; [`stop`] cancels that token and installs a fresh one, so requests Terraform
//! sends after a stop (the closing reads, the state it saves) run normally.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

static CURRENT: Mutex<Option<CancellationToken>> = Mutex::new(None);

tokio::task_local! {
    static SCOPE: CancellationToken;
}

fn current() -> CancellationToken {
    CURRENT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(CancellationToken::new)
        .clone()
}

/// Cancels all work in flight; later work gets a fresh token.
pub fn stop() {
    let mut guard = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(token) = guard.take() {
        token.cancel();
    }
    *guard = Some(CancellationToken::new());
    tracing::info!("stop requested: cancelling every wait in flight");
}

/// Runs one request under the stop token current now.
pub async fn scope<F: Future>(work: F) -> F::Output {
    SCOPE.scope(current(), work).await
}

/// The token the current request observes (outside any request, one nothing cancels).
pub fn token() -> CancellationToken {
    SCOPE
        .try_with(Clone::clone)
        .unwrap_or_else(|_| CancellationToken::new())
}

/// Whether the current request was cancelled.
pub fn is_cancelled() -> bool {
    token().is_cancelled()
}

/// The work was cancelled by a stop request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled: Terraform asked the provider to stop (Ctrl-C)")]
pub struct Cancelled;

/// Sleeps for `delay`, or until the current request is cancelled.
pub async fn sleep(delay: Duration) -> Result<(), Cancelled> {
    let token = token();
    tokio::select! {
        _ = token.cancelled() => Err(Cancelled),
        _ = tokio::time::sleep(delay) => Ok(()),
    }
}

/// Runs `work`, or gives up when the current request is cancelled.
pub async fn or_cancelled<F: Future>(work: F) -> Result<F::Output, Cancelled> {
    let token = token();
    tokio::select! {
        _ = token.cancelled() => Err(Cancelled),
        out = work => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stop_ends_sleeps_of_requests_in_flight_but_not_of_later_ones() {
        let before = tokio::spawn(scope(sleep(Duration::from_secs(30))));
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop();
        let ended = tokio::time::timeout(Duration::from_secs(2), before)
            .await
            .expect("the wait ends within 2 s")
            .unwrap();
        assert_eq!(ended, Err(Cancelled));
        let after = scope(sleep(Duration::from_millis(10))).await;
        assert_eq!(after, Ok(()));
    }
}
