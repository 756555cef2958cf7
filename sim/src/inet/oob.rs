//! iNET parts of the control API: seeding servers (iNET sells them in its
//! portal; the API cannot create them), seeding backups (made on iNET's own
//! schedule), and changes made by hand (drift).

use super::wire::{Backup, Power, Vps, DAY_MS};
use super::Inet;
use crate::http::SimError;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Body of `POST /_sim/inet/vps`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedVps {
    /// Name; with `count` > 1 the servers are `<name>-1`, `<name>-2`, ...
    pub name: String,
    /// How many servers.
    #[serde(default = "one")]
    pub count: u64,
    /// Service status (default `active`).
    #[serde(default)]
    pub status: Option<String>,
    /// Image (default `Ubuntu-22.04`).
    #[serde(default)]
    pub image: Option<String>,
    /// Plan name (default `VPS-2`).
    #[serde(default)]
    pub plan_name: Option<String>,
    /// vCPUs (default 2).
    #[serde(default)]
    pub cpu: Option<u64>,
    /// RAM in MB (default 2048).
    #[serde(default)]
    pub ram: Option<u64>,
    /// Disk in GB (default 40).
    #[serde(default)]
    pub disk: Option<u64>,
    /// Note (default empty).
    #[serde(default)]
    pub note: Option<String>,
    /// Auto-snapshot days (default 0).
    #[serde(default)]
    pub auto_snapshot: Option<u64>,
    /// `running` (default) or `stopped`.
    #[serde(default)]
    pub power: Option<String>,
}

/// Body of `POST /_sim/inet/vps/{id}/backups`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedBackup {
    /// Name (default `backup-<vps>-<id>`).
    #[serde(default)]
    pub name: Option<String>,
}

/// Serde default for counts.
fn one() -> u64 {
    1
}

/// Random bytes as standard base64.
fn random_b64(len: usize) -> String {
    let bytes: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A PEM block of random content, wrapped at 64 columns.
fn pem(body: &str) -> String {
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

fn parse_power(text: Option<&str>) -> Result<Power, SimError> {
    match text.unwrap_or("running") {
        "running" => Ok(Power::Running),
        "stopped" => Ok(Power::Stopped),
        other => Err(SimError::new(
            400,
            format!("power must be running or stopped, not {other}"),
        )),
    }
}

impl Inet {
    /// `POST /_sim/inet/vps`: seeds `count` servers; answers their details.
    pub fn seed_vps(&mut self, seed: SeedVps, now: u64) -> Result<Value, SimError> {
        if seed.name.trim().is_empty() || !(1..=1000).contains(&seed.count) {
            return Err(SimError::new(400, "name must be set and count 1..1000"));
        }
        let power = parse_power(seed.power.as_deref())?;
        let mut made = Vec::new();
        for n in 1..=seed.count {
            let id = self.next_vps_id;
            self.next_vps_id += 1;
            let name = if seed.count == 1 {
                seed.name.clone()
            } else {
                format!("{}-{n}", seed.name)
            };
            let mut vps = new_vps(id, name, &seed, power.clone(), now);
            vps.created_ms = self.stamp(now);
            vps.issue_ms = vps.created_ms;
            made.push(vps.render_detail());
            self.vps.insert(id, vps);
        }
        Ok(Value::Array(made))
    }

    /// `PATCH /_sim/inet/vps/{id}`: `name`, `note`, `status`, `autoSnapshot`,
    /// `power` (`running`/`stopped`, settled at once) changed by hand.
    pub fn patch_vps(
        &mut self,
        id: &str,
        patch: &Map<String, Value>,
        now: u64,
    ) -> Result<Value, SimError> {
        self.advance(now);
        let id = self.vps_id(id)?;
        let vps = self.vps.get_mut(&id).expect("checked");
        for (key, value) in patch {
            let text = || {
                value
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| SimError::new(400, format!("{key} must be a string")))
            };
            match key.as_str() {
                "name" => vps.name = text()?,
                "note" => vps.note = text()?,
                "status" => vps.status = text()?,
                "power" => {
                    vps.power = parse_power(Some(&text()?))?;
                    vps.transition = None;
                }
                "autoSnapshot" => {
                    vps.auto_snapshot = value
                        .as_u64()
                        .ok_or_else(|| SimError::new(400, "autoSnapshot must be an integer"))?
                }
                other => return Err(SimError::new(400, format!("cannot patch {other}"))),
            }
        }
        Ok(vps.render_state(now))
    }

    /// `DELETE /_sim/inet/vps/{id}`: the server disappears (cancelled in the
    /// portal); answers it.
    pub fn remove_vps(&mut self, id: &str, now: u64) -> Result<Value, SimError> {
        let id = self.vps_id(id)?;
        let vps = self.vps.remove(&id).expect("checked");
        Ok(vps.render_state(now))
    }

    /// `POST /_sim/inet/vps/{id}/backups`: a backup made by iNET's schedule.
    pub fn seed_backup(&mut self, id: &str, seed: SeedBackup, now: u64) -> Result<Value, SimError> {
        let id = self.vps_id(id)?;
        let sub = self.next_sub_id;
        self.next_sub_id += 1;
        let created_ms = self.stamp(now);
        let vps = self.vps.get_mut(&id).expect("checked");
        let backup = Backup {
            id: sub,
            name: seed.name.unwrap_or_else(|| format!("backup-{id}-{sub}")),
            size: vps.disk,
            created_ms,
        };
        let value = backup.render();
        vps.backups.insert(sub, backup);
        Ok(value)
    }

    /// `DELETE /_sim/inet/vps/{id}/{snapshots|backups|volumes}/{sub}`: removed
    /// by hand; answers `{"ok": true}`.
    pub fn remove_sub(&mut self, id: &str, kind: &str, sub: &str) -> Result<Value, SimError> {
        let id = self.vps_id(id)?;
        let vps = self.vps.get_mut(&id).expect("checked");
        let sub: u64 = sub
            .parse()
            .map_err(|_| SimError::new(404, "no such object"))?;
        let removed = match kind {
            "snapshots" => vps.snapshots.remove(&sub).is_some(),
            "backups" => vps.backups.remove(&sub).is_some(),
            "volumes" => vps.volumes.remove(&sub).is_some(),
            _ => return Err(SimError::new(404, format!("unknown kind {kind}"))),
        };
        if removed {
            Ok(serde_json::json!({"ok": true}))
        } else {
            Err(SimError::new(404, format!("no such object in {kind}")))
        }
    }
}

/// A seeded server with its keys, address and dates.
fn new_vps(id: u64, name: String, seed: &SeedVps, power: Power, now: u64) -> Vps {
    let key_body = random_b64(270);
    let public_key = format!("ssh-rsa {} {name}", random_b64(279));
    Vps {
        id,
        note: seed.note.clone().unwrap_or_default(),
        image: seed.image.clone().unwrap_or_else(|| "Ubuntu-22.04".into()),
        plan_id: 12,
        plan_name: seed.plan_name.clone().unwrap_or_else(|| "VPS-2".into()),
        status: seed.status.clone().unwrap_or_else(|| "active".into()),
        trial_day: 0,
        issue_ms: now,
        created_ms: now,
        expire_ms: now + 365 * DAY_MS,
        flag_cpanel: false,
        auto_snapshot: seed.auto_snapshot.unwrap_or(0),
        auto_snapshot_ms: seed
            .auto_snapshot
            .filter(|d| *d > 0)
            .map(|d| now + d * DAY_MS),
        modified_ms: now,
        cpu: seed.cpu.unwrap_or(2),
        ram: seed.ram.unwrap_or(2048),
        disk: seed.disk.unwrap_or(40),
        ip: format!("103.{}.{}.{}", 100 + id / 65536 % 100, id / 256 % 256, id % 256),
        uuid: crate::util::uuid_v4(),
        key_name: format!("key-{id}"),
        fingerprint: format!("SHA256:{}", random_b64(32).trim_end_matches('=')),
        public_key,
        private_pem: pem(&key_body),
        private_ppk: format!(
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: key-{id}\nPublic-Lines: 1\n{}\nPrivate-Lines: 1\n{key_body}\nPrivate-MAC: {}\n",
            random_b64(48),
            random_b64(20)
        ),
        power,
        transition: None,
        snapshots: BTreeMap::new(),
        backups: BTreeMap::new(),
        volumes: BTreeMap::new(),
        name,
    }
}
