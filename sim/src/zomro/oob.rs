//! Zomro parts of the control API: expiring sessions (for the renewal test), queued
//! `doc.error` answers (busy or any other), and out-of-band changes to instances
//! (drift made by hand in the panel).

use super::instances::Instance;
use super::wire::{flatten, DocError};
use super::{ErrorRule, Zomro};
use crate::http::SimError;
use serde_json::{Map, Value};

impl Zomro {
    /// Marks every session `func=auth` handed out as expired; returns how many.
    pub fn expire_sessions(&mut self) -> usize {
        let mut count = 0;
        for session in self.sessions.values_mut().filter(|s| !s.expired) {
            session.expired = true;
            count += 1;
        }
        count
    }

    /// Queues `count` `doc.error` answers (HTTP 200) for requests with `func`
    /// (any function when `None`), after authentication.
    pub fn queue_errors(
        &mut self,
        count: u32,
        func: Option<String>,
        kind: &str,
        message: &str,
    ) -> Result<(), SimError> {
        if count == 0 {
            return Err(SimError::new(400, "count must be at least 1"));
        }
        self.errors.push(ErrorRule {
            count,
            func,
            error: DocError::new(kind, "", message),
        });
        Ok(())
    }

    /// Merges `patch` (plain values: `name`, `instance_status`, `pricelist`,
    /// `instances_os`, `ip`) into an instance; answers it flattened.
    pub fn patch_instance(
        &mut self,
        id: &str,
        patch: &Map<String, Value>,
        now: u64,
    ) -> Result<Value, SimError> {
        self.advance(now);
        let instance = self.stored(id)?;
        for (key, value) in patch {
            let text = value
                .as_str()
                .ok_or_else(|| SimError::new(400, format!("{key} must be a string")))?
                .to_string();
            set_field(instance, key, text)?;
        }
        Ok(flatten(&instance.render(&Default::default())))
    }

    /// Removes an instance at once; answers it flattened.
    pub fn remove_instance(&mut self, id: &str, now: u64) -> Result<Value, SimError> {
        self.advance(now);
        let key = self.stored(id)?.id;
        let removed = self
            .instances
            .remove(&key)
            .map(|i| flatten(&i.render(&Default::default())));
        removed.ok_or_else(|| SimError::new(404, "no such instance"))
    }

    /// The stored instance, or 404.
    fn stored(&mut self, id: &str) -> Result<&mut Instance, SimError> {
        id.parse::<u64>()
            .ok()
            .and_then(|n| self.instances.get_mut(&n))
            .ok_or_else(|| SimError::new(404, "no such instance"))
    }
}

/// Sets one patchable field.
fn set_field(instance: &mut Instance, key: &str, value: String) -> Result<(), SimError> {
    match key {
        "name" => instance.name = value,
        "instance_status" => instance.status = value,
        "pricelist" => instance.pricelist = value,
        "instances_os" => instance.os = value,
        "ip" => instance.ip = value,
        "createdate" => instance.created = value,
        other => return Err(SimError::new(400, format!("{other} cannot be patched"))),
    }
    Ok(())
}
