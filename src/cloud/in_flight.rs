//! One request for every caller that asks while it is in flight.
//!
//! Terraform starts up to ten creates at once, and each lists the objects that
//! already exist before it sends its create (src/cloud/safe_create.rs, "ids-before").
//! Those lists are the same request: a [`JoinInFlight`] lets the callers that arrive
//! while one is being fetched take its answer, so ten creates cost one list. A caller
//! arriving after the answer came fetches anew: an answer is never older than the
//! request that asked for it, so a list joined this way still predates the create
//! that follows it.
//!
//! A fetch that fails is not shared (each waiting caller then fetches on its own), and
//! a caller that goes away (Ctrl-C) while fetching leaves the fetch to the next one.

use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::cloud::safe_create::Listing;
use crate::cloud::CloudError;

/// Shares one fetch of a `T` among the callers that ask while it runs.
pub struct JoinInFlight<T> {
    current: Mutex<Option<Arc<OnceCell<T>>>>,
}

impl<T: Clone> Default for JoinInFlight<T> {
    fn default() -> Self {
        Self {
            current: Mutex::new(None),
        }
    }
}

impl<T: Clone> JoinInFlight<T> {
    /// The answer of the fetch in flight, or of `fetch` started now when none is.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<T, CloudError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, CloudError>>,
    {
        let cell = self.joinable();
        let answer = cell.get_or_try_init(fetch).await.cloned();
        self.finished(&cell);
        answer
    }

    /// A create's list ([`Listing`]): the one in flight when it is the ids-before,
    /// always `fetch` of its own for a look-up after an unknown outcome.
    pub async fn for_create<F, Fut>(&self, why: Listing, fetch: F) -> Result<T, CloudError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, CloudError>>,
    {
        match why {
            Listing::IdsBefore => self.get(fetch).await,
            Listing::LookUp => fetch().await,
        }
    }

    /// The cell of the fetch in flight, or a new one.
    fn joinable(&self) -> Arc<OnceCell<T>> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        match current.as_ref() {
            Some(cell) if !cell.initialized() => cell.clone(),
            _ => {
                let cell = Arc::new(OnceCell::new());
                *current = Some(cell.clone());
                cell
            }
        }
    }

    /// Forgets `cell` once it holds its answer, so later callers fetch anew.
    fn finished(&self, cell: &Arc<OnceCell<T>>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, cell) && c.initialized())
        {
            *current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    async fn slow_fetch(count: &AtomicUsize, answer: u32) -> Result<u32, CloudError> {
        count.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(answer)
    }

    #[tokio::test(start_paused = true)]
    async fn callers_asking_while_a_fetch_runs_share_it() {
        let shared = JoinInFlight::default();
        let fetches = AtomicUsize::new(0);
        let ask = || shared.get(|| slow_fetch(&fetches, 7));
        let (a, b, c) = tokio::join!(ask(), ask(), ask());
        assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()), (7, 7, 7));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_look_up_never_joins_the_ids_before_in_flight() {
        let shared = JoinInFlight::default();
        let fetches = AtomicUsize::new(0);
        let before = shared.for_create(Listing::IdsBefore, || slow_fetch(&fetches, 1));
        let joined = shared.for_create(Listing::IdsBefore, || slow_fetch(&fetches, 2));
        let look_up = shared.for_create(Listing::LookUp, || slow_fetch(&fetches, 3));
        let (a, b, c) = tokio::join!(before, joined, look_up);
        assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()), (1, 1, 3));
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_arriving_after_the_answer_fetches_anew() {
        let shared = JoinInFlight::default();
        let fetches = AtomicUsize::new(0);
        assert_eq!(shared.get(|| slow_fetch(&fetches, 1)).await.unwrap(), 1);
        assert_eq!(shared.get(|| slow_fetch(&fetches, 2)).await.unwrap(), 2);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_is_not_shared() {
        let shared = JoinInFlight::default();
        let fetches = AtomicUsize::new(0);
        let failing = shared.get(|| async {
            fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            Err::<u32, _>(CloudError::Protocol("no list".into()))
        });
        let waiting = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            shared.get(|| slow_fetch(&fetches, 9)).await
        };
        let (failed, own) = tokio::join!(failing, waiting);
        assert!(failed.is_err());
        assert_eq!(own.unwrap(), 9);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_goes_away_leaves_the_fetch_to_the_next() {
        let shared = JoinInFlight::default();
        let fetches = AtomicUsize::new(0);
        let abandoned = tokio::time::timeout(
            Duration::from_millis(50),
            shared.get(|| slow_fetch(&fetches, 1)),
        );
        let waiting = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            shared.get(|| slow_fetch(&fetches, 2)).await
        };
        let (gone, next) = tokio::join!(abandoned, waiting);
        assert!(gone.is_err());
        assert_eq!(next.unwrap(), 2);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }
}
