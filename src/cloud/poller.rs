//! Shared pollers: every wait of one cloud in the process shares one poll per tick.
//!
//! Without sharing, 50 creates waiting together poll 50 times per tick. A
//! [`SharedPoller`] gathers the waits that want a poll into a *round*; one round
//! polls with one fetch (the cloud's part: "poll the pending keys → what the cloud
//! says", e.g. one `GET /tasks`), and every wait in it reads its own key's status
//! from that answer. Rounds start at least [`TICK`] apart, so the request rate is
//! bounded by the tick, not by the number of waits; a wait's own schedule
//! ([`crate::waiter::Schedule::Shared`]) decides when it wants a poll.
//!
//! A wait that wants a poll joins, in this order: the round whose fetch started less
//! than [`JOIN_WINDOW`] ago, when that fetch covers its key (a wave of creates started
//! together shares one fetch without waiting for each other); the round scheduled
//! next; or it opens a round, which starts at once unless the last one started less
//! than a tick ago.
//!
//! A wait that saw its round show work ending while its own is not done yet may ask
//! for a follow-up ([`SharedPoller::poll_again`]): the next round, or one opened
//! [`FOLLOW_UP`] after the last round's start instead of a tick.
//!
//! The round is led by the wait that opened it: it sleeps until the round's start,
//! fetches and publishes. If the leader goes away first (Ctrl-C, its own timeout), the
//! round is published as a transient failure, which the others' waiters ride out.

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::cloud::CloudError;
use crate::http::HttpError;

/// The shortest time between the starts of two rounds of one poller.
pub const TICK: Duration = Duration::from_millis(500);
/// How long after its fetch started a round still takes waits whose key it covers.
pub const JOIN_WINDOW: Duration = Duration::from_millis(100);
/// The shortest time between a round's start and a follow-up round's
/// ([`SharedPoller::poll_again`]).
pub const FOLLOW_UP: Duration = Duration::from_millis(150);

/// Whether a round that fetched for `gathered` keys also answers `key`.
pub type Covers<K> = fn(gathered: &HashSet<K>, key: &K) -> bool;

/// What a round answered: the cloud's answer, or the failure shared by all.
type Outcome<S> = Result<Arc<S>, SharedFailure>;

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

/// One round: the keys gathered until its fetch starts, and its outcome once fetched.
struct Round<K, S> {
    start: Instant,
    keys: Mutex<HashSet<K>>,
    outcome: watch::Sender<Option<Outcome<S>>>,
}

/// The round scheduled next, the one fetching (or just fetched) and when the last
/// one started.
struct Rounds<K, S> {
    last_start: Option<Instant>,
    next: Option<Arc<Round<K, S>>>,
    current: Option<(Instant, Arc<Round<K, S>>)>,
}

/// One shared poll loop of one provider instance (e.g. "Vscale tasks").
pub struct SharedPoller<K, S> {
    name: &'static str,
    tick: Duration,
    covers: Covers<K>,
    rounds: Mutex<Rounds<K, S>>,
}

impl<K, S> SharedPoller<K, S>
where
    K: Clone + Eq + Hash,
{
    /// A poller named `name` in logs, rounds at least [`TICK`] apart; `covers` says
    /// whether a fetch made for some keys also answers another one.
    pub fn new(name: &'static str, covers: Covers<K>) -> Self {
        Self::with_tick(name, covers, TICK)
    }

    /// A poller whose rounds start at least `tick` apart.
    pub fn with_tick(name: &'static str, covers: Covers<K>, tick: Duration) -> Self {
        Self {
            name,
            tick,
            covers,
            rounds: Mutex::new(Rounds {
                last_start: None,
                next: None,
                current: None,
            }),
        }
    }

    /// The answer of the round this poll of `key` joins; the caller reads its own
    /// key's status from it. `fetch` is the cloud's poll of the round's keys; only the
    /// round's leader calls it.
    pub async fn poll<F, Fut>(&self, key: K, fetch: F) -> Result<Arc<S>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<S, CloudError>>,
    {
        self.poll_in(key, Join::Current(self.tick), fetch).await
    }

    /// A follow-up poll of `key` right after a round: the round scheduled next, or one
    /// that starts [`FOLLOW_UP`] after the last round's start instead of a tick after
    /// it; never the round just fetched. For a wait whose round showed work ending
    /// around it (the rest of a wave started together is likely a moment behind).
    pub async fn poll_again<F, Fut>(&self, key: K, fetch: F) -> Result<Arc<S>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<S, CloudError>>,
    {
        self.poll_in(key, Join::Next(FOLLOW_UP), fetch).await
    }

    async fn poll_in<F, Fut>(&self, key: K, join: Join, fetch: F) -> Result<Arc<S>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<S, CloudError>>,
    {
        let (round, leads) = self.join(&key, join);
        if leads {
            self.lead(&round, fetch).await
        } else {
            Self::follow(&round).await
        }
    }

    /// Joins the round fetching now (when `join` allows and it covers `key`), else
    /// the next one, else opens one `join`'s gap after the last start (then the
    /// caller leads it).
    fn join(&self, key: &K, join: Join) -> (Arc<Round<K, S>>, bool) {
        let mut r = lock(&self.rounds);
        let now = Instant::now();
        let gap = match join {
            Join::Current(gap) => {
                if let Some((started, round)) = &r.current {
                    if now.duration_since(*started) < JOIN_WINDOW
                        && (self.covers)(&lock(&round.keys), key)
                    {
                        return (round.clone(), false);
                    }
                }
                gap
            }
            Join::Next(gap) => gap,
        };
        if let Some(round) = &r.next {
            lock(&round.keys).insert(key.clone());
            return (round.clone(), false);
        }
        let start = r.last_start.map_or(now, |last| (last + gap).max(now));
        let (outcome, _) = watch::channel(None);
        let round = Arc::new(Round {
            start,
            keys: Mutex::new(HashSet::from([key.clone()])),
            outcome,
        });
        r.last_start = Some(start);
        r.next = Some(round.clone());
        (round, true)
    }

    /// Waits for the round's start, moves it from next to fetching, fetches and
    /// publishes.
    async fn lead<F, Fut>(&self, round: &Arc<Round<K, S>>, fetch: F) -> Result<Arc<S>, CloudError>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: Future<Output = Result<S, CloudError>>,
    {
        let mut guard = Abandon {
            poller: self,
            round: round.clone(),
            published: false,
        };
        let wait = round.start.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            crate::cancel::sleep(wait)
                .await
                .map_err(|c| CloudError::Http(HttpError::Cancelled(c)))?;
        }
        self.start_fetch(round);
        let keys: Vec<K> = lock(&round.keys).iter().cloned().collect();
        tracing::debug!(poller = self.name, keys = keys.len(), "shared poll");
        let fetched = fetch(keys).await.map(Arc::new);
        let shared = match &fetched {
            Ok(answer) => Ok(answer.clone()),
            Err(e) => Err(SharedFailure::of(e)),
        };
        round.outcome.send_replace(Some(shared));
        guard.published = true;
        fetched
    }

    /// Waits for the round's outcome (or a Ctrl-C).
    async fn follow(round: &Arc<Round<K, S>>) -> Result<Arc<S>, CloudError> {
        let mut rx = round.outcome.subscribe();
        let seen = crate::cancel::or_cancelled(rx.wait_for(Option::is_some))
            .await
            .map_err(|c| CloudError::Http(HttpError::Cancelled(c)))?;
        let outcome = match seen {
            Ok(value) => value.clone(),
            Err(_) => None,
        };
        match outcome {
            Some(Ok(answer)) => Ok(answer),
            Some(Err(failure)) => Err(failure.to_error()),
            None => Err(abandoned()),
        }
    }

    /// The round's fetch starts: later waits join the next round, or this one for
    /// [`JOIN_WINDOW`] when it covers them.
    fn start_fetch(&self, round: &Arc<Round<K, S>>) {
        let mut r = lock(&self.rounds);
        if r.next.as_ref().is_some_and(|n| Arc::ptr_eq(n, round)) {
            r.next = None;
        }
        r.current = Some((Instant::now(), round.clone()));
    }

    /// Takes an abandoned `round` out of the schedule.
    fn forget(&self, round: &Arc<Round<K, S>>) {
        let mut r = lock(&self.rounds);
        if r.next.as_ref().is_some_and(|n| Arc::ptr_eq(n, round)) {
            r.next = None;
        }
        if r.current
            .as_ref()
            .is_some_and(|(_, c)| Arc::ptr_eq(c, round))
        {
            r.current = None;
        }
    }
}

/// Which rounds a poll may join, and the gap after the last round's start of one it
/// opens.
#[derive(Clone, Copy)]
enum Join {
    /// The round fetching now (when it covers the key), else the next; a new round
    /// this long after the last.
    Current(Duration),
    /// Only the next round; a new one this long after the last.
    Next(Duration),
}

/// Publishes "abandoned" when a leader goes away before its round's outcome.
struct Abandon<'a, K: Clone + Eq + Hash, S> {
    poller: &'a SharedPoller<K, S>,
    round: Arc<Round<K, S>>,
    published: bool,
}

impl<K: Clone + Eq + Hash, S> Drop for Abandon<'_, K, S> {
    fn drop(&mut self) {
        if self.published {
            return;
        }
        self.poller.forget(&self.round);
        let failure = SharedFailure::of(&abandoned());
        self.round.outcome.send_replace(Some(Err(failure)));
    }
}

/// A fetch that lists everything answers every key ([`Covers`] of whole-list polls).
pub fn any_key<K>(_gathered: &HashSet<K>, _key: &K) -> bool {
    true
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

    type Poller = SharedPoller<u32, Vec<u32>>;

    async fn fetch_all(keys: Vec<u32>, count: &AtomicU32) -> Result<Vec<u32>, CloudError> {
        count.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        Ok(keys)
    }

    fn only_gathered(gathered: &HashSet<u32>, key: &u32) -> bool {
        gathered.contains(key)
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_polls_share_one_round() {
        let poller = Arc::new(Poller::new("test", any_key));
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
            assert!(t.await.unwrap().is_ok());
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_fetch_that_does_not_cover_a_key_is_not_joined() {
        let poller = Arc::new(Poller::new("test", only_gathered));
        let count = Arc::new(AtomicU32::new(0));
        let (p, c) = (poller.clone(), count.clone());
        let first =
            tokio::spawn(async move { p.poll(1, |k| async move { fetch_all(k, &c).await }).await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = poller.poll(2, |k| fetch_all(k, &count)).await.unwrap();
        assert_eq!(*second, vec![2], "its own round, a tick later");
        assert_eq!(*first.await.unwrap().unwrap(), vec![1]);
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn rounds_start_a_tick_apart() {
        // Each key needs a fetch of its own, so no poll joins the previous round.
        let poller = Poller::new("test", only_gathered);
        let count = AtomicU32::new(0);
        let started = Instant::now();
        for key in 0..4 {
            poller
                .poll(key, |keys| fetch_all(keys, &count))
                .await
                .unwrap();
        }
        assert_eq!(count.load(Ordering::SeqCst), 4);
        // Rounds at 0, 0.5, 1.0, 1.5 s (+30 ms fetch): never closer than a tick.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(1530), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1600), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_follow_up_is_a_fresh_round_a_moment_after_the_last() {
        let poller = Poller::new("test", any_key);
        let count = AtomicU32::new(0);
        let started = Instant::now();
        poller.poll(1, |k| fetch_all(k, &count)).await.unwrap();
        // Right after the round: `poll` takes the round just fetched again, a
        // follow-up does not; it opens one 150 ms after the last round's start.
        poller.poll(2, |k| fetch_all(k, &count)).await.unwrap();
        assert_eq!(
            count.load(Ordering::SeqCst),
            1,
            "joined the round just fetched"
        );
        let again = poller
            .poll_again(3, |k| fetch_all(k, &count))
            .await
            .unwrap();
        assert_eq!(*again, vec![3]);
        assert_eq!(count.load(Ordering::SeqCst), 2);
        let elapsed = started.elapsed();
        assert!(
            elapsed >= FOLLOW_UP + Duration::from_millis(30),
            "{elapsed:?}"
        );
        assert!(elapsed < TICK, "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_round_fails_every_wait_in_it_alike() {
        let poller = Arc::new(Poller::new("test", any_key));
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
        let poller = Arc::new(Poller::new("test", any_key));
        let count = Arc::new(AtomicU32::new(0));
        // The first poll runs at once; the next round is due 0.5 s later.
        poller.poll(1, |k| fetch_all(k, &count)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (p, c) = (poller.clone(), count.clone());
        let leader =
            tokio::spawn(async move { p.poll(2, |k| async move { fetch_all(k, &c).await }).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let p = poller.clone();
        let follower = tokio::spawn(async move { p.poll(3, |_| async { unreachable!() }).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        leader.abort();
        let e = follower.await.unwrap().unwrap_err();
        assert!(e.is_transient(), "{e}");
        // The next poll opens a fresh round.
        assert!(poller.poll(4, |k| fetch_all(k, &count)).await.is_ok());
    }
}
