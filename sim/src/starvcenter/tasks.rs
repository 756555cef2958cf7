//! Asynchronous work (doc 1.4: "异步" calls answer `startid`), the task log (docs/design/wire.md, "StarVCenter":
//! `POST cloudtask/search` with `{"task.startid"}`; codes of doc 附表4) and VM locks
//! (附表2): while a task runs, every other change to its VM answers `result: "1"`
//! naming the lock. Tasks end lazily by wall-clock time.

use super::model::{state, Effect, Task};
use super::shape::TaskLogAnswer;
use super::{fail, Answer, Call, Fail, StarVCenter};
use serde_json::{json, Value};

/// Finished tasks stay in the task log this long.
const KEEP_FINISHED_MS: u64 = 60 * 60 * 1000;

/// Default `task.resultinfo` of a failure code (附表4 names).
fn failure_text(code: u8) -> &'static str {
    match code {
        1 => "失败: task failed (injected by polycloud-sim)",
        4 => "任务丢失: the server stopped before the queued task ran",
        5 => "执行超时: the task timed out",
        6 => "异常终止: the server stopped while the task ran",
        _ => "已取消: the task was cancelled by a user",
    }
}

impl StarVCenter {
    /// Starts a task of `kind` holding `vm` with lock code `lock`; returns its startid.
    pub(super) fn start_task(
        &mut self,
        kind: &str,
        vm: &str,
        lock: i32,
        effect: Effect,
        now: u64,
    ) -> String {
        let (outcome, resultinfo) = match self.take_fail_rule(kind) {
            Some(rule) => (
                rule.result,
                rule.resultinfo
                    .unwrap_or_else(|| failure_text(rule.result).to_string()),
            ),
            None => (0, String::new()),
        };
        let startid = self.next_task.to_string();
        self.next_task += 1;
        self.tasks.push(Task {
            startid: startid.clone(),
            kind: kind.to_string(),
            vm: vm.to_string(),
            lock,
            start_ms: now,
            end_ms: now + self.task_ms,
            result: None,
            outcome,
            resultinfo,
            effect,
        });
        startid
    }

    /// Starts a task that only holds `vm` locked for `ms` (control endpoint).
    pub(super) fn hold(&mut self, vm: &str, code: i32, ms: u64, now: u64) -> String {
        let startid = self.start_task("hold", vm, code, Effect::Hold, now);
        if let Some(task) = self.tasks.iter_mut().find(|t| t.startid == startid) {
            task.end_ms = now + ms;
        }
        startid
    }

    /// The queued failure that applies to a new task of `kind` (consumed).
    fn take_fail_rule(&mut self, kind: &str) -> Option<super::FailRule> {
        let index = self
            .fail_rules
            .iter()
            .position(|r| r.kind.as_deref().is_none_or(|k| k == kind))?;
        let rule = self.fail_rules[index].clone();
        self.fail_rules[index].count -= 1;
        if self.fail_rules[index].count == 0 {
            self.fail_rules.remove(index);
        }
        Some(rule)
    }

    /// Ends every task whose time has come, in end order; forgets old ones.
    pub(super) fn advance(&mut self, now: u64) {
        let mut due: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| self.tasks[i].result.is_none() && self.tasks[i].end_ms <= now)
            .collect();
        due.sort_by_key(|&i| (self.tasks[i].end_ms, self.tasks[i].startid.clone()));
        for index in due {
            let task = &mut self.tasks[index];
            task.result = Some(task.outcome);
            let task = task.clone();
            if task.outcome == 0 {
                self.apply(&task);
            } else {
                self.undo(&task);
            }
        }
        self.tasks
            .retain(|t| t.result.is_none() || t.end_ms + KEEP_FINISHED_MS > now);
    }

    /// A successful task's effect.
    fn apply(&mut self, task: &Task) {
        match &task.effect {
            Effect::Delete => {
                self.remove_vm(&task.vm);
                return;
            }
            Effect::DiskDelete(id) => {
                self.disks.remove(id);
            }
            Effect::DiskExtend(id, size) => {
                if let Some(d) = self.disks.get_mut(id) {
                    d.size = *size;
                }
            }
            Effect::BackupCreate(id) => {
                if let Some(b) = self.backups.get_mut(id) {
                    b.enable = true;
                }
            }
            Effect::SnapshotCreate(id) => {
                if let Some(b) = self.snapshots.get_mut(id) {
                    b.enable = true;
                }
            }
            _ => {}
        }
        let Some(vm) = self.vms.get_mut(&task.vm) else {
            return;
        };
        match &task.effect {
            Effect::Create | Effect::Start | Effect::Restart => vm.state = state::RUNNING,
            Effect::Stop => vm.state = state::STOPPED,
            Effect::Cpu(n) => vm.cpu = *n,
            Effect::Memory(n) => vm.memory = *n,
            Effect::Password(p) => vm.password = p.clone(),
            _ => {}
        }
    }

    /// A failed task: nothing changes, except that a failed create leaves the VM in
    /// state -2 (创建失败) and a failed backup/snapshot is removed.
    fn undo(&mut self, task: &Task) {
        match &task.effect {
            Effect::Create => {
                if let Some(vm) = self.vms.get_mut(&task.vm) {
                    vm.state = state::CREATE_FAILED;
                }
            }
            Effect::BackupCreate(id) => {
                self.backups.remove(id);
            }
            Effect::SnapshotCreate(id) => {
                self.snapshots.remove(id);
            }
            _ => {}
        }
    }

    /// The lock code a VM has now: its running task's, else the one set out of band.
    pub(super) fn lock_of(&self, vm: &str) -> i32 {
        self.tasks
            .iter()
            .find(|t| t.vm == vm && t.result.is_none())
            .map(|t| t.lock)
            .or_else(|| self.vms.get(vm).map(|v| v.lock))
            .unwrap_or(0)
    }

    /// Fails when the VM is locked (附表2: "只要是为非0状态，代表虚拟机不能做任何操作").
    pub(super) fn ensure_unlocked(&self, vm: &str) -> Result<(), Fail> {
        let code = self.lock_of(vm);
        if code == 0 {
            return Ok(());
        }
        let task = self
            .tasks
            .iter()
            .find(|t| t.vm == vm && t.result.is_none())
            .map(|t| format!(", task {}", t.startid))
            .unwrap_or_default();
        fail(self.shape.lock_refusal(vm, code, &task))
    }

    /// `POST cloudtask/search` (docs/design/wire.md, "StarVCenter"); 404 when switched off by the control API.
    pub(super) fn task_log_call(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        if call.segs != ["cloudtask", "search"] || call.method != "POST" || !self.task_log {
            return None;
        }
        Some(match self.shape.task_log {
            TaskLogAnswer::Refused => fail("不支持的接口: unknown function cloudtask/search"),
            TaskLogAnswer::Empty => Ok(Answer::data(json!(""))),
            _ => self.task_search(call),
        })
    }

    /// Whether this request is a task-log query that the `not_base64` shape answers
    /// with an HTML page.
    pub(super) fn task_log_is_a_page(&self, req: &crate::http::ApiRequest) -> bool {
        self.task_log
            && self.shape.task_log == TaskLogAnswer::NotBase64
            && req.method == "POST"
            && req
                .path
                .trim_end_matches('/')
                .ends_with("/cloudtask/search")
    }

    /// One task by `task.startid`.
    fn task_search(&self, call: &Call) -> Result<Answer, Fail> {
        let startid = call.params.req("task.startid")?;
        match self.tasks.iter().find(|t| t.startid == startid) {
            Some(task) => Ok(Answer::data(task.render(call.now))),
            None => fail(format!("任务不存在: task {startid} not found")),
        }
    }

    /// Every task, for `/_sim/state`.
    pub(super) fn tasks_json(&self, now: u64) -> Vec<Value> {
        self.tasks.iter().map(|t| t.render(now)).collect()
    }
}
