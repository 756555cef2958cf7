//! Creating safely: the one rule every create on every cloud follows.
//!
//! A create whose outcome is unknown (no answer, a 5xx, an accepted answer that
//! cannot be read) may or may not have made the object. Sending it again blindly can
//! make two servers; adopting whatever has the same name can put a stranger's server
//! in state (and `terraform destroy` then deletes it). So:
//!
//! 1. The objects that already match the request are listed *before* the first
//!    attempt; they can never be adopted.
//! 2. After an unknown outcome the list is read again, with back-off, for a settling
//!    window (half the create's remaining time, at most [`MAX_WINDOW`]): the first
//!    look-up that shows exactly one *new* matching object settles it; several new
//!    ones are an error (none is adopted).
//! 3. Only when the window ends with a look-up that found nothing is the create sent
//!    again, once, under the same rule (its own ids-before, its own look-up). An
//!    accepted answer (2xx) is never sent again.
//! 4. When the look-up itself keeps failing until the window ends, the create ends in
//!    an error that names the possible object and what to check, never in a re-send.
//!
//! The HTTP layer's `max_retries` plays no part here: with `max_retries = 0` the
//! look-up still runs. Objects returned by creates of this process are remembered, so
//! one resource's look-up never takes the object another resource just made.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

// tokio's clock (the same as the system's outside tests, where it can be paused).
use tokio::time::Instant;

use crate::cloud::CloudError;
use crate::http::HttpError;

/// Longest settling window after an unknown outcome.
pub const MAX_WINDOW: Duration = Duration::from_secs(120);
/// First pause between look-ups.
pub const FIRST_LOOKUP_DELAY: Duration = Duration::from_millis(500);
/// Largest pause between look-ups.
pub const MAX_LOOKUP_DELAY: Duration = Duration::from_secs(10);

/// Objects made (or settled) by creates of this process, per kind: never adopted by
/// another create's look-up.
static CLAIMED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn claim(kind: &str, id: &str) {
    let mut claimed = CLAIMED.lock().unwrap_or_else(|e| e.into_inner());
    claimed.push((kind.to_string(), id.to_string()));
}

fn claimed(kind: &str, id: &str) -> bool {
    CLAIMED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|(k, i)| k == kind && i == id)
}

/// What one create is about, for its look-ups and messages.
#[derive(Clone, Debug)]
pub struct Intent {
    /// The kind of object, for the claimed-ids registry and messages, e.g.
    /// `Vscale scalet`.
    pub kind: String,
    /// The object asked for, e.g. `Vscale scalet "web-1"`.
    pub what: String,
    /// Where the user can look for it, e.g. `the scalets of the account (GET /scalets)`.
    pub check: String,
    /// When the create's `timeouts` value runs out.
    pub deadline: Instant,
    /// The create's `timeouts` value.
    pub limit: Duration,
}

impl Intent {
    /// An intent whose deadline is `timeout` from now.
    pub fn new(
        kind: impl Into<String>,
        what: impl Into<String>,
        check: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            kind: kind.into(),
            what: what.into(),
            check: check.into(),
            deadline: Instant::now() + timeout,
            limit: timeout,
        }
    }

    /// Time left until the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The limit for what follows the create (its wait): the time left, rounded up
    /// to a whole second (so a `create = "1s"` wait still reads "timed out after 1s"
    /// after the few milliseconds of its ids-before), never more than the create's
    /// own limit.
    pub fn wait_limit(&self) -> Duration {
        let left = self.remaining();
        let rounded = Duration::from_secs(left.as_secs() + u64::from(left.subsec_nanos() > 0));
        rounded.min(self.limit)
    }

    /// The settling window from now: half the remaining time, at most [`MAX_WINDOW`].
    pub fn window(&self) -> Duration {
        (self.remaining() / 2).min(MAX_WINDOW)
    }
}

/// How an attempt ended, as far as the object's existence goes.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The cloud may or may not have done it (no answer, 5xx).
    Unknown,
    /// The cloud accepted it (2xx) but the answer could not be read.
    AcceptedUnreadable,
    /// The cloud did not make it (or said so).
    Refused,
}

fn outcome(error: &CloudError) -> Outcome {
    match error {
        CloudError::Http(e) if e.is_ambiguous() => Outcome::Unknown,
        CloudError::Http(HttpError::NoAnswer { .. }) => Outcome::Unknown,
        CloudError::Protocol(_) => Outcome::AcceptedUnreadable,
        _ => Outcome::Refused,
    }
}

/// What a settling window found.
enum Settled<T> {
    /// Exactly one new matching object.
    Found(String, T),
    /// The last look-up found none.
    Nothing,
}

/// Runs a create under the rule of this module.
///
/// - `list` lists the objects that match the request (same name, same parent, ...),
///   each with its id; it is called once before every attempt (ids-before) and
///   repeatedly after an unknown outcome.
/// - `attempt` sends the create once and returns the new object's id with the value
///   the caller wants. It must not retry an ambiguous answer itself.
///
/// Returns the id and value of the object made, whether its answer arrived or the
/// look-up found it (`adopted` = true).
pub async fn safe_create<T, L, LF, A, AF>(
    intent: &Intent,
    mut list: L,
    attempt: A,
) -> Result<Created<T>, CloudError>
where
    L: FnMut() -> LF,
    LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
    A: FnMut() -> AF,
    AF: Future<Output = Result<(String, T), CloudError>>,
{
    safe_create_listing(intent, |_| list(), attempt).await
}

/// Why a create lists the objects that match it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Before an attempt (ids-before): a list fetched at any moment since the call
    /// predates the attempt, so one shared with other creates asking at the same time
    /// ([`crate::cloud::in_flight::JoinInFlight`]) will do.
    IdsBefore,
    /// After an unknown outcome: the list must be fetched after the attempt was sent,
    /// never joined to one already under way (it could miss the new object).
    LookUp,
}

/// [`safe_create`] whose `list` is told why it lists ([`Listing`]), so ids-before
/// lists can be shared among concurrent creates while look-ups stay fresh.
pub async fn safe_create_listing<T, L, LF, A, AF>(
    intent: &Intent,
    mut list: L,
    mut attempt: A,
) -> Result<Created<T>, CloudError>
where
    L: FnMut(Listing) -> LF,
    LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
    A: FnMut() -> AF,
    AF: Future<Output = Result<(String, T), CloudError>>,
{
    let mut first_cause: Option<String> = None;
    for round in 0..2 {
        let ids_before = list(Listing::IdsBefore);
        let before: HashSet<String> = crate::http::within(intent.deadline.into_std(), ids_before)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let error = match crate::http::within(intent.deadline.into_std(), attempt()).await {
            Ok((id, value)) => {
                claim(&intent.kind, &id);
                return Ok(Created {
                    id,
                    value,
                    adopted: false,
                });
            }
            Err(e) => e,
        };
        let kind = outcome(&error);
        if kind == Outcome::Refused {
            return Err(error);
        }
        let cause = crate::secrets::redact(&error.to_string());
        let window = intent.window();
        tracing::info!(
            "{}: the create's outcome is unknown ({cause}); looking for a new one for up to {} before deciding",
            intent.what,
            crate::duration::display(window)
        );
        match settle(intent, &before, window, &mut list).await {
            Ok(Settled::Found(id, value)) => {
                tracing::info!("{}: the create had gone through; it made {id}", intent.what);
                claim(&intent.kind, &id);
                return Ok(Created {
                    id,
                    value,
                    adopted: true,
                });
            }
            Ok(Settled::Nothing) if kind == Outcome::AcceptedUnreadable => {
                return Err(CloudError::Unsettled(format!(
                    "{} may exist: the cloud accepted the create but its answer could not be read ({cause}), and no new object appeared within {}. Nothing was sent again. Check {} for it: if it is there, bring it under Terraform with `terraform import`; if not, apply again.",
                    intent.what,
                    crate::duration::display(window),
                    intent.check
                )));
            }
            Ok(Settled::Nothing) if round == 0 => {
                tracing::info!(
                    "{}: nothing was made; sending the create once more",
                    intent.what
                );
                first_cause = Some(cause);
            }
            Ok(Settled::Nothing) => {
                return Err(CloudError::Unsettled(format!(
                    "{} was not created: two attempts ended without a usable answer ({}; then {cause}) and no new object appeared after either. Check {}, then apply again.",
                    intent.what,
                    first_cause.as_deref().unwrap_or("no answer"),
                    intent.check
                )));
            }
            Err(Unsettled(detail)) => {
                return Err(CloudError::Unsettled(format!(
                    "{} may have been created: the create's outcome is unknown ({cause}) and {detail}. Nothing was sent again. Check {} for a new object: if it is there, bring it under Terraform with `terraform import` (or delete it); if not, apply again.",
                    intent.what, intent.check
                )));
            }
        }
    }
    unreachable!("the second round always returns")
}

/// [`safe_create`] for a `list` that gives ids only: the value is the attempt's when
/// its answer arrived, `None` when the look-up found the object.
pub async fn safe_create_ids<T, L, LF, A, AF>(
    intent: &Intent,
    mut list: L,
    mut attempt: A,
) -> Result<Created<Option<T>>, CloudError>
where
    L: FnMut() -> LF,
    LF: Future<Output = Result<Vec<String>, CloudError>>,
    A: FnMut() -> AF,
    AF: Future<Output = Result<(String, T), CloudError>>,
{
    safe_create(
        intent,
        || {
            let ids = list();
            async move { Ok(ids.await?.into_iter().map(|id| (id, None)).collect()) }
        },
        || {
            let made = attempt();
            async move {
                let (id, value) = made.await?;
                Ok((id, Some(value)))
            }
        },
    )
    .await
}

/// A create whose objects the API cannot list (StarVCenter tenants and routers): it
/// is sent once; when its outcome is unknown nothing can settle it, so it ends in an
/// error that names the possible object, never in a re-send.
pub async fn create_unlisted<T, AF>(intent: &Intent, attempt: AF) -> Result<(String, T), CloudError>
where
    AF: Future<Output = Result<(String, T), CloudError>>,
{
    match crate::http::within(intent.deadline.into_std(), attempt).await {
        Ok((id, value)) => {
            claim(&intent.kind, &id);
            Ok((id, value))
        }
        Err(error) if outcome(&error) == Outcome::Refused => Err(error),
        Err(error) => Err(CloudError::Unsettled(format!(
            "{} may have been created: the create's outcome is unknown ({}) and the API cannot list these objects to find out. Nothing was sent again. Check {}: if it is there, bring it under Terraform with `terraform import`; if not, apply again.",
            intent.what,
            crate::secrets::redact(&error.to_string()),
            intent.check
        ))),
    }
}

/// An object a create made.
#[derive(Debug)]
pub struct Created<T> {
    /// Its id.
    pub id: String,
    /// What the caller's `attempt` or `list` returned for it.
    pub value: T,
    /// Whether the look-up found it (the create's answer was lost).
    pub adopted: bool,
}

/// Why a settling window ended without a decision.
struct Unsettled(String);

/// Looks up, with back-off, until one new object shows or the window ends.
async fn settle<T, L, LF>(
    intent: &Intent,
    before: &HashSet<String>,
    window: Duration,
    list: &mut L,
) -> Result<Settled<T>, Unsettled>
where
    L: FnMut(Listing) -> LF,
    LF: Future<Output = Result<Vec<(String, T)>, CloudError>>,
{
    let until = Instant::now() + window;
    let mut delay = FIRST_LOOKUP_DELAY;
    let mut lookups = 0u32;
    loop {
        // The first look-up waits a little: the create may still be under way.
        let pause = delay.min(until.saturating_duration_since(Instant::now()));
        if crate::cancel::sleep(pause).await.is_err() {
            return Err(Unsettled(format!(
                "Terraform asked the provider to stop while it was looking it up ({lookups} look-ups made)"
            )));
        }
        lookups += 1;
        // Each look-up keeps its own retries (bounded by the create's deadline, not by
        // the window), so one unlucky answer at the window's end decides nothing.
        let look_up = list(Listing::LookUp);
        let last = match crate::http::within(intent.deadline.into_std(), look_up).await {
            Ok(found) => {
                // A matching object the list shows without an id cannot be adopted
                // (its state would have no id) nor ruled out: the outcome stays open.
                if found.iter().any(|(id, _)| id.trim().is_empty()) {
                    return Err(Unsettled(
                        "the look-up lists a matching object without an id, so it can be neither adopted nor ruled out: check the cloud's list, import the object if it is yours".into(),
                    ));
                }
                let mut new: Vec<(String, T)> = found
                    .into_iter()
                    .filter(|(id, _)| !before.contains(id) && !claimed(&intent.kind, id))
                    .collect();
                match new.len() {
                    0 => Ok(()),
                    1 => {
                        let (id, value) = new.pop().expect("one");
                        return Ok(Settled::Found(id, value));
                    }
                    _ => {
                        let ids: Vec<String> = new.into_iter().map(|(id, _)| id).collect();
                        return Err(Unsettled(format!(
                            "{} new objects match it ({}), so none was taken as this resource: check which one (if any) is yours and import it, and delete the others",
                            ids.len(),
                            ids.join(", ")
                        )));
                    }
                }
            }
            Err(e) => {
                tracing::info!(
                    lookups,
                    "{}: look-up failed ({e}); trying again",
                    intent.what
                );
                Err(crate::secrets::redact(&e.to_string()))
            }
        };
        if Instant::now() >= until {
            return match last {
                Ok(()) => Ok(Settled::Nothing),
                Err(e) => Err(Unsettled(format!(
                    "looking it up failed until the settling window of {} ended ({lookups} look-ups; last: {e})",
                    crate::duration::display(window)
                ))),
            };
        }
        delay = delay.mul_f64(1.5).min(MAX_LOOKUP_DELAY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn unknown() -> CloudError {
        CloudError::Http(HttpError::NoAnswer {
            url: "http://x".into(),
            message: "reset".into(),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_answer_is_settled_by_the_new_object_never_by_the_stranger() {
        let intent = Intent::new("t1", "server \"web\"", "the list", Duration::from_secs(60));
        let made = Arc::new(AtomicU32::new(0));
        let m = made.clone();
        let asked = Mutex::new(Vec::new());
        let out = safe_create_listing(
            &intent,
            |why| {
                asked.lock().unwrap().push(why);
                let n = m.load(Ordering::SeqCst);
                async move {
                    let mut all = vec![("stranger".to_string(), ())];
                    if n > 0 {
                        all.push(("mine".to_string(), ()));
                    }
                    Ok(all)
                }
            },
            || {
                made.fetch_add(1, Ordering::SeqCst);
                async { Err(unknown()) }
            },
        )
        .await
        .unwrap();
        assert_eq!((out.id.as_str(), out.adopted), ("mine", true));
        assert_eq!(made.load(Ordering::SeqCst), 1, "never sent twice");
        // Only the ids-before may be a list shared with other creates, never the
        // look-up after the lost answer.
        assert_eq!(
            asked.into_inner().unwrap(),
            vec![Listing::IdsBefore, Listing::LookUp]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_found_sends_once_more_then_gives_up() {
        let intent = Intent::new("t2", "server", "the list", Duration::from_secs(60));
        let sent = AtomicU32::new(0);
        let started = Instant::now();
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || async { Ok(vec![("old".to_string(), ())]) },
            || {
                sent.fetch_add(1, Ordering::SeqCst);
                async { Err(unknown()) }
            },
        )
        .await
        .unwrap_err();
        assert_eq!(sent.load(Ordering::SeqCst), 2);
        assert!(err.to_string().contains("was not created"), "{err}");
        // First window 30 s (half of 60), second 15 s (half of the 30 s left).
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs(44) && took <= Duration::from_secs(46),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_look_up_ends_in_an_error_naming_the_object_without_a_resend() {
        let intent = Intent::new("t3", "server \"db\"", "the panel", Duration::from_secs(600));
        let sent = AtomicU32::new(0);
        let lists = AtomicU32::new(0);
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || {
                let n = lists.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Ok(vec![])
                    } else {
                        Err(CloudError::Api {
                            status: 500,
                            message: "list broken".into(),
                        })
                    }
                }
            },
            || {
                sent.fetch_add(1, Ordering::SeqCst);
                async { Err(unknown()) }
            },
        )
        .await
        .unwrap_err();
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        let text = err.to_string();
        assert!(
            text.contains("server \"db\" may have been created")
                && text.contains("the panel")
                && text.contains("list broken")
                && text.contains("2m"),
            "{text}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_match_listed_without_an_id_is_never_adopted_nor_resent() {
        let intent = Intent::new("t7", "disk", "the list", Duration::from_secs(60));
        let sent = AtomicU32::new(0);
        let lists = AtomicU32::new(0);
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || {
                let n = lists.fetch_add(1, Ordering::SeqCst);
                async move {
                    Ok(if n == 0 {
                        vec![]
                    } else {
                        vec![(String::new(), ())]
                    })
                }
            },
            || {
                sent.fetch_add(1, Ordering::SeqCst);
                async { Err(unknown()) }
            },
        )
        .await
        .unwrap_err();
        assert_eq!(sent.load(Ordering::SeqCst), 1, "never sent twice");
        assert!(err.to_string().contains("without an id"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn several_new_candidates_are_never_adopted() {
        let intent = Intent::new("t4", "volume", "the list", Duration::from_secs(60));
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || {
                static CALLS: AtomicU32 = AtomicU32::new(0);
                let n = CALLS.fetch_add(1, Ordering::SeqCst);
                async move {
                    Ok(if n == 0 {
                        vec![]
                    } else {
                        vec![("a".to_string(), ()), ("b".to_string(), ())]
                    })
                }
            },
            || async { Err(unknown()) },
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("2 new objects match it (a, b)"),
            "{err}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_accepted_unreadable_answer_is_looked_up_never_resent() {
        let intent = Intent::new("t5", "key", "the list", Duration::from_secs(20));
        let sent = AtomicU32::new(0);
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || async { Ok(vec![]) },
            || {
                sent.fetch_add(1, Ordering::SeqCst);
                async { Err(CloudError::Protocol("not JSON".into())) }
            },
        )
        .await
        .unwrap_err();
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        assert!(err.to_string().contains("accepted the create"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_is_returned_at_once_and_objects_claimed_are_never_adopted() {
        let intent = Intent::new("t6", "x", "the list", Duration::from_secs(60));
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || async { Ok(vec![]) },
            || async {
                Err(CloudError::Api {
                    status: 400,
                    message: "bad plan".into(),
                })
            },
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("bad plan"));
        // Another resource's create made "other" just now: it is not ours.
        claim("t6", "other");
        let lists = AtomicU32::new(0);
        let err = safe_create::<(), _, _, _, _>(
            &intent,
            || {
                let n = lists.fetch_add(1, Ordering::SeqCst);
                async move {
                    Ok(if n == 0 {
                        vec![]
                    } else {
                        vec![("other".to_string(), ())]
                    })
                }
            },
            || async { Err(unknown()) },
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("was not created"), "{err}");
    }
}
