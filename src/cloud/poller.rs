//! Shared pollers: every wait of one cloud in the process shares one poll per tick.
//!
//! Without sharing, 50 creates waiting together poll 50 times per tick. A
//! [`SharedPoller`] gathers the keys of the waits that want a poll into a *round*;
//! one round polls every key it gathered with one fetch (the cloud's part: "poll all
//! pending keys → status per key", e.g. one `GET /tasks`), and every wait in it gets
//! its key's status from that answer. Rounds start at least [`TICK`] apart, so the
//! request rate is bounded by the tick, not by the number of waits; a wait's own
//! schedule ([`crate::waiter::Schedule::Shared`]) decides when it wants a poll.
//!
//! The round is led by the wait that opened it: it sleeps until the round's start,
//! fetches and publishes. If the leader goes away first (Ctrl-C, its own timeout), the
//! round is published as a transient failure, which the others' waiters ride out.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::cloud::CloudError;
use crate::http::HttpError;

/// The shortest time between two rounds of one poller.
pub const TICK: Duration = Duration::from_millis(500);
/// How long a round gathers keys before it polls, so that waits wanting a poll at
/// about the same moment (a wave of creates started together) share it.
pub const GATHER: Duration = Duration::from_millis(50);

/// What a round answered: every key's status, or the failure shared by all.
type Outcome<K, V> = Result<Arc<HashMap<K, V>>, SharedFailure>;

/// A failed round as every wait in it sees it (a [`CloudError`] is not `Clone`).
#[derive(Clone, Debug)]
struct SharedFailure {
    message: String,
    kind: FailureKind,
}

/// What kind of failure a round had, so that every wait treats it alike.
#[derive(Clone, Copy, Debug)]
enum FailureKind {
    Transient,
    Auth,
    NotFound,
    Api(u16),
    Other,
}

impl SharedFailure {
    fn of(error: &CloudError) -> Self {
        let kind = match error {
            CloudError::Api { status, .. } => FailureKind::Api(*status),
            e if e.is_transient() => FailureKind::Transient,
            CloudError::Auth(_) => FailureKind::Auth,
            CloudError::NotFound(_) => FailureKind::NotFound,
            _ => FailureKind::Other,
        };
        let message = match error {
            CloudError::Auth(m) | CloudError::NotFound(m) => m.clone(),
            CloudError::Api { message, .. } => message.clone(),
            other => other.to_string(),
        };
        Self {
            message: crate::secrets::redact(&message),
            kind,
        }
    }

    /// The error a wait that did not lead the round gets: transient failures stay
    /// transient (the waiter polls again), others end the wait alike.
    fn to_error(&self) -> CloudError {
        let message = self.message.clone();
        match self.kind {
            FailureKind::Transient => {
                CloudError::Protocol(format!("shared poll failed: {message}"))
            }
            FailureKind::Auth => CloudError::Auth(message),
            FailureKind::NotFound => CloudError::NotFound(message),
            FailureKind::Api(status) => CloudError::Api { status, message },
            FailureKind::Other => CloudError::Unsupported(message),
        }
    }
}

/// One round: the keys gathered until it starts, and its outcome once fetched.
struct Round<K, V> {
    start: Instant,
    keys: Mutex<HashSet<K>>,
    outcome: watch::Sender<Option<Outcome<K, V>>>,
}

/// The round being gathered and when the last one started.
struct Gathering<K, V> {
    last_start: Option<Instant>,
    next: Option<Arc<Round<K, V>>>,
}

/// One shared poll loop of one provider instance (e.g. "Vscale tasks").
pub struct SharedPoller<K, V> {
    name: &'static str,
    tick: Duration,
    gathering: Mutex<Gathering<K, V>>,
}

impl<K, V> SharedPoller<K, V>
where
    K: Clone + Eq + Hash,
    V: Clone,
{
    /// A poller named `name` in logs, rounds at least [`TICK`] apart.
    pub fn new(name: &'static str) -> Self {
        Self::with_tick(name, TICK)
    }

    /// A poller whose rounds start at least `tick` apart.
    pub fn with_tick(name: &'static str, tick: Duration) -> Self {
        Self {
            name,
            tick,
            gathering: Mutex::new(Gathering {
                last_start: None,
                next: None,
            }),
        }
    }

    /// The status of `key` from the next round; `Ok(None)` when that round's answer
    /// has no entry for it (the caller knows what absence means). `fetch` is the
    /// cloud's poll of all the round's keys; only the round's leader calls it.
    pub async fn poll<F, Fut>(&self, key: K, fetch: F) -> Result<Option<V>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>, CloudError>>,
    {
        let (round, leads) = self.join(&key);
        if leads {
            self.lead(&round, &key, fetch).await
        } else {
            Self::follow(&round, &key).await
        }
    }

    /// Adds `key` to the round being gathered, or opens one (then the caller leads it).
    fn join(&self, key: &K) -> (Arc<Round<K, V>>, bool) {
        let mut g = self.gathering.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(round) = &g.next {
            lock(&round.keys).insert(key.clone());
            return (round.clone(), false);
        }
        let now = Instant::now();
        let soonest = now + GATHER.min(self.tick);
        let start = g
            .last_start
            .map_or(soonest, |last| (last + self.tick).max(soonest));
        let (outcome, _) = watch::channel(None);
        let round = Arc::new(Round {
            start,
            keys: Mutex::new(HashSet::from([key.clone()])),
            outcome,
        });
        g.last_start = Some(start);
        g.next = Some(round.clone());
        (round, true)
    }

    /// Waits for the round's start, closes it, fetches and publishes.
    async fn lead<F, Fut>(
        &self,
        round: &Arc<Round<K, V>>,
        key: &K,
        fetch: F,
    ) -> Result<Option<V>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<HashMap<K, V>, CloudError>>,
    {
        let mut guard = Abandon {
            poller: self,
            round: round.clone(),
            published: false,
        };
        let wait = round.start.saturating_duration_since(Instant::now());
        crate::cancel::sleep(wait)
            .await
            .map_err(|c| CloudError::Http(HttpError::Cancelled(c)))?;
        guard.close();
        let keys: Vec<K> = lock(&round.keys).iter().cloned().collect();
        tracing::debug!(poller = self.name, keys = keys.len(), "shared poll");
        let fetched = fetch(keys).await;
        let shared = match &fetched {
            Ok(map) => Ok(Arc::new(map.clone())),
            Err(e) => Err(SharedFailure::of(e)),
        };
        round.outcome.send_replace(Some(shared));
        guard.published = true;
        fetched.map(|map| map.get(key).cloned())
    }

    /// Waits for the round's outcome (or a Ctrl-C).
    async fn follow(round: &Arc<Round<K, V>>, key: &K) -> Result<Option<V>, CloudError> {
        let mut rx = round.outcome.subscribe();
        let seen = crate::cancel::or_cancelled(rx.wait_for(Option::is_some))
            .await
            .map_err(|c| CloudError::Http(HttpError::Cancelled(c)))?;
        let outcome = match seen {
            Ok(value) => value.clone(),
            Err(_) => None,
        };
        match outcome {
            Some(Ok(map)) => Ok(map.get(key).cloned()),
            Some(Err(failure)) => Err(failure.to_error()),
            None => Err(abandoned()),
        }
    }

    /// Takes `round` out of gathering (later keys open the next round).
    fn close(&self, round: &Arc<Round<K, V>>) {
        let mut g = self.gathering.lock().unwrap_or_else(|e| e.into_inner());
        if g.next.as_ref().is_some_and(|r| Arc::ptr_eq(r, round)) {
            g.next = None;
        }
    }
}

/// Publishes "abandoned" when a leader goes away before its round's outcome.
struct Abandon<'a, K: Clone + Eq + Hash, V: Clone> {
    poller: &'a SharedPoller<K, V>,
    round: Arc<Round<K, V>>,
    published: bool,
}

impl<K: Clone + Eq + Hash, V: Clone> Abandon<'_, K, V> {
    fn close(&mut self) {
        self.poller.close(&self.round);
    }
}

impl<K: Clone + Eq + Hash, V: Clone> Drop for Abandon<'_, K, V> {
    fn drop(&mut self) {
        self.poller.close(&self.round);
        if self.published {
            return;
        }
        let failure = SharedFailure::of(&abandoned());
        self.round.outcome.send_replace(Some(Err(failure)));
    }
}

/// The error of a round whose leader went away before fetching (transient).
fn abandoned() -> CloudError {
    CloudError::Protocol("the shared poll was abandoned by the wait leading it".into())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    type Poller = SharedPoller<u32, &'static str>;

    async fn fetch_all(
        keys: Vec<u32>,
        count: &AtomicU32,
    ) -> Result<HashMap<u32, &'static str>, CloudError> {
        count.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        Ok(keys.into_iter().map(|k| (k, "done")).collect())
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_polls_share_one_round() {
        let poller = Arc::new(Poller::new("test"));
        let count = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for key in 0..50 {
            let (p, c) = (poller.clone(), count.clone());
            tasks.push(tokio::spawn(async move {
                p.poll(key, |keys| async move { fetch_all(keys, &c).await })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Some("done"));
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn rounds_start_a_tick_apart() {
        let poller = Poller::new("test");
        let count = AtomicU32::new(0);
        let started = Instant::now();
        for key in 0..4 {
            poller
                .poll(key, |keys| fetch_all(keys, &count))
                .await
                .unwrap();
        }
        assert_eq!(count.load(Ordering::SeqCst), 4);
        // Rounds at 0.05, 0.55, 1.05, 1.55 s (+30 ms fetch each): never closer than a tick.
        assert!(
            started.elapsed() >= Duration::from_millis(1500),
            "{:?}",
            started.elapsed()
        );
        assert!(
            started.elapsed() < Duration::from_millis(1600),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_round_fails_every_wait_in_it_alike() {
        let poller = Arc::new(Poller::new("test"));
        let mut tasks = Vec::new();
        for key in 0..3 {
            let p = poller.clone();
            tasks.push(tokio::spawn(async move {
                p.poll(key, |_| async {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    Err(CloudError::Api {
                        status: 503,
                        message: "gateway".into(),
                    })
                })
                .await
            }));
        }
        for t in tasks {
            let e = t.await.unwrap().unwrap_err();
            assert!(e.is_transient(), "{e}");
            assert!(e.to_string().contains("gateway"), "{e}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_round_is_a_transient_failure_for_the_others() {
        let poller = Arc::new(Poller::new("test"));
        let count = Arc::new(AtomicU32::new(0));
        // The first poll opens a round; the second opens the next one, 0.5 s later.
        poller.poll(1, |k| fetch_all(k, &count)).await.unwrap();
        let (p, c) = (poller.clone(), count.clone());
        let leader =
            tokio::spawn(async move { p.poll(2, |k| async move { fetch_all(k, &c).await }).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let p = poller.clone();
        let follower = tokio::spawn(async move { p.poll(3, |_| async { unreachable!() }).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        leader.abort();
        let e = follower.await.unwrap().unwrap_err();
        assert!(e.is_transient(), "{e}");
        // The next poll opens a fresh round.
        assert_eq!(
            poller.poll(4, |k| fetch_all(k, &count)).await.unwrap(),
            Some("done")
        );
    }
}
