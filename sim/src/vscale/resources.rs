//! Backups, SSH keys, account and balance (the Vscale document does not show
//! these; they follow the real public Vscale API v1).

use super::scalets::required_str;
use super::wire::{render, Backup, Effect, SshKey};
use super::{catalog, with_task, Vscale};
use crate::http::{ApiRequest, ApiResponse, SimError};
use crate::util::uuid_v4;
use base64::Engine as _;
use serde_json::{json, Map, Value};

/// Key types accepted by `POST /sshkeys`.
const KEY_TYPES: [&str; 3] = ["ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"];

/// Whether `key` is an OpenSSH public key line: a known type, then base64.
fn is_public_key(key: &str) -> bool {
    let mut parts = key.split_whitespace();
    let (Some(kind), Some(blob)) = (parts.next(), parts.next()) else {
        return false;
    };
    let engine = base64::engine::general_purpose::STANDARD;
    KEY_TYPES.contains(&kind) && engine.decode(blob).is_ok_and(|b| !b.is_empty())
}

impl Vscale {
    /// `POST /scalets/{ctid}/backup` with `{"name": ...}`: 200 with the backup
    /// (`creating`) and `VSCALE-TASK-ID`; the scalet is locked meanwhile.
    pub(super) fn create_backup(
        &mut self,
        id: &str,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let ctid = id
            .parse::<u64>()
            .ok()
            .filter(|c| self.scalets.contains_key(c))
            .ok_or_else(|| SimError::new(404, "scalet not found"))?;
        let name = required_str(&req.json_object()?, "name")?;
        self.ensure_unlocked(ctid)?;
        let scalet = &self.scalets[&ctid];
        let size_gb = catalog::plan_by_id(&scalet.rplan).map_or(0, |p| p.disk / 1024);
        let backup = Backup {
            id: uuid_v4(),
            name,
            made_from: scalet.made_from.clone(),
            location: scalet.location.clone(),
            scalet: ctid,
            size: 0,
            created: self.shape.date(now),
            status: "creating".into(),
            active: false,
            extra: Map::new(),
        };
        let (body, backup_id, location) =
            (render(&backup), backup.id.clone(), backup.location.clone());
        self.backups.insert(backup_id.clone(), backup);
        if let Some(scalet) = self.scalets.get_mut(&ctid) {
            scalet.locked = true;
        }
        let task = self.start_task(ctid, &location, Effect::Backup { backup_id, size_gb }, now);
        Ok(with_task(200, &body, &task))
    }

    /// `GET /backups/{id}`.
    pub(super) fn get_backup(&self, id: &str) -> Result<ApiResponse, SimError> {
        let backup = self
            .backups
            .get(id)
            .ok_or_else(|| SimError::new(404, "backup not found"))?;
        Ok(ApiResponse::json(200, &render(backup)))
    }

    /// `DELETE /backups/{id}`: 200 with the backup, removed at once.
    pub(super) fn delete_backup(&mut self, id: &str) -> Result<ApiResponse, SimError> {
        let backup = self
            .backups
            .remove(id)
            .ok_or_else(|| SimError::new(404, "backup not found"))?;
        Ok(ApiResponse::json(200, &render(&backup)))
    }

    /// `POST /sshkeys` with `{"key", "name"}`: 201 with the key.
    pub(super) fn create_sshkey(&mut self, req: &ApiRequest) -> Result<ApiResponse, SimError> {
        let body = req.json_object()?;
        let key = required_str(&body, "key")?;
        let name = required_str(&body, "name")?;
        if !is_public_key(&key) {
            return Err(SimError::new(400, "key is not a valid OpenSSH public key"));
        }
        let id = self.next_key_id;
        self.next_key_id += 1;
        let sshkey = SshKey {
            id,
            key: key.trim().to_string(),
            name,
            extra: Map::new(),
        };
        let body = render(&sshkey);
        self.sshkeys.insert(id, sshkey);
        Ok(ApiResponse::json(201, &body))
    }

    /// `DELETE /sshkeys/{id}`: 204, or 404.
    pub(super) fn delete_sshkey(&mut self, id: &str) -> Result<ApiResponse, SimError> {
        id.parse::<u64>()
            .ok()
            .and_then(|id| self.sshkeys.remove(&id))
            .ok_or_else(|| SimError::new(404, "ssh key not found"))?;
        Ok(ApiResponse::empty(204))
    }
}

/// `GET /account`.
pub(super) fn account_json() -> Value {
    json!({
        "info": {
            "actdate": "2015-08-27 10:00:00",
            "country": "RU",
            "email": "ops@example.com",
            "face_id": "1",
            "id": "1",
            "locale": "ru",
            "middlename": "",
            "mobile": "",
            "name": "Sim",
            "state": "1",
            "surname": "User"
        },
        "status": "ok"
    })
}

/// `GET /billing/balance` (amounts in kopecks).
pub(super) fn balance_json() -> Value {
    json!({"balance": 150000, "bonus": 0, "status": "ok", "summ": 150000, "unpaid": 0, "user_id": 1})
}

#[cfg(test)]
mod tests {
    use super::is_public_key;

    #[test]
    fn public_keys() {
        assert!(is_public_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ me@host"));
        assert!(is_public_key("ssh-rsa AAAAB3NzaC1yc2E="));
        assert!(!is_public_key("ssh-dss AAAAB3NzaC1kc3M="));
        assert!(!is_public_key("ssh-rsa not*base64"));
        assert!(!is_public_key("ssh-rsa"));
        assert!(!is_public_key("hello"));
    }
}
