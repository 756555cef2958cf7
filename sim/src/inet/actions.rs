//! iNET endpoints under `/vps/{vpsId}`: security, management, power actions,
//! snapshots, backups and volumes. Each answers the `data` of the envelope.

use super::wire::{Power, Snapshot, Transition, Volume, DAY_MS};
use super::Inet;
use crate::http::{ApiRequest, SimError};
use crate::util::inet_date;
use serde_json::{json, Value};

impl Inet {
    /// `GET /vps/{id}/privatekey?typeKey=linux|windows` ("Lấy Private Key":
    /// `typeKey` required, 'linux' = RSA PEM, 'windows' = PuTTY PPK). The
    /// document shows no answer; `data` is `{"typeKey", "privateKey"}`.
    pub(super) fn private_key(&self, id: u64, req: &ApiRequest) -> Result<Value, SimError> {
        let q = super::query(&req.query);
        let vps = &self.vps[&id];
        let key = match q.get("typeKey").map(String::as_str) {
            Some("linux") => &vps.private_pem,
            Some("windows") => &vps.private_ppk,
            Some(other) => {
                return Err(SimError::new(
                    400,
                    format!("typeKey must be 'linux' or 'windows', not '{other}'"),
                ))
            }
            None => return Err(SimError::new(400, "typeKey is required")),
        };
        Ok(json!({"typeKey": q["typeKey"], "privateKey": key}))
    }

    /// `GET /vps/{id}/console` ("URL Console VPS": a noVNC URL). The document
    /// shows no answer; `data` is `{"url"}`, a new one-time URL per call.
    pub(super) fn console(&self, id: u64) -> Value {
        let vps = &self.vps[&id];
        let token = crate::util::uuid_v4();
        json!({"url": format!("https://console.inet.vn/vnc_auto.html?server={}&token={token}", vps.uuid)})
    }

    /// `POST /vps/{id}/password` with `{}` ("Reset mật khẩu VPS"): iNET sets a
    /// new root/admin password itself and sends it to the account holder. The
    /// document shows no answer; `data` is `{"id", "modifiedDate"}`.
    pub(super) fn reset_password(&mut self, id: u64, now: u64) -> Result<Value, SimError> {
        let vps = self.vps.get_mut(&id).expect("checked");
        vps.modified_ms = now;
        Ok(json!({"id": id, "modifiedDate": inet_date(now)}))
    }

    /// `PATCH /vps/{id}/note` with `{"note"}` ("Cập nhật ghi chú VPS": `note`
    /// optional string; answer `{"id", "note", "modifiedDate"}`).
    pub(super) fn set_note(
        &mut self,
        id: u64,
        req: &ApiRequest,
        now: u64,
    ) -> Result<Value, SimError> {
        let body = req.json_object()?;
        let note = match body.get("note") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(SimError::new(400, "note must be a string")),
        };
        let vps = self.vps.get_mut(&id).expect("checked");
        vps.note = note;
        vps.modified_ms = now;
        Ok(json!({"id": id, "note": vps.note, "modifiedDate": inet_date(now)}))
    }

    /// `PATCH /vps/{id}/auto-snapshot` with `{"autoSnapshot": N}` ("Cấu hình
    /// Auto Snapshot": required integer, 0 = off, 3 = every 3 days; answer
    /// `{"id", "autoSnapshot", "modifiedDate", "autoSnapshotDate"}`, the next
    /// snapshot date, null when off).
    pub(super) fn set_auto_snapshot(
        &mut self,
        id: u64,
        req: &ApiRequest,
        now: u64,
    ) -> Result<Value, SimError> {
        let body = req.json_object()?;
        let days = body
            .get("autoSnapshot")
            .and_then(Value::as_u64)
            .ok_or_else(|| SimError::new(400, "autoSnapshot is required (integer ≥ 0)"))?;
        let vps = self.vps.get_mut(&id).expect("checked");
        vps.auto_snapshot = days;
        vps.auto_snapshot_ms = (days > 0).then(|| now + days * DAY_MS);
        vps.modified_ms = now;
        Ok(
            json!({"id": id, "autoSnapshot": days, "modifiedDate": inet_date(now),
                  "autoSnapshotDate": vps.auto_snapshot_date()}),
        )
    }

    /// `POST /vps/{id}/start|shutdown|reboot-soft|reboot-hard` with `{}`
    /// ("Hành động"): answers at once; `getserver` shows the transition until
    /// it ends (docs/design/wire.md, "iNET"). Refused with 409 while another transition runs, when
    /// the server already is in the wanted state, or a reboot of a shut-down
    /// server; a suspended or expired service refuses every action (403).
    pub(super) fn power(&mut self, id: u64, action: &str, now: u64) -> Result<Value, SimError> {
        let ms = self.transition_ms;
        let vps = self.vps.get_mut(&id).expect("checked");
        if matches!(vps.status.as_str(), "suspended" | "expired") {
            return Err(SimError::new(403, format!("VPS {id} is {}", vps.status)));
        }
        if let Some(t) = &vps.transition {
            return Err(SimError::new(
                409,
                format!("VPS {id} is busy ({})", t.task_state),
            ));
        }
        let (task_state, target) = match (action, &vps.power) {
            ("start", Power::Stopped) => ("powering-on", Power::Running),
            ("shutdown", Power::Running) => ("powering-off", Power::Stopped),
            ("reboot-soft", Power::Running) => ("rebooting", Power::Running),
            ("reboot-hard", Power::Running) => ("rebooting_hard", Power::Running),
            ("start", Power::Running) => return Err(conflict(id, "is already running")),
            ("shutdown", Power::Stopped) => return Err(conflict(id, "is already shut down")),
            _ => return Err(conflict(id, "is shut down; start it first")),
        };
        vps.transition = Some(Transition {
            task_state,
            target,
            ends_ms: now + ms,
        });
        Ok(json!({"id": id, "action": action}))
    }

    /// `GET /vps/{id}/snapshot` ("Danh sách Snapshot"): an array.
    pub(super) fn list_snapshots(&self, id: u64, now: u64) -> Value {
        self.vps[&id]
            .snapshots
            .values()
            .map(|s| s.render(now))
            .collect()
    }

    /// `POST /vps/{id}/snapshot` with `{}` ("Tạo Snapshot"): the new snapshot,
    /// `creating` for the transition time, then `available`.
    pub(super) fn create_snapshot(&mut self, id: u64, now: u64) -> Value {
        let sub = self.next_sub_id;
        self.next_sub_id += 1;
        let ms = self.transition_ms;
        let created_ms = self.stamp(now);
        let vps = self.vps.get_mut(&id).expect("checked");
        let snapshot = Snapshot {
            id: sub,
            name: format!("snapshot-{id}-{sub}"),
            size: vps.disk,
            created_ms,
            ready_ms: now + ms,
        };
        let value = snapshot.render(now);
        vps.snapshots.insert(sub, snapshot);
        value
    }

    /// `DELETE /vps/{id}/snapshot/{snapshotId}` ("Xóa Snapshot"); 404 if absent.
    pub(super) fn delete_snapshot(&mut self, id: u64, sub: &str) -> Result<Value, SimError> {
        let vps = self.vps.get_mut(&id).expect("checked");
        let removed = sub.parse().ok().and_then(|s| vps.snapshots.remove(&s));
        removed
            .map(|s| json!({"id": s.id}))
            .ok_or_else(|| SimError::new(404, format!("snapshot {sub} not found")))
    }

    /// `GET /vps/{id}/backup` ("Danh sách Backup"): an array.
    pub(super) fn list_backups(&self, id: u64) -> Vec<Value> {
        self.vps[&id].backups.values().map(|b| b.render()).collect()
    }

    /// `DELETE /vps/{id}/backup/{backupId}` ("Xóa Backup"); 404 if absent.
    pub(super) fn delete_backup(&mut self, id: u64, sub: &str) -> Result<Value, SimError> {
        let vps = self.vps.get_mut(&id).expect("checked");
        let removed = sub.parse().ok().and_then(|s| vps.backups.remove(&s));
        removed
            .map(|b| json!({"id": b.id}))
            .ok_or_else(|| SimError::new(404, format!("backup {sub} not found")))
    }

    /// `POST /vps/{id}/volume` with `{"image"}` ("Tạo Volume": `image`
    /// required, e.g. `Ubuntu-22.04`): the new volume, 20 GB, next free
    /// `/dev/vdX`; it is listed in the VPS's `dataExtend.volumes`.
    pub(super) fn create_volume(
        &mut self,
        id: u64,
        req: &ApiRequest,
        now: u64,
    ) -> Result<Value, SimError> {
        let body = req.json_object()?;
        let image = match body.get("image") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => return Err(SimError::new(400, "image is required")),
        };
        let sub = self.next_sub_id;
        self.next_sub_id += 1;
        let created_ms = self.stamp(now);
        let vps = self.vps.get_mut(&id).expect("checked");
        let letter = (b'b'..=b'z')
            .map(char::from)
            .find(|c| {
                !vps.volumes
                    .values()
                    .any(|v| v.device == format!("/dev/vd{c}"))
            })
            .ok_or_else(|| SimError::new(400, "too many volumes"))?;
        let volume = Volume {
            id: sub,
            image,
            size: 20,
            device: format!("/dev/vd{letter}"),
            created_ms,
        };
        let value = volume.render();
        vps.volumes.insert(sub, volume);
        Ok(value)
    }

    /// `DELETE /vps/{id}/volume/{volumeId}` ("Xóa Volume"); 404 if absent.
    pub(super) fn delete_volume(&mut self, id: u64, sub: &str) -> Result<Value, SimError> {
        let vps = self.vps.get_mut(&id).expect("checked");
        let removed = sub.parse().ok().and_then(|s| vps.volumes.remove(&s));
        removed
            .map(|v| json!({"id": v.id}))
            .ok_or_else(|| SimError::new(404, format!("volume {sub} not found")))
    }
}

/// 409 for an action that does not fit the server's state.
fn conflict(id: u64, what: &str) -> SimError {
    SimError::new(409, format!("VPS {id} {what}"))
}
