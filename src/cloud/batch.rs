//! Batched reads: one list request answers the reads of every object of a kind.
//!
//! A refresh reads each resource on its own, so without batching `terraform plan` of
//! 300 servers costs 300 requests. A [`ReadBatch`] holds, per kind and per provider
//! instance, the cloud's whole list (every page) for a short while:
//!
//! - the first read of the kind fetches the list; reads arriving while it is in flight
//!   wait for that same fetch (the lock is held during the fetch);
//! - later reads are answered from it while it is fresh ([`FRESHNESS`] from the moment
//!   the fetch started, "within the same operation"), then the next read fetches again,
//!   so a long-lived process never serves old answers;
//! - an object this process wrote ([`ReadBatch::wrote`]: created, changed, deleted, any
//!   action on it) is read directly from then on, never from a list that may predate
//!   the write;
//! - an object the list does not hold is confirmed by a direct read before anyone
//!   reports it gone (the list may be older than the object, or paged past it);
//! - a list that fails, for any reason, is not an answer: its reads fall back to direct
//!   reads until the window ends (a failed list never drops a resource);
//! - a Ctrl-C (crate::cancel) ends a read waiting for someone else's fetch at once.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::cloud::CloudError;
use crate::http::HttpError;

/// How long a fetched list answers reads, counted from the start of its fetch. A
/// refresh of a few hundred objects reads them all within a few seconds; 20 s covers
/// one plan or apply walk while a process serving for minutes fetches again.
pub const FRESHNESS: Duration = Duration::from_secs(20);

/// The reads of one kind of object (e.g. "Vscale scalets") of one provider instance.
pub struct ReadBatch<T> {
    kind: &'static str,
    freshness: Duration,
    fetched: tokio::sync::Mutex<Option<Fetched<T>>>,
    written: Mutex<HashSet<String>>,
}

/// One fetch of the list and when it started.
struct Fetched<T> {
    at: Instant,
    listed: Option<HashMap<String, T>>,
}

/// What the list says about one id.
enum Listed<T> {
    /// The list holds it.
    Found(T),
    /// The list does not hold it (or failed): only a direct read can tell.
    Unknown,
}

impl<T: Clone> ReadBatch<T> {
    /// An empty batch for `kind` (named in logs) with the [`FRESHNESS`] window.
    pub fn new(kind: &'static str) -> Self {
        Self::with_freshness(kind, FRESHNESS)
    }

    /// An empty batch whose lists answer reads for `freshness`.
    pub fn with_freshness(kind: &'static str, freshness: Duration) -> Self {
        Self {
            kind,
            freshness,
            fetched: tokio::sync::Mutex::new(None),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// Records that this process writes object `id`: every later read of it is direct.
    /// Called before the write is sent, so no list fetched during the write answers.
    pub fn wrote(&self, id: &str) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.trim().to_string());
    }

    /// Whether this process wrote object `id`.
    pub fn is_written(&self, id: &str) -> bool {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(id.trim())
    }

    /// Reads object `id`: from the shared list when it holds it, else through `direct`
    /// (the cloud's own read of one object, which alone may answer `Ok(None)`).
    /// `list` fetches every object of the kind as `(id, object)` pairs.
    pub async fn read<L, LF, D, DF>(
        &self,
        id: &str,
        list: L,
        direct: D,
    ) -> Result<Option<T>, CloudError>
    where
        L: FnOnce() -> LF,
        LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
        D: FnOnce() -> DF,
        DF: Future<Output = Result<Option<T>, CloudError>>,
    {
        if self.is_written(id) {
            return direct().await;
        }
        match self.listed(id.trim(), list).await? {
            Listed::Found(item) => Ok(Some(item)),
            Listed::Unknown => direct().await,
        }
    }

    /// What a fresh list says about `id`, fetching it first when there is none.
    async fn listed<L, LF>(&self, id: &str, list: L) -> Result<Listed<T>, CloudError>
    where
        L: FnOnce() -> LF,
        LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
    {
        let mut guard = crate::cancel::or_cancelled(self.fetched.lock())
            .await
            .map_err(|c| CloudError::Http(HttpError::Cancelled(c)))?;
        let fresh = guard
            .as_ref()
            .is_some_and(|f| f.at.elapsed() <= self.freshness);
        if !fresh {
            *guard = Some(self.fetch(list).await?);
        }
        let item = guard
            .as_ref()
            .and_then(|f| f.listed.as_ref())
            .and_then(|items| items.get(id).cloned());
        Ok(item.map_or(Listed::Unknown, Listed::Found))
    }

    /// One fetch of the list; a failure is kept as "no list" (reads go direct), except
    /// a cancellation, which ends the read.
    async fn fetch<L, LF>(&self, list: L) -> Result<Fetched<T>, CloudError>
    where
        L: FnOnce() -> LF,
        LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
    {
        let at = Instant::now();
        let listed = match list().await {
            Ok(items) => {
                tracing::debug!(kind = self.kind, items = items.len(), "listed for reads");
                Some(items.into_iter().collect())
            }
            Err(CloudError::Http(HttpError::Cancelled(c))) => {
                return Err(CloudError::Http(HttpError::Cancelled(c)))
            }
            Err(e) => {
                let text = crate::secrets::redact(&e.to_string());
                tracing::info!(
                    kind = self.kind,
                    "listing failed ({text}); reading objects one by one for now"
                );
                None
            }
        };
        Ok(Fetched { at, listed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    /// A fake cloud: a list of (id, value) and counters of list and direct reads.
    #[derive(Default)]
    struct Fake {
        lists: AtomicU32,
        directs: AtomicU32,
        objects: Mutex<HashMap<String, u32>>,
        list_fails: std::sync::atomic::AtomicBool,
    }

    impl Fake {
        fn with(ids: &[(&str, u32)]) -> Arc<Self> {
            let fake = Self::default();
            for (id, v) in ids {
                fake.objects.lock().unwrap().insert(id.to_string(), *v);
            }
            Arc::new(fake)
        }

        async fn list(&self) -> Result<Vec<(String, u32)>, CloudError> {
            self.lists.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(30)).await;
            if self.list_fails.load(Ordering::SeqCst) {
                return Err(CloudError::Api {
                    status: 503,
                    message: "list down".into(),
                });
            }
            Ok(self
                .objects
                .lock()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect())
        }

        async fn direct(&self, id: &str) -> Result<Option<u32>, CloudError> {
            self.directs.fetch_add(1, Ordering::SeqCst);
            Ok(self.objects.lock().unwrap().get(id).copied())
        }

        async fn read(&self, batch: &ReadBatch<u32>, id: &str) -> Result<Option<u32>, CloudError> {
            batch.read(id, || self.list(), || self.direct(id)).await
        }

        fn counts(&self) -> (u32, u32) {
            (
                self.lists.load(Ordering::SeqCst),
                self.directs.load(Ordering::SeqCst),
            )
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_reads_share_one_list() {
        let ids: Vec<(String, u32)> = (0..100).map(|i| (format!("s{i}"), i)).collect();
        let refs: Vec<(&str, u32)> = ids.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let fake = Fake::with(&refs);
        let batch = Arc::new(ReadBatch::new("test"));
        let mut tasks = Vec::new();
        for i in 0..100 {
            let (fake, batch) = (fake.clone(), batch.clone());
            tasks.push(tokio::spawn(async move {
                fake.read(&batch, &format!("s{i}")).await.unwrap()
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap(), Some(i as u32));
        }
        assert_eq!(fake.counts(), (1, 0), "one list, no direct read");
    }

    #[tokio::test(start_paused = true)]
    async fn a_list_answers_only_while_fresh() {
        let fake = Fake::with(&[("a", 1), ("b", 2)]);
        let batch = ReadBatch::with_freshness("test", Duration::from_secs(10));
        assert_eq!(fake.read(&batch, "a").await.unwrap(), Some(1));
        fake.objects.lock().unwrap().insert("b".into(), 3);
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(fake.read(&batch, "b").await.unwrap(), Some(2), "same list");
        assert_eq!(fake.counts(), (1, 0));
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert_eq!(
            fake.read(&batch, "b").await.unwrap(),
            Some(3),
            "listed again"
        );
        assert_eq!(fake.counts(), (2, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_written_object_is_read_directly() {
        let fake = Fake::with(&[("a", 1)]);
        let batch = ReadBatch::new("test");
        assert_eq!(fake.read(&batch, "a").await.unwrap(), Some(1));
        batch.wrote("a");
        fake.objects.lock().unwrap().insert("a".into(), 7);
        assert_eq!(fake.read(&batch, "a").await.unwrap(), Some(7));
        assert_eq!(fake.counts(), (1, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn an_absent_object_is_confirmed_directly() {
        let fake = Fake::with(&[("a", 1)]);
        let batch = ReadBatch::new("test");
        assert_eq!(fake.read(&batch, "a").await.unwrap(), Some(1));
        // Made after the list was fetched: the direct read finds it.
        fake.objects.lock().unwrap().insert("late".into(), 5);
        assert_eq!(fake.read(&batch, "late").await.unwrap(), Some(5));
        assert_eq!(fake.read(&batch, "gone").await.unwrap(), None);
        assert_eq!(fake.counts(), (1, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_list_falls_back_to_direct_reads() {
        let fake = Fake::with(&[("a", 1), ("b", 2)]);
        fake.list_fails.store(true, Ordering::SeqCst);
        let batch = ReadBatch::new("test");
        assert_eq!(fake.read(&batch, "a").await.unwrap(), Some(1));
        assert_eq!(fake.read(&batch, "b").await.unwrap(), Some(2));
        assert_eq!(fake.counts(), (1, 2), "the failure is not retried per read");
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_waiting_for_a_list_ends_on_cancel() {
        let fake = Fake::with(&[("a", 1)]);
        let batch = Arc::new(ReadBatch::new("test"));
        let hold = batch.fetched.lock().await;
        let (f, b) = (fake.clone(), batch.clone());
        let waiting = tokio::spawn(crate::cancel::scope(async move { f.read(&b, "a").await }));
        tokio::time::sleep(Duration::from_millis(100)).await;
        crate::cancel::stop();
        let ended = tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("ends within 2 s")
            .unwrap();
        assert!(matches!(
            ended,
            Err(CloudError::Http(HttpError::Cancelled(_)))
        ));
        drop(hold);
        assert_eq!(fake.counts(), (0, 0));
    }
}
