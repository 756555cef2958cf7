//! Waiting on StarVCenter tasks (docs/design/wire.md, "StarVCenter"): the task log
//! (`POST cloudtask/search` with `{"task.startid"}`, codes of StarVCenter API 附表4) and
//! the object the task works on — or the object alone when the log answers not-found.
//!
//! Waits whose object is a VM (creates, power changes, reboots, password resets,
//! resizes, restores, deletes) share their polls (docs/design/wire.md, "Batched reads
//! and shared polls", StarVCenter round): one search of every VM per round answers
//! every VM wait of the provider instance, and each wait asks the task log about its
//! own task only when the round says something worth confirming ([`Progress::asks`]).
//! A round that shows work ended while a wait's VM is still short brings a follow-up
//! round soon after ([`FOLLOW_UPS`]); the step after a wait (a create's read-back) goes
//! with the query that confirms its task ([`StarVCenterClient::wait_state_then`]).
//! Waits on backups, snapshots, disks and routers poll on their own: the task log
//! names one task per query and their objects are listed per VM.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use super::wire::{self, int, text};
use super::StarVCenterClient;
use crate::cloud::CloudError;
use crate::http::Method;
use crate::waiter::{self, Poll, Schedule, FIRST_DELAY, GROWTH, MAX_DELAY, SHARED_STEADY};

/// What a finished task leaves behind, checked by polling the object.
#[derive(Clone, Debug)]
pub enum Target {
    /// The VM unlocked in this state code (附表1).
    VmState(String, String),
    /// The VM unlocked, whatever its state.
    VmSettled(String),
    /// The VM gone.
    VmGone(String),
    /// The backup (of that VM) usable.
    Backup(String, String),
    /// The snapshot (of that VM) usable.
    Snapshot(String, String),
    /// The disk (of that VM) listed with this size in GB, the VM unlocked.
    Disk(String, String, i64),
    /// The disk (of that VM) gone.
    DiskGone(String, String),
    /// The router (part 2, `network.rs`) online.
    Router(String),
}

impl Target {
    /// The VM the work holds locked (a router is a VM too).
    pub fn vm(&self) -> Option<&str> {
        match self {
            Target::VmState(id, _) | Target::VmSettled(id) | Target::VmGone(id) => Some(id),
            Target::Backup(vm, _)
            | Target::Snapshot(vm, _)
            | Target::Disk(vm, _, _)
            | Target::DiskGone(vm, _) => Some(vm),
            Target::Router(id) => Some(id),
        }
    }
}

/// What one task-log query said.
enum TaskLog {
    /// Terminal success: go on to check the object.
    Succeeded,
    /// Still queued or running.
    Running(String),
    /// Ended badly, with the task's own `resultinfo`.
    Failed(String),
    /// The log does not know it (or does not exist): poll the object.
    Unknown,
}

/// What one shared round of VM waits fetched: every VM by id, and whether work
/// ended since the round before (a VM it showed locked is unlocked or gone).
pub(super) struct VmRound {
    vms: HashMap<String, Value>,
    ended: bool,
}

/// What a shared round showed one wait: its VM (`None`: not listed) and whether
/// work ended since the round before.
pub(super) struct RoundSeen {
    vm: Option<Value>,
    ended: bool,
}

/// Follow-up rounds at most per poll of a wait.
const FOLLOW_UPS: usize = 2;

impl StarVCenterClient {
    /// Waits for task `startid` (if any) and then for `target`: in the shared rounds
    /// when the target is a VM ([`Self::wait_vm`]), else polling the task log and the
    /// object on the [`Schedule::Own`] cadence.
    pub(super) async fn wait(
        &self,
        startid: Option<&str>,
        target: &Target,
        what: &str,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let label = task_label(startid, what);
        if let Some((id, want)) = vm_wanted(target) {
            let then = |_| async { Ok(()) };
            return self
                .wait_vm(startid, id.trim(), want, &label, timeout, then)
                .await;
        }
        let task_done = AtomicBool::new(startid.is_none());
        let task_done = &task_done;
        waiter::wait_for(&label, timeout, || async move {
            if let (false, Some(id)) = (task_done.load(Ordering::Relaxed), startid) {
                match self.task_log(id).await? {
                    TaskLog::Running(status) => return Ok(Poll::Pending(status)),
                    TaskLog::Failed(message) => return Ok(Poll::Failed(message)),
                    TaskLog::Succeeded | TaskLog::Unknown => {
                        task_done.store(true, Ordering::Relaxed)
                    }
                }
            }
            self.object(target).await
        })
        .await
    }

    /// [`Self::wait`] for VM `id` to be unlocked in `state` (附表1), whose next step is
    /// `then`, given the VM as the round showed it there. `then` runs at the same time
    /// as the task-log query that confirms the task (one round trip instead of two);
    /// its answer counts only once the task log confirms: a task still running
    /// discards it, a failed task fails the wait with the task's message.
    pub(super) async fn wait_state_then<R, F, Fut>(
        &self,
        startid: Option<&str>,
        (id, state): (&str, &str),
        what: &str,
        timeout: Duration,
        then: F,
    ) -> Result<R, CloudError>
    where
        F: Fn(Option<Value>) -> Fut,
        Fut: Future<Output = Result<R, CloudError>>,
    {
        let label = task_label(startid, what);
        let want = Want::State(state);
        self.wait_vm(startid, id.trim(), want, &label, timeout, then)
            .await
    }

    /// Waits in the shared rounds ([`watch_vm`]) for VM `id` to reach `want` and for
    /// task `startid` (if any) to succeed: the round's search of every VM, the direct
    /// read `GET cloudvm/{id}` (StarVCenter API 2.2.3) when the round does not list the
    /// VM, and this task's log query; then `then`.
    async fn wait_vm<R, F, Fut>(
        &self,
        startid: Option<&str>,
        id: &str,
        want: Want<'_>,
        label: &str,
        timeout: Duration,
        then: F,
    ) -> Result<R, CloudError>
    where
        F: Fn(Option<Value>) -> Fut,
        Fut: Future<Output = Result<R, CloudError>>,
    {
        let watched = Watched {
            id,
            want,
            task: startid.is_some(),
        };
        let sources = Sources {
            round: |again| self.vm_in_round(id, again),
            direct: || self.vm_direct(id),
            log: || async move {
                match startid {
                    Some(task) => self.task_log(task).await,
                    None => Ok(TaskLog::Unknown),
                }
            },
            then,
        };
        watch_vm(watched, label, timeout, sources).await
    }

    /// VM `id` as the next shared round sees it (`again`: a follow-up round,
    /// [`SharedPoller::poll_again`](crate::cloud::poller::SharedPoller::poll_again)).
    /// One search of every VM (StarVCenter API 2.2.2: "无分页参数默认查询所有虚拟机")
    /// answers every VM wait of the round; it only reads, so it marks no VM written.
    async fn vm_in_round(&self, id: &str, again: bool) -> Result<RoundSeen, CloudError> {
        let fetch = |_| async {
            let vms: HashMap<String, Value> = self.all_vms_raw().await?.into_iter().collect();
            let ended = self.work_ended(&vms);
            Ok(VmRound { vms, ended })
        };
        let key = id.to_string();
        let round = match again {
            false => self.vm_rounds.poll(key, fetch).await?,
            true => self.vm_rounds.poll_again(key, fetch).await?,
        };
        Ok(RoundSeen {
            vm: round.vms.get(id).cloned(),
            ended: round.ended,
        })
    }

    /// Whether a VM the last round showed locked is unlocked or gone in `vms`; keeps
    /// `vms`' locked VMs for the next round.
    fn work_ended(&self, vms: &HashMap<String, Value>) -> bool {
        let locked: HashSet<String> = vms
            .iter()
            .filter(|(_, vm)| text(vm, "vm.lock").is_some_and(|l| l != "0"))
            .map(|(id, _)| id.clone())
            .collect();
        let mut last = self
            .locked_last_round
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let ended = last.iter().any(|id| !locked.contains(id));
        *last = locked;
        ended
    }

    /// One task-log query. The path is the project's assumption (docs/design/wire.md,
    /// "StarVCenter" task log), so any answer that is not a task record (a 404, a
    /// refusal, an empty `data`, a page that is not base64(JSON)) switches the log off
    /// for this instance and the wait polls the object; a not-found naming this task
    /// does so for this task only. Only transport failures and a refused token stay
    /// errors.
    async fn task_log(&self, startid: &str) -> Result<TaskLog, CloudError> {
        if !self.task_log.load(Ordering::Relaxed) {
            return Ok(TaskLog::Unknown);
        }
        let params = json!({ "task.startid": startid });
        let answer = self
            .read(Method::Post, "cloudtask/search", Some(params))
            .await;
        let record = match &answer {
            Ok(reply) => wire::items(&reply.data)
                .into_iter()
                .next()
                .filter(|task| text(task, "task.result").is_some()),
            Err(CloudError::Http(_) | CloudError::Auth(_)) => {
                return answer.map(|_| TaskLog::Unknown)
            }
            Err(CloudError::Api { message, .. }) if wire::is_not_found_of(message, startid) => {
                tracing::info!("StarVCenter task log does not know task {startid} ({message}): polling the object");
                return Ok(TaskLog::Unknown);
            }
            Err(_) => None,
        };
        let Some(task) = record else {
            let why = match &answer {
                Ok(reply) => format!(
                    "no task record in {}",
                    crate::secrets::redact(&reply.data.to_string())
                ),
                Err(e) => e.to_string(),
            };
            tracing::info!("StarVCenter cloudtask/search gave no task record ({why}): polling objects instead from now on");
            self.task_log.store(false, Ordering::Relaxed);
            return Ok(TaskLog::Unknown);
        };
        let code = text(&task, "task.result").unwrap_or_default();
        let info = text(&task, "task.resultinfo").unwrap_or_default();
        Ok(match code.as_str() {
            "0" => TaskLog::Succeeded,
            "2" | "3" => TaskLog::Running(format!(
                "{}, {}%",
                wire::task_code_name(&code),
                int(&task, "task.progress").unwrap_or(0)
            )),
            "1" | "4" | "5" | "6" | "7" => TaskLog::Failed(if info.is_empty() {
                format!("task-log code {code} ({})", wire::task_code_name(&code))
            } else {
                format!(
                    "{info} (task-log code {code}: {})",
                    wire::task_code_name(&code)
                )
            }),
            // A code 附表4 lacks: still pending; a timeout names it.
            other => TaskLog::Running(format!(
                "task-log code {other} (not in the task-log code table)"
            )),
        })
    }

    /// Polls the object a task works on (not a VM: VMs are watched in the shared rounds).
    async fn object(&self, target: &Target) -> Result<Poll<()>, CloudError> {
        match target {
            // Waited on in the shared rounds (`wait_vm`), never here.
            Target::VmState(id, _) | Target::VmSettled(id) | Target::VmGone(id) => {
                Err(CloudError::Protocol(format!(
                    "VM {id} is waited on in the shared rounds, not polled on its own"
                )))
            }
            Target::Snapshot(vm, id) => {
                let snapshots = self.vm_snapshots(vm).await?;
                Ok(match snapshots.iter().find(|s| &s.id == id) {
                    None => {
                        Poll::Failed(format!("snapshot {id} disappeared while it was being made"))
                    }
                    Some(s) if s.status == "available" => Poll::Done(()),
                    Some(_) => Poll::Pending(format!("snapshot {id} not usable yet")),
                })
            }
            Target::Disk(vm, id, size) => self.disk_settled(vm, id, *size).await,
            Target::DiskGone(vm, id) => {
                let disks = self.vm_disks(vm).await?;
                Ok(match disks.iter().any(|d| &d.id == id) {
                    false => Poll::Done(()),
                    true => Poll::Pending(format!("disk {id} still listed on VM {vm}")),
                })
            }
            Target::Backup(vm, id) => {
                let backups = self.vm_backups(vm).await?;
                Ok(match backups.iter().find(|b| &b.id == id) {
                    None => {
                        Poll::Failed(format!("backup {id} disappeared while it was being made"))
                    }
                    Some(b) if b.status == "available" => Poll::Done(()),
                    Some(_) => Poll::Pending(format!("backup {id} not usable yet")),
                })
            }
            Target::Router(id) => self.router_poll(id).await,
        }
    }

    /// A disk is settled when it has the wanted size and its VM is unlocked.
    async fn disk_settled(&self, vm: &str, id: &str, size: i64) -> Result<Poll<()>, CloudError> {
        let disks = self.vm_disks(vm).await?;
        let Some(disk) = disks.iter().find(|d| d.id == id) else {
            return Ok(Poll::Failed(format!("disk {id} disappeared from VM {vm}")));
        };
        let lock = match self.vm_raw(vm).await? {
            Some(v) => text(&v, "vm.lock").unwrap_or_else(|| "0".into()),
            None => return Ok(Poll::Failed(format!("VM {vm} disappeared"))),
        };
        Ok(if disk.size_gb == Some(size) && lock == "0" {
            Poll::Done(())
        } else {
            Poll::Pending(format!(
                "disk {id} {} GB (lock code {lock})",
                disk.size_gb.unwrap_or(0)
            ))
        })
    }
}

/// What a VM wait waits for.
#[derive(Clone, Copy, Debug)]
enum Want<'a> {
    /// The VM unlocked in this state code (附表1).
    State(&'a str),
    /// The VM unlocked, whatever its state.
    Settled,
    /// The VM gone.
    Gone,
}

/// The VM a wait watches, what it waits for, and whether a logged task works on it.
#[derive(Clone, Copy, Debug)]
struct Watched<'a> {
    id: &'a str,
    want: Want<'a>,
    task: bool,
}

/// What a round (and the direct read when the round does not list the VM) says of
/// the VM against what the wait wants.
#[derive(Debug)]
enum Verdict {
    /// At the target: wanted state and lock code 0 (附表2), or gone for a delete.
    Reached,
    /// Not there yet. `unlocked`: nothing holds the VM (lock code 0), which is how a
    /// task that ended without reaching the target leaves it.
    Short { status: String, unlocked: bool },
    /// It never will: state -2 (附表1 创建失败), or gone while the wait wants it.
    Lost(String),
}

/// The verdict on VM `watched.id` as seen (`None`: gone).
fn verdict(watched: &Watched, seen: Option<&Value>) -> Verdict {
    let id = watched.id;
    let Some(vm) = seen else {
        return match watched.want {
            Want::Gone => Verdict::Reached,
            _ => Verdict::Lost(format!("VM {id} disappeared")),
        };
    };
    let state = text(vm, "vm.state").unwrap_or_default();
    let lock = text(vm, "vm.lock").unwrap_or_else(|| "0".into());
    let unlocked = lock == "0";
    let wanted = match watched.want {
        Want::Gone => {
            let status = format!("VM {id} still listed ({})", wire::state_word(&state));
            return Verdict::Short { status, unlocked };
        }
        _ if state == "-2" => {
            return Verdict::Lost(format!(
                "VM {id} is in state -2 (创建失败, creation failed)"
            ))
        }
        Want::State(want) => state == want,
        Want::Settled => true,
    };
    match wanted && unlocked {
        true => Verdict::Reached,
        false => Verdict::Short {
            status: format!("VM {id} {} (lock code {lock})", wire::state_word(&state)),
            unlocked,
        },
    }
}

/// The first time after `after` (counted from a wait's start) at which the
/// [`Schedule::Own`] cadence polls: 0.5 s, then each pause 1.5× the last, at most 10 s
/// (0.5, 1.25, 2.4, 4.1, 6.6, 10.4, 16.1 s, …).
fn own_time_after(after: Duration) -> Duration {
    let (mut at, mut pause) = (FIRST_DELAY, FIRST_DELAY);
    while at <= after {
        pause = pause.mul_f64(GROWTH).min(MAX_DELAY);
        at += pause;
    }
    at
}

/// What a VM wait knows between its polls.
#[derive(Debug)]
struct Progress {
    /// The task succeeded, or there is no task log to ask: the VM alone decides.
    task_done: bool,
    /// The round did not list the VM and the direct read said it is gone.
    gone: bool,
    /// The earliest time (since the wait began) of the next task-log query.
    next_query: Duration,
    /// What the task log said at the last query, while the task runs.
    task_status: Option<String>,
}

impl Progress {
    fn new(task: bool) -> Self {
        Self {
            task_done: !task,
            gone: false,
            next_query: Duration::ZERO,
            task_status: None,
        }
    }

    /// Whether this poll, `elapsed` into the wait, queries the task log (never once
    /// the task is known done):
    /// - when the VM is lost, right away (the wait fails; the task's own message is
    ///   the better one);
    /// - when the VM shows its target (to confirm) or shows unlocked short of it (the
    ///   task may have ended badly), not before `next_query`, the [`Schedule::Own`]
    ///   cadence's next time after the last query;
    /// - whatever the VM shows, on that cadence from [`SHARED_STEADY`] on, so a
    ///   failure the VM never shows ends the wait too.
    fn asks(&self, verdict: &Verdict, elapsed: Duration) -> bool {
        if self.task_done {
            return false;
        }
        match verdict {
            Verdict::Lost(_) => true,
            _ if elapsed < self.next_query => false,
            Verdict::Reached | Verdict::Short { unlocked: true, .. } => true,
            Verdict::Short { .. } => elapsed >= SHARED_STEADY,
        }
    }

    /// A task-log query was sent `elapsed` into the wait.
    fn asked(&mut self, elapsed: Duration) {
        self.next_query = own_time_after(elapsed);
    }

    /// The poll's outcome: the task log's answer (when asked) first, then the VM.
    fn outcome(&mut self, verdict: Verdict, log: Option<TaskLog>) -> Poll<()> {
        match log {
            Some(TaskLog::Failed(message)) => return Poll::Failed(message),
            Some(TaskLog::Running(status)) => self.task_status = Some(status),
            Some(TaskLog::Succeeded | TaskLog::Unknown) => self.task_done = true,
            None => {}
        }
        let status = match verdict {
            Verdict::Lost(message) => return Poll::Failed(message),
            Verdict::Reached if self.task_done => return Poll::Done(()),
            Verdict::Reached => "the VM shows its target".to_string(),
            Verdict::Short { status, .. } => status,
        };
        Poll::Pending(match (&self.task_status, self.task_done) {
            (Some(task), false) => format!("{status}; task {task}"),
            _ => status,
        })
    }
}

/// What a VM wait reads: the VM in a shared round (`true`: a follow-up round), the
/// direct read (`None`: gone), the task log, and the step after the target.
struct Sources<R, D, L, T> {
    round: R,
    direct: D,
    log: L,
    then: T,
}

/// The VM waits' rule (docs/design/wire.md, "Batched reads and shared polls",
/// StarVCenter round): every poll is a shared round (`round`: the VM's entry in one
/// search of every VM) on [`Schedule::Shared`]. A VM the round does not list is read
/// directly (`direct`, `GET cloudvm/{id}`), which alone may say it is gone; once it
/// has, a delete's later polls take it as gone. The task log (`log`) stays the
/// authority on the task's outcome and is queried as [`Progress::asks`] says: the
/// wait is done when the VM shows its target and the task log confirms success (or
/// has nothing to say); a failed task ends it with the task's own `resultinfo`.
/// `then` runs on the VM as seen at its target, with the confirming query, and its
/// answer is the wait's once the task is confirmed.
async fn watch_vm<R, RF, D, DF, L, LF, T, TF, V>(
    watched: Watched<'_>,
    label: &str,
    timeout: Duration,
    sources: Sources<R, D, L, T>,
) -> Result<V, CloudError>
where
    R: Fn(bool) -> RF,
    RF: Future<Output = Result<RoundSeen, CloudError>>,
    D: Fn() -> DF,
    DF: Future<Output = Result<Option<Value>, CloudError>>,
    L: Fn() -> LF,
    LF: Future<Output = Result<TaskLog, CloudError>>,
    T: Fn(Option<Value>) -> TF,
    TF: Future<Output = Result<V, CloudError>>,
{
    let began = Instant::now();
    let progress = tokio::sync::Mutex::new(Progress::new(watched.task));
    let progress = &progress;
    let sources = &sources;
    waiter::wait_with(Schedule::Shared, label, timeout, || async move {
        let mut p = progress.lock().await;
        let mut round = (sources.round)(false).await?;
        // Work ended around this round while this VM is still short of its target:
        // the rest of a wave started together is likely a moment behind, so look
        // again soon rather than a whole tick later.
        for _ in 0..FOLLOW_UPS {
            let short = round
                .vm
                .as_ref()
                .is_some_and(|vm| matches!(verdict(&watched, Some(vm)), Verdict::Short { .. }));
            if !(round.ended && short) {
                break;
            }
            round = (sources.round)(true).await?;
        }
        let seen = match round.vm {
            Some(vm) => Some(vm),
            None if p.gone => None,
            None => {
                let read = (sources.direct)().await?;
                p.gone = read.is_none();
                read
            }
        };
        let verdict = verdict(&watched, seen.as_ref());
        let elapsed = began.elapsed();
        let asks = p.asks(&verdict, elapsed);
        if asks {
            p.asked(elapsed);
        }
        // The step after the target goes with the query that may confirm it.
        let reached = matches!(verdict, Verdict::Reached) && (asks || p.task_done);
        let (answer, next) = match (asks, reached) {
            (true, true) => {
                let (log, next) = tokio::join!((sources.log)(), (sources.then)(seen.clone()));
                (Some(log?), Some(next))
            }
            (true, false) => (Some((sources.log)().await?), None),
            (false, true) => (None, Some((sources.then)(seen.clone()).await)),
            (false, false) => (None, None),
        };
        Ok(match p.outcome(verdict, answer) {
            Poll::Done(()) => match next {
                Some(next) => Poll::Done(next?),
                None => Poll::Done((sources.then)(seen).await?),
            },
            Poll::Pending(status) => Poll::Pending(status),
            Poll::Failed(message) => Poll::Failed(message),
        })
    })
    .await
}

/// How a task is named in logs and errors.
fn task_label(startid: Option<&str>, what: &str) -> String {
    match startid {
        Some(id) => format!("StarVCenter task {id} ({what})"),
        None => format!("StarVCenter {what}"),
    }
}

/// The VM a target waits on in the shared rounds and what for; `None` for targets
/// polled on their own.
fn vm_wanted(target: &Target) -> Option<(&str, Want<'_>)> {
    match target {
        Target::VmState(id, state) => Some((id, Want::State(state))),
        Target::VmSettled(id) => Some((id, Want::Settled)),
        Target::VmGone(id) => Some((id, Want::Gone)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::sync::Mutex;

    /// A simulated VM and its task, by time since the test began.
    struct Script {
        began: Instant,
        /// The VM's entry at a time since the start (`None`: not listed).
        vm: fn(Duration) -> Option<Value>,
        /// What the direct read says (`None`: gone).
        direct: fn(Duration) -> Option<Value>,
        /// What the task log says.
        log: fn(Duration) -> TaskLog,
        rounds: AtomicU32,
        /// Whether the round at a time shows work ended since the one before.
        ended: fn(Duration) -> bool,
        /// When each round was fetched, and whether it was a follow-up.
        round_times: Mutex<Vec<(Duration, bool)>>,
        directs: AtomicU32,
        /// How long a task-log query takes (0 unless a test needs a round trip).
        log_latency: Duration,
        queries: Mutex<Vec<Duration>>,
    }

    impl Script {
        fn new(
            vm: fn(Duration) -> Option<Value>,
            direct: fn(Duration) -> Option<Value>,
            log: fn(Duration) -> TaskLog,
        ) -> Self {
            Self {
                began: Instant::now(),
                vm,
                direct,
                log,
                rounds: AtomicU32::new(0),
                ended: |_| false,
                round_times: Mutex::new(Vec::new()),
                directs: AtomicU32::new(0),
                log_latency: Duration::ZERO,
                queries: Mutex::new(Vec::new()),
            }
        }

        async fn watch(&self, want: Want<'_>) -> Result<(), CloudError> {
            self.watch_within(want, Duration::from_secs(600)).await
        }

        async fn watch_within(&self, want: Want<'_>, timeout: Duration) -> Result<(), CloudError> {
            let watched = Watched {
                id: "vm-1",
                want,
                task: true,
            };
            // Paused time: a wait that never ends fails the test after 10 minutes.
            self.watch_then(watched, timeout, |_| async { Ok(()) })
                .await
        }

        /// The wait with `then` as its last step.
        async fn watch_then<V, T, TF>(
            &self,
            watched: Watched<'_>,
            timeout: Duration,
            then: T,
        ) -> Result<V, CloudError>
        where
            T: Fn(Option<Value>) -> TF,
            TF: Future<Output = Result<V, CloudError>>,
        {
            let sources = Sources {
                round: |again| async move {
                    if again {
                        // What the poller does for a follow-up round.
                        tokio::time::sleep(crate::cloud::poller::FOLLOW_UP).await;
                    }
                    self.rounds.fetch_add(1, Ordering::SeqCst);
                    let at = self.began.elapsed();
                    self.round_times.lock().unwrap().push((at, again));
                    Ok(RoundSeen {
                        vm: (self.vm)(at),
                        ended: (self.ended)(at),
                    })
                },
                direct: || async {
                    self.directs.fetch_add(1, Ordering::SeqCst);
                    Ok((self.direct)(self.began.elapsed()))
                },
                log: || async {
                    let at = self.began.elapsed();
                    self.queries.lock().unwrap().push(at);
                    tokio::time::sleep(self.log_latency).await;
                    Ok((self.log)(at))
                },
                then,
            };
            let watch = watch_vm(watched, "StarVCenter task 7 (test)", timeout, sources);
            tokio::time::timeout(Duration::from_secs(600), watch)
                .await
                .expect("the wait ends")
        }

        /// The wait of a create (VM state 1, a logged task) whose last step records
        /// what it was given in `thens` and answers the VM's state.
        async fn watch_recording(&self, thens: &Thens) -> Result<String, CloudError> {
            let watched = Watched {
                id: "vm-1",
                want: Want::State("1"),
                task: true,
            };
            self.watch_then(watched, Duration::from_secs(600), |vm| {
                record_then(self, thens, vm)
            })
            .await
        }

        fn queries(&self) -> Vec<Duration> {
            self.queries.lock().unwrap().clone()
        }
    }

    fn vm(state: &str, lock: &str) -> Option<Value> {
        Some(json!({"vm.id": "vm-1", "vm.state": state, "vm.lock": lock}))
    }

    /// A create whose task ends at `MS` ms: installing and locked, then running and
    /// unlocked.
    fn creating_until<const MS: u64>(t: Duration) -> Option<Value> {
        match t < Duration::from_millis(MS) {
            true => vm("3", "1"),
            false => vm("1", "0"),
        }
    }

    /// A task log that says running until `MS` ms, then success.
    fn done_after<const MS: u64>(t: Duration) -> TaskLog {
        match t < Duration::from_millis(MS) {
            true => TaskLog::Running("执行中 running, 50%".into()),
            false => TaskLog::Succeeded,
        }
    }

    fn failed(_: Duration) -> TaskLog {
        TaskLog::Failed("宿主机资源不足: host has no free cores (task-log code 1)".into())
    }

    fn never(_: Duration) -> Option<Value> {
        panic!("no direct read expected")
    }

    #[test]
    fn the_own_cadence_is_half_a_second_growing_by_half() {
        let at = |s: f64| own_time_after(Duration::from_secs_f64(s)).as_secs_f64();
        assert_eq!(at(0.0), 0.5);
        assert_eq!(at(0.5), 1.25);
        assert_eq!(at(2.0), 2.375);
        assert!((at(5.0) - 6.59375).abs() < 1e-9, "{}", at(5.0));
        // The pause stops growing at 10 s.
        assert!((at(100.0) - at(at(100.0))).abs() <= 10.0 + 1e-9);
    }

    /// The VM's state as `then` was given it, and when.
    type Thens = Mutex<Vec<(Duration, Option<String>)>>;

    async fn record_then(
        script: &Script,
        thens: &Thens,
        vm: Option<Value>,
    ) -> Result<String, CloudError> {
        let state = vm.as_ref().and_then(|v| text(v, "vm.state"));
        thens
            .lock()
            .unwrap()
            .push((script.began.elapsed(), state.clone()));
        Ok(state.unwrap_or_default())
    }

    fn running_vm(_: Duration) -> Option<Value> {
        vm("1", "0")
    }

    #[tokio::test(start_paused = true)]
    async fn the_step_after_the_target_goes_with_the_confirming_query_and_answers_the_wait() {
        let mut script = Script::new(creating_until::<2000>, never, done_after::<2000>);
        // A round trip per query, so that a step run after the query starts later.
        script.log_latency = Duration::from_millis(30);
        let thens = Thens::default();
        let seen = script.watch_recording(&thens).await.unwrap();
        assert_eq!(
            seen, "1",
            "the wait answers what `then` made of the VM at its target"
        );
        let queries = script.queries();
        let thens = thens.into_inner().unwrap();
        assert_eq!(queries.len(), 1, "{queries:?}");
        assert_eq!(thens.len(), 1, "{thens:?}");
        assert_eq!(
            thens[0].0, queries[0],
            "`then` runs with the confirming query, not after it"
        );
        assert_eq!(thens[0].1.as_deref(), Some("1"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_step_after_the_target_counts_only_once_the_task_log_confirms() {
        // The VM shows its target at once, the task log says running until 3 s: the
        // steps run with the queries before are thrown away, the wait ends after 3 s.
        let script = Script::new(running_vm, never, done_after::<3000>);
        let thens = Thens::default();
        script.watch_recording(&thens).await.unwrap();
        let queries = script.queries();
        assert!(
            *queries.last().unwrap() >= Duration::from_secs(3),
            "{queries:?}"
        );
        assert!(queries.len() >= 2, "{queries:?}");
        assert_eq!(
            thens.into_inner().unwrap().len(),
            queries.len(),
            "one step per confirming query"
        );
        assert!(script.began.elapsed() >= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_task_fails_the_wait_whatever_the_step_after_the_target_says() {
        let script = Script::new(running_vm, never, failed);
        let thens = Thens::default();
        let error = script.watch_recording(&thens).await.unwrap_err();
        assert!(
            error.to_string().contains("host has no free cores"),
            "{error}"
        );
    }

    fn round_secs(script: &Script) -> Vec<(f64, bool)> {
        let times = script.round_times.lock().unwrap();
        times
            .iter()
            .map(|(t, again)| (t.as_secs_f64(), *again))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn work_ending_around_a_round_brings_a_follow_up_round_for_the_waits_still_short() {
        // Other VMs of the wave unlock by the 2.0 s round; this one a moment later.
        let mut script = Script::new(creating_until::<2100>, never, done_after::<2100>);
        script.ended = |t| t >= Duration::from_secs(2);
        script.watch(Want::State("1")).await.unwrap();
        let rounds = round_secs(&script);
        assert_eq!(
            rounds,
            vec![
                (0.5, false),
                (1.0, false),
                (1.5, false),
                (2.0, false),
                (2.15, true)
            ],
            "one follow-up 150 ms after the round that saw work end"
        );
        let queries = script.queries();
        assert_eq!(
            queries,
            vec![Duration::from_millis(2150)],
            "confirmed at the follow-up"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn rounds_keep_the_tick_while_no_work_ends_and_follow_ups_are_bounded() {
        // No work ends: the task's end at 2.1 s is seen by the 2.5 s round.
        let script = Script::new(creating_until::<2100>, never, done_after::<2100>);
        script.watch(Want::State("1")).await.unwrap();
        let rounds = round_secs(&script);
        assert!(rounds.iter().all(|(_, again)| !again), "{rounds:?}");
        assert_eq!(rounds.last().unwrap().0, 2.5, "{rounds:?}");
        // Work ends around every round (other waits settling all the time): at most
        // two follow-ups after each round.
        let mut script = Script::new(creating_until::<2100>, never, done_after::<2100>);
        script.ended = |_| true;
        script.watch(Want::State("1")).await.unwrap();
        let rounds = round_secs(&script);
        let mut in_a_row = 0;
        for (_, again) in &rounds {
            in_a_row = if *again { in_a_row + 1 } else { 0 };
            assert!(in_a_row <= FOLLOW_UPS, "{rounds:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_ends_well_costs_one_task_log_query_once_the_vm_shows_it() {
        let script = Script::new(creating_until::<2000>, never, done_after::<2000>);
        script.watch(Want::State("1")).await.unwrap();
        let queries = script.queries();
        assert_eq!(queries.len(), 1, "{queries:?}");
        assert!(queries[0] >= Duration::from_secs(2), "{queries:?}");
        // Rounds at 0.5, 1.0, 1.5, 2.0 s: the last one shows the VM running.
        assert_eq!(script.rounds.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_running_task_keeps_the_wait_going_though_the_vm_shows_its_target() {
        // A password reset: the VM is unlocked all along; the task ends at 2 s.
        let script = Script::new(|_| vm("1", "0"), never, done_after::<2000>);
        script.watch(Want::Settled).await.unwrap();
        let queries = script.queries();
        // At the 0.5 s round (running), then at the first rounds after the cadence's
        // 1.25 s (running) and 2.375 s (succeeded).
        let secs: Vec<f64> = queries.iter().map(|d| d.as_secs_f64()).collect();
        assert_eq!(secs, vec![0.5, 1.5, 2.5]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_task_whose_vm_stays_locked_ends_the_wait_from_the_fifth_second() {
        // The VM never shows anything but its lock; only the task log can tell.
        let script = Script::new(|_| vm("0", "1"), never, failed);
        let error = script.watch(Want::State("1")).await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains("host has no free cores"), "{text}");
        assert!(text.contains("StarVCenter task 7"), "{text}");
        let queries = script.queries();
        assert_eq!(queries, vec![Duration::from_secs(5)], "{queries:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_task_that_leaves_the_vm_unlocked_short_of_its_target_ends_at_once() {
        // A start that fails at 1 s: the VM is stopped and unlocked again.
        fn starting(t: Duration) -> Option<Value> {
            match t < Duration::from_secs(1) {
                true => vm("0", "1"),
                false => vm("0", "0"),
            }
        }
        let script = Script::new(starting, never, failed);
        let text = script
            .watch(Want::State("1"))
            .await
            .unwrap_err()
            .to_string();
        assert!(text.contains("host has no free cores"), "{text}");
        assert_eq!(script.queries(), vec![Duration::from_secs(1)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_vm_in_state_minus_two_fails_at_once_with_the_tasks_message() {
        fn broken(t: Duration) -> Option<Value> {
            match t < Duration::from_secs(1) {
                true => vm("3", "1"),
                false => vm("-2", "0"),
            }
        }
        let script = Script::new(broken, never, failed);
        let text = script
            .watch(Want::State("1"))
            .await
            .unwrap_err()
            .to_string();
        assert!(text.contains("host has no free cores"), "{text}");
        assert_eq!(script.queries().len(), 1);
        // Without a task log the VM's own state says it.
        let script = Script::new(broken, never, |_| TaskLog::Unknown);
        let text = script
            .watch(Want::State("1"))
            .await
            .unwrap_err()
            .to_string();
        assert!(text.contains("state -2"), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_vm_the_round_does_not_list_is_pending_until_the_direct_read_says_gone() {
        // Not listed yet for the first second; the direct read shows it meanwhile.
        fn late(t: Duration) -> Option<Value> {
            (t >= Duration::from_secs(1))
                .then(|| creating_until::<2000>(t))
                .flatten()
        }
        let script = Script::new(late, |_| vm("3", "1"), done_after::<2000>);
        script.watch(Want::State("1")).await.unwrap();
        assert_eq!(script.directs.load(Ordering::SeqCst), 1);
        // Gone on the direct read: the create fails, naming the VM.
        let script = Script::new(|_| None, |_| None, done_after::<2000>);
        let text = script
            .watch(Want::State("1"))
            .await
            .unwrap_err()
            .to_string();
        assert!(text.contains("VM vm-1 disappeared"), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_delete_is_done_when_the_direct_read_confirms_the_vm_gone_and_the_task_succeeded() {
        // Listed until 2 s; the task log reports success a moment later.
        fn deleting(t: Duration) -> Option<Value> {
            (t < Duration::from_secs(2)).then(|| vm("0", "1")).flatten()
        }
        let script = Script::new(deleting, |_| None, done_after::<3000>);
        script.watch(Want::Gone).await.unwrap();
        // Confirmed gone once (2 s); the task log asked then (running), at the 2.5 s
        // round (the cadence's 2.375 s had come) and at the 4.5 s one (its 4.06 s).
        assert_eq!(script.directs.load(Ordering::SeqCst), 1);
        let secs: Vec<f64> = script.queries().iter().map(|d| d.as_secs_f64()).collect();
        assert_eq!(secs, vec![2.0, 2.5, 4.5]);
    }

    // Real time: the waiter measures its timeout on the wall clock.
    #[tokio::test]
    async fn a_timeout_names_the_task_and_what_the_vm_and_the_task_showed_last() {
        let script = Script::new(|_| vm("3", "1"), never, done_after::<2000>);
        let error = script
            .watch_within(Want::State("1"), Duration::from_millis(1200))
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, CloudError::Timeout { .. }), "{text}");
        assert!(text.contains("StarVCenter task 7"), "{text}");
        assert!(text.contains("VM vm-1 installing (lock code 1)"), "{text}");
        assert!(script.queries().is_empty(), "{:?}", script.queries());
    }
}
