//! Vscale parts of the control API: out-of-band changes (drift made by hand
//! in the panel), extra tokens, forced task failures and the task duration.

use super::wire::{merge, render, Effect};
use super::{FailRule, Vscale};
use crate::http::SimError;
use serde_json::{Map, Value};

/// 404 for an absent object.
fn absent(kind: &str) -> SimError {
    SimError::new(404, format!("no such object in {kind}"))
}

/// An error from an invalid patch.
fn bad_patch(message: String) -> SimError {
    SimError::new(400, message)
}

impl Vscale {
    /// Merges `patch` shallowly into a stored scalet, SSH key or backup
    /// (`kind` = `scalets`, `sshkeys`, `backups`); the id never changes.
    pub fn patch_object(
        &mut self,
        kind: &str,
        id: &str,
        patch: &Map<String, Value>,
        now: u64,
    ) -> Result<Value, SimError> {
        self.advance(now);
        match kind {
            "scalets" => {
                let ctid = id.parse::<u64>().map_err(|_| absent(kind))?;
                let old = self.scalets.get(&ctid).ok_or_else(|| absent(kind))?;
                let mut new = merge(old, patch).map_err(bad_patch)?;
                new.ctid = ctid;
                let value = render(&new);
                self.scalets.insert(ctid, new);
                Ok(value)
            }
            "sshkeys" => {
                let key_id = id.parse::<u64>().map_err(|_| absent(kind))?;
                let old = self.sshkeys.get(&key_id).ok_or_else(|| absent(kind))?;
                let mut new = merge(old, patch).map_err(bad_patch)?;
                new.id = key_id;
                let value = render(&new);
                self.sshkeys.insert(key_id, new);
                Ok(value)
            }
            "backups" => {
                let old = self.backups.get(id).ok_or_else(|| absent(kind))?;
                let mut new = merge(old, patch).map_err(bad_patch)?;
                new.id = id.to_string();
                let value = render(&new);
                self.backups.insert(id.to_string(), new);
                Ok(value)
            }
            _ => Err(SimError::new(404, format!("unknown object kind {kind}"))),
        }
    }

    /// Removes a stored scalet, SSH key or backup at once (no task).
    pub fn remove_object(&mut self, kind: &str, id: &str, now: u64) -> Result<Value, SimError> {
        self.advance(now);
        let removed = match kind {
            "scalets" => id
                .parse::<u64>()
                .ok()
                .and_then(|ctid| self.scalets.remove(&ctid))
                .map(|s| render(&s)),
            "sshkeys" => id
                .parse::<u64>()
                .ok()
                .and_then(|key_id| self.sshkeys.remove(&key_id))
                .map(|k| render(&k)),
            "backups" => self.backups.remove(id).map(|b| render(&b)),
            _ => return Err(SimError::new(404, format!("unknown object kind {kind}"))),
        };
        removed.ok_or_else(|| absent(kind))
    }

    /// Accepts one more token.
    pub fn add_token(&mut self, token: &str, read_only: bool) -> Result<(), SimError> {
        if token.trim().is_empty() {
            return Err(SimError::new(400, "token must not be empty"));
        }
        self.tokens.insert(token.trim().to_string(), read_only);
        Ok(())
    }

    /// Makes the next `count` tasks (of `method`, if given) end with an error.
    pub fn fail_next_tasks(&mut self, count: u32, method: Option<String>) -> Result<(), SimError> {
        if count == 0 {
            return Err(SimError::new(400, "count must be at least 1"));
        }
        if method
            .as_deref()
            .is_some_and(|m| !Effect::METHODS.contains(&m))
        {
            let known = Effect::METHODS.join(", ");
            return Err(SimError::new(
                400,
                format!("unknown task method; known: {known}"),
            ));
        }
        self.fail_rules.push(FailRule { count, method });
        Ok(())
    }

    /// Sets the duration of tasks created from now on.
    pub fn set_task_ms(&mut self, task_ms: u64) {
        self.task_ms = task_ms;
    }

    /// The current task duration.
    pub fn task_ms(&self) -> u64 {
        self.task_ms
    }
}
