//! Vscale tasks: started by actions, completed lazily by wall-clock time
//! (every request first calls [`Vscale::advance`]).

use super::catalog;
use super::wire::{Effect, Task};
use super::Vscale;
use crate::http::{ApiResponse, SimError};
use crate::util::uuid_v4;
use serde_json::{json, Map, Value};

/// Finished tasks stay listed in `GET /tasks` this long (at least 10 minutes).
const KEEP_FINISHED_MS: u64 = 60 * 60 * 1000;

impl Vscale {
    /// Queues a task on `ctid` ending `task_ms` from `now`; returns its id.
    pub(super) fn start_task(
        &mut self,
        ctid: u64,
        location: &str,
        effect: Effect,
        now: u64,
    ) -> String {
        let fail = self.take_fail_rule(effect.method());
        let id = uuid_v4();
        self.tasks.push(Task {
            id: id.clone(),
            location: location.to_string(),
            scalet: ctid,
            inserted_ms: now,
            ends_ms: now + self.task_ms,
            finished_ms: None,
            error: false,
            fail,
            effect,
        });
        id
    }

    /// Whether a queued failure applies to a new task of `method` (consumes it).
    fn take_fail_rule(&mut self, method: &str) -> bool {
        let matches = |m: &Option<String>| m.as_deref().is_none_or(|m| m == method);
        let Some(index) = self.fail_rules.iter().position(|r| matches(&r.method)) else {
            return false;
        };
        self.fail_rules[index].count -= 1;
        if self.fail_rules[index].count == 0 {
            self.fail_rules.remove(index);
        }
        true
    }

    /// Completes every task whose end time has passed, in end-time order, and
    /// forgets tasks finished long ago.
    pub(super) fn advance(&mut self, now: u64) {
        let mut due: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| !self.tasks[i].done() && self.tasks[i].ends_ms <= now)
            .collect();
        due.sort_by_key(|&i| (self.tasks[i].ends_ms, self.tasks[i].inserted_ms));
        for index in due {
            self.finish(index);
        }
        self.tasks
            .retain(|t| t.finished_ms.is_none_or(|f| f + KEEP_FINISHED_MS > now));
    }

    /// Ends one task at its end time, applying its effect unless it fails.
    fn finish(&mut self, index: usize) {
        let task = &mut self.tasks[index];
        task.finished_ms = Some(task.ends_ms);
        task.error = task.fail;
        let (ctid, effect, failed) = (task.scalet, task.effect.clone(), task.fail);
        if failed {
            self.undo(ctid, &effect);
        } else {
            self.apply(ctid, &effect);
        }
    }

    /// Applies a successful task's effect.
    fn apply(&mut self, ctid: u64, effect: &Effect) {
        if let Effect::Backup { backup_id, size_gb } = effect {
            if let Some(backup) = self.backups.get_mut(backup_id) {
                backup.status = "finished".into();
                backup.active = true;
                backup.size = *size_gb;
            }
        }
        if matches!(effect, Effect::Delete) {
            self.scalets.remove(&ctid);
            return;
        }
        let address = self.next_address;
        let (assign_public, keep_updated) = (
            self.shape.public_address,
            self.shape.upgrade_status == super::shape::UpgradeStatus::Updated,
        );
        let Some(scalet) = self.scalets.get_mut(&ctid) else {
            return;
        };
        scalet.locked = false;
        match effect {
            Effect::Create { do_start } => {
                scalet.status = if *do_start { "started" } else { "stopped" }.into();
                scalet.active = true;
                if scalet.public_address.is_empty() && assign_public {
                    scalet.public_address = public_address(address);
                    scalet.private_address = private_address(&scalet.location, address);
                    self.next_address += 1;
                }
            }
            Effect::Start | Effect::Restart => scalet.status = "started".into(),
            Effect::Stop => scalet.status = "stopped".into(),
            Effect::Upgrade { rplan, status } => {
                scalet.rplan = rplan.clone();
                if !keep_updated {
                    scalet.status = status.clone();
                }
            }
            Effect::Rebuild { made_from } => {
                scalet.status = "started".into();
                scalet.active = true;
                if let Some(image) = made_from {
                    scalet.made_from = image.clone();
                }
            }
            Effect::Delete | Effect::Backup { .. } => {}
        }
    }

    /// Ends a failed task: its effect is not applied, the scalet is unlocked
    /// (a failed create leaves it `defined` and inactive).
    fn undo(&mut self, ctid: u64, effect: &Effect) {
        if let Effect::Backup { backup_id, .. } = effect {
            if let Some(backup) = self.backups.get_mut(backup_id) {
                backup.status = "failed".into();
            }
        }
        let Some(scalet) = self.scalets.get_mut(&ctid) else {
            return;
        };
        scalet.locked = false;
        match effect {
            Effect::Create { .. } => {
                scalet.status = "defined".into();
                scalet.active = false;
            }
            Effect::Upgrade { status, .. } => scalet.status = status.clone(),
            _ => {}
        }
    }

    /// The running task on a scalet, if any.
    fn running_task(&self, ctid: u64) -> Option<&Task> {
        self.tasks.iter().find(|t| t.scalet == ctid && !t.done())
    }

    /// 409 when a task holds the scalet (or it was marked locked out of band).
    pub(super) fn ensure_unlocked(&self, ctid: u64) -> Result<(), SimError> {
        if let Some(task) = self.running_task(ctid) {
            let message = format!("scalet is locked by task {}", task.id);
            return Err(SimError::new(409, message));
        }
        if self.scalets.get(&ctid).is_some_and(|s| s.locked) {
            return Err(SimError::new(409, "scalet is locked"));
        }
        Ok(())
    }

    /// `GET /tasks`: running and recently finished tasks, oldest first.
    pub(super) fn list_tasks(&self) -> ApiResponse {
        let tasks: Vec<Value> = self.tasks.iter().map(Task::to_json).collect();
        ApiResponse::json(200, &Value::Array(tasks))
    }
}

/// The n-th public address, shaped as in the Vscale doc's upgrade answer
/// (`{"address": "95.213.195.101", "netmask": "255.255.255.0", "gateway": "95.213.195.1"}`).
fn public_address(n: u64) -> Map<String, Value> {
    let (third, fourth) = (195 + n / 250, 2 + n % 250);
    address(
        format!("95.213.{third}.{fourth}"),
        format!("95.213.{third}.1"),
    )
}

/// The n-th private address in a location with private networking, else `{}`
/// (Vscale doc: `"private_address": {}`).
fn private_address(location: &str, n: u64) -> Map<String, Value> {
    if !catalog::location(location).is_some_and(|l| l.private_networking) {
        return Map::new();
    }
    let (third, fourth) = (n / 250, 2 + n % 250);
    address(format!("10.0.{third}.{fourth}"), format!("10.0.{third}.1"))
}

/// An address object with a /24 netmask.
fn address(address: String, gateway: String) -> Map<String, Value> {
    let value = json!({"address": address, "netmask": "255.255.255.0", "gateway": gateway});
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
