//! The one waiter for all asynchronous remote work.
//!
//! A cloud client describes one poll (what it saw); the waiter repeats it with backoff
//! (0.5 s growing to a 10 s cap, so a 30-minute wait costs tens of requests), logs
//! progress at INFO, and ends on success, on the cloud's own failure message, or when
//! the user's `timeouts` value runs out, with a message naming the task.
//!
//! A poll that fails transiently (no answer, 5xx, busy; [`CloudError::is_transient`])
//! does not end the wait: it is logged, counted as the last status and polled again,
//! so one hiccup of the cloud never taints a resource. Every request of a
//! poll runs within the wait's deadline ([`crate::http::within`]).

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::CloudError;

/// First pause between polls.
pub const FIRST_DELAY: Duration = Duration::from_millis(500);
/// Largest pause between polls.
pub const MAX_DELAY: Duration = Duration::from_secs(10);
/// Growth of the pause per poll.
pub const GROWTH: f64 = 1.5;
/// How long a wait whose polls are shared ([`Schedule::Shared`]) keeps the first pause
/// before it grows.
pub const SHARED_STEADY: Duration = Duration::from_secs(5);

/// When a wait polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Its own poll each time: 0.5 s growing 1.5× per poll to the 10 s cap.
    Own,
    /// Its polls join the rounds of a [`crate::cloud::poller::SharedPoller`], which
    /// cost one request per round whatever the number of waits: 0.5 s steady for the
    /// first [`SHARED_STEADY`] (so short work is seen done within half a second), then
    /// growing as [`Schedule::Own`].
    Shared,
}

impl Schedule {
    /// How long to sleep before the next poll, `since` the last one began. Shared
    /// polls keep their cadence (a round may take a moment to join); own polls pause
    /// the whole delay after each answer.
    fn sleep(self, delay: Duration, since: Duration) -> Duration {
        match self {
            Schedule::Shared => delay.saturating_sub(since),
            Schedule::Own => delay,
        }
    }

    /// The pause after `delay` once `elapsed` has passed since the wait began.
    fn next(self, delay: Duration, elapsed: Duration) -> Duration {
        match self {
            Schedule::Shared if elapsed < SHARED_STEADY => FIRST_DELAY,
            _ => delay.mul_f64(GROWTH).min(MAX_DELAY),
        }
    }
}

/// What one poll saw.
#[derive(Debug)]
pub enum Poll<T> {
    /// The work is finished and succeeded.
    Done(T),
    /// Not yet; the text says the current status (for progress logs and timeouts).
    Pending(String),
    /// The work finished and failed; the text is the cloud's own message.
    Failed(String),
}

/// Polls until the work is terminal or `timeout` passes. `what` names the task in
/// logs and errors, e.g. `task 3a44… (scalet_create) of scalet 12600`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, poll: F) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, CloudError>>,
{
    wait_with(Schedule::Own, what, timeout, poll).await
}

/// [`wait_for`] on `schedule`.
pub async fn wait_with<T, F, Fut>(
    schedule: Schedule,
    what: &str,
    timeout: Duration,
    mut poll: F,
) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, CloudError>>,
{
    let started = Instant::now();
    let mut delay = FIRST_DELAY;
    let mut last_status = String::from("not polled yet");
    let mut polls = 0u32;
    let mut last_poll = started;
    loop {
        let remaining = timeout.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(timed_out(what, timeout, &last_status));
        }
        let pause = schedule.sleep(delay, last_poll.elapsed());
        if crate::cancel::sleep(pause.min(remaining)).await.is_err() {
            return Err(CloudError::Cancelled {
                task: what.to_string(),
                last_status,
            });
        }
        polls += 1;
        last_poll = Instant::now();
        let seen = crate::http::within(started + timeout, poll()).await;
        let seen = match seen {
            Ok(seen) => seen,
            Err(e) if e.is_transient() => {
                let text = crate::secrets::redact(&e.to_string());
                tracing::info!(
                    polls,
                    "waiting for {what}: poll failed ({text}); polling again"
                );
                last_status = format!("the last poll failed: {text}");
                delay = schedule.next(delay, started.elapsed());
                continue;
            }
            Err(CloudError::Http(crate::http::HttpError::Cancelled(_))) => {
                return Err(CloudError::Cancelled {
                    task: what.to_string(),
                    last_status,
                })
            }
            Err(e) => return Err(e),
        };
        match seen {
            Poll::Done(value) => {
                tracing::info!(
                    polls,
                    "{what}: done after {}",
                    crate::duration::display(started.elapsed())
                );
                return Ok(value);
            }
            Poll::Failed(message) => {
                return Err(CloudError::TaskFailed {
                    task: what.to_string(),
                    message,
                })
            }
            Poll::Pending(status) => {
                tracing::info!(
                    polls,
                    "waiting for {what}: {status} ({} elapsed, timeout {})",
                    crate::duration::display(started.elapsed()),
                    crate::duration::display(timeout)
                );
                last_status = status;
            }
        }
        delay = schedule.next(delay, started.elapsed());
    }
}

fn timed_out(what: &str, timeout: Duration, last_status: &str) -> CloudError {
    CloudError::Timeout {
        task: what.to_string(),
        timeout,
        last_status: last_status.to_string(),
    }
}

/// How many polls a wait of `total` costs at most (for documentation and tests).
pub fn polls_within(total: Duration) -> u32 {
    let mut elapsed = Duration::ZERO;
    let mut delay = FIRST_DELAY;
    let mut polls = 0;
    while elapsed + delay <= total {
        elapsed += delay;
        polls += 1;
        delay = delay.mul_f64(GROWTH).min(MAX_DELAY);
    }
    polls
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn shared_waits_keep_the_first_pause_for_a_while_then_grow() {
        let s = Schedule::Shared;
        assert_eq!(s.next(FIRST_DELAY, Duration::from_secs(2)), FIRST_DELAY);
        assert_eq!(
            s.next(FIRST_DELAY, Duration::from_secs(6)),
            FIRST_DELAY.mul_f64(GROWTH)
        );
        assert_eq!(s.next(MAX_DELAY, Duration::from_secs(600)), MAX_DELAY);
        assert_eq!(
            Schedule::Own.next(FIRST_DELAY, Duration::ZERO),
            FIRST_DELAY.mul_f64(GROWTH)
        );
    }

    #[test]
    fn thirty_minutes_cost_tens_of_polls() {
        let polls = polls_within(Duration::from_secs(1800));
        assert!((150..=200).contains(&polls), "{polls}");
        assert!(polls_within(Duration::from_secs(60)) < 20);
    }

    #[tokio::test(start_paused = true)]
    async fn ends_on_done_failure_or_timeout() {
        let count = AtomicU32::new(0);
        let done = wait_for("task t1", Duration::from_secs(60), || async {
            let n = count.fetch_add(1, Ordering::SeqCst);
            Ok(if n < 2 {
                Poll::Pending("running".into())
            } else {
                Poll::Done(n)
            })
        })
        .await
        .unwrap();
        assert_eq!(done, 2);

        let failed = wait_for::<(), _, _>("task t2", Duration::from_secs(60), || async {
            Ok(Poll::Failed("disk full".into()))
        })
        .await
        .unwrap_err();
        assert!(failed.to_string().contains("disk full") && failed.to_string().contains("task t2"));

        let flaky = AtomicU32::new(0);
        let done = wait_for("task t4", Duration::from_secs(60), || async {
            match flaky.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err(CloudError::Api {
                    status: 503,
                    message: "gateway".into(),
                }),
                _ => Ok(Poll::Done("ok")),
            }
        })
        .await
        .unwrap();
        assert_eq!(done, "ok");
        let fatal = wait_for::<(), _, _>("task t5", Duration::from_secs(60), || async {
            Err(CloudError::Auth("token".into()))
        })
        .await
        .unwrap_err();
        assert!(matches!(fatal, CloudError::Auth(_)));

        let timeout = wait_for::<(), _, _>("task t3", Duration::from_secs(5), || async {
            Ok(Poll::Pending("queued".into()))
        })
        .await
        .unwrap_err();
        let text = timeout.to_string();
        assert!(
            text.contains("task t3") && text.contains("5s") && text.contains("queued"),
            "{text}"
        );
    }
}
