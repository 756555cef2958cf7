//! Waiting on StarVCenter tasks (docs/design/wire.md, "StarVCenter"): the task log first (`POST cloudtask/search`
//! with `{"task.startid"}`, codes of StarVCenter API 附表4), then the object itself once the
//! task is done — or instead of the task log when it answers not-found.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;

use super::wire::{self, int, text};
use super::StarVCenterClient;
use crate::cloud::CloudError;
use crate::http::Method;
use crate::waiter::{self, Poll};

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

impl StarVCenterClient {
    /// Waits for task `startid` (if any) and then for `target`.
    pub(super) async fn wait(
        &self,
        startid: Option<&str>,
        target: &Target,
        what: &str,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let label = match startid {
            Some(id) => format!("StarVCenter task {id} ({what})"),
            None => format!("StarVCenter {what}"),
        };
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

    /// Polls the object a task works on.
    async fn object(&self, target: &Target) -> Result<Poll<()>, CloudError> {
        match target {
            Target::VmGone(id) => Ok(match self.vm_raw(id).await? {
                None => Poll::Done(()),
                Some(v) => Poll::Pending(format!(
                    "VM {id} still listed ({})",
                    wire::state_word(&text(&v, "vm.state").unwrap_or_default())
                )),
            }),
            Target::VmState(id, _) | Target::VmSettled(id) => {
                let Some(v) = self.vm_raw(id).await? else {
                    return Ok(Poll::Failed(format!("VM {id} disappeared")));
                };
                let state = text(&v, "vm.state").unwrap_or_default();
                let lock = text(&v, "vm.lock").unwrap_or_else(|| "0".into());
                if state == "-2" {
                    return Ok(Poll::Failed(format!(
                        "VM {id} is in state -2 (创建失败, creation failed)"
                    )));
                }
                let wanted = match target {
                    Target::VmState(_, want) => &state == want,
                    _ => true,
                };
                Ok(if wanted && lock == "0" {
                    Poll::Done(())
                } else {
                    Poll::Pending(format!(
                        "VM {id} {} (lock code {lock})",
                        wire::state_word(&state)
                    ))
                })
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
