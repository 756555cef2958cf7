//! Scalet endpoints: list, show, create, power actions, upgrade, rebuild,
//! keys and delete.

use super::wire::{render, Effect, KeyRef, Scalet};
use super::{catalog, with_task, Vscale};
use crate::http::{ApiRequest, ApiResponse, SimError};
use serde_json::{Map, Value};

/// A required non-empty string field of a JSON body.
pub(super) fn required_str(body: &Map<String, Value>, field: &str) -> Result<String, SimError> {
    match optional_str(body, field)? {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(SimError::new(400, format!("{field} is required"))),
    }
}

/// An optional string field of a JSON body.
pub(super) fn optional_str(
    body: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, SimError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(SimError::new(400, format!("{field} must be a string"))),
    }
}

/// An optional boolean field of a JSON body.
fn optional_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, SimError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(SimError::new(400, format!("{field} must be a boolean"))),
    }
}

/// The `keys` field: an array of integers (docs/design/wire.md, "Vscale").
fn key_ids(body: &Map<String, Value>) -> Result<Vec<u64>, SimError> {
    let invalid = || SimError::new(400, "keys must be an array of integers");
    match body.get("keys") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_u64().ok_or_else(invalid))
            .collect(),
        Some(_) => Err(invalid()),
    }
}

impl Vscale {
    /// The ctid of an existing scalet, or 404.
    fn scalet_ctid(&self, id: &str) -> Result<u64, SimError> {
        id.parse::<u64>()
            .ok()
            .filter(|ctid| self.scalets.contains_key(ctid))
            .ok_or_else(|| SimError::new(404, "scalet not found"))
    }

    /// The stored scalet (callers checked it exists).
    fn scalet_mut(&mut self, ctid: u64) -> Result<&mut Scalet, SimError> {
        self.scalets
            .get_mut(&ctid)
            .ok_or_else(|| SimError::new(404, "scalet not found"))
    }

    /// Key references for key ids; 400 naming the first unknown one.
    fn key_refs(&self, ids: &[u64]) -> Result<Vec<KeyRef>, SimError> {
        ids.iter()
            .map(|id| {
                self.sshkeys
                    .get(id)
                    .map(|k| KeyRef {
                        id: k.id,
                        name: k.name.clone(),
                    })
                    .ok_or_else(|| SimError::new(400, format!("ssh key {id} not found")))
            })
            .collect()
    }

    /// `GET /scalets`.
    pub(super) fn list_scalets(&self) -> ApiResponse {
        let items: Vec<Value> = self
            .scalets
            .values()
            .map(|s| self.shape.scalet(render(s)))
            .collect();
        ApiResponse::json(200, &Value::Array(items))
    }

    /// `GET /scalets/{ctid}`.
    pub(super) fn get_scalet(&self, id: &str) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        let body = self.shape.scalet(render(&self.scalets[&ctid]));
        Ok(ApiResponse::json(200, &body))
    }

    /// `POST /scalets` (Vscale doc, "Создаём новый сервер"): body `make_from`,
    /// `rplan`, `do_start`, `name`, `keys`, `password`, `location` (docs/design/wire.md, "Vscale": the
    /// field is `location`, `keys` integers). The doc's parameter list spells it
    /// `locations`, so that spelling is accepted when `location` is absent.
    /// Answer 201 with the scalet `defined`, locked, and `VSCALE-TASK-ID`.
    pub(super) fn create_scalet(
        &mut self,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let body = req.json_object()?;
        let name = required_str(&body, "name")?;
        let make_from = required_str(&body, "make_from")?;
        let rplan = required_str(&body, "rplan")?;
        let location = match optional_str(&body, "location")? {
            Some(l) => l,
            None => required_str(&body, "locations")
                .map_err(|_| SimError::new(400, "location is required"))?,
        };
        let do_start = optional_bool(&body, "do_start")?.unwrap_or(true);
        optional_str(&body, "password")?;
        let keys = self.key_refs(&key_ids(&body)?)?;
        catalog::check_combination(&make_from, &rplan, &location)
            .map_err(|m| SimError::new(400, m))?;
        let ctid = self.next_ctid;
        self.next_ctid += 1;
        let scalet = Scalet {
            ctid,
            name,
            status: "defined".into(),
            location: location.clone(),
            rplan,
            made_from: make_from,
            hostname: format!("cs{ctid}.vscale.io"),
            created: self.shape.date(now),
            keys,
            public_address: Map::new(),
            private_address: Map::new(),
            active: false,
            locked: true,
            deleted: None,
            extra: Map::new(),
        };
        let body = self.shape.scalet(render(&scalet));
        self.scalets.insert(ctid, scalet);
        let task = self.start_task(ctid, &location, Effect::Create { do_start }, now);
        Ok(with_task(201, &body, &task))
    }

    /// Locks a scalet, starts a task on it and answers 200 with the scalet.
    fn locked_task(
        &mut self,
        ctid: u64,
        effect: Effect,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let scalet = self.scalet_mut(ctid)?;
        scalet.locked = true;
        let (body, location) = (render(scalet), scalet.location.clone());
        let body = self.shape.scalet(body);
        let task = self.start_task(ctid, &location, effect, now);
        Ok(with_task(200, &body, &task))
    }

    /// `PATCH /scalets/{ctid}/restart|stop|start` with body `{"id": "12600"}`
    /// (Vscale doc, "Перезагрузка сервера", "Выключение и включение сервера").
    pub(super) fn power(
        &mut self,
        id: &str,
        action: &str,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        let body = req.json_object()?;
        let body_id = body.get("id").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if body_id.is_some_and(|b| b != ctid.to_string()) {
            return Err(SimError::new(
                400,
                "id in the body does not match the scalet",
            ));
        }
        self.ensure_unlocked(ctid)?;
        let effect = match action {
            "stop" => Effect::Stop,
            "start" => Effect::Start,
            _ => Effect::Restart,
        };
        self.locked_task(ctid, effect, now)
    }

    /// `POST /scalets/{ctid}/upgrade` with `{"rplan": "large"}` (Vscale doc,
    /// "Апгрейд конфигурации"). The doc's answer shows the scalet with
    /// `"status": "updated"`, `"locked": false` and the old `rplan`; the plan
    /// changes and the status returns when the task ends. A smaller plan is
    /// refused ("Изменение конфигурации в меньшую сторону (даунгрейд) невозможно").
    pub(super) fn upgrade(
        &mut self,
        id: &str,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        let rplan = required_str(&req.json_object()?, "rplan")?;
        let target = catalog::plan_rank(&rplan)
            .ok_or_else(|| SimError::new(400, format!("rplan {rplan} not found")))?;
        self.ensure_unlocked(ctid)?;
        let scalet = self.scalet_mut(ctid)?;
        let current = catalog::plan_rank(&scalet.rplan).unwrap_or(0);
        if target < current {
            return Err(SimError::new(400, "downgrade is not possible"));
        }
        if target == current {
            return Err(SimError::new(
                400,
                format!("scalet already has rplan {rplan}"),
            ));
        }
        let status = std::mem::replace(&mut scalet.status, "updated".into());
        let (body, location) = (render(scalet), scalet.location.clone());
        let body = self.shape.scalet(body);
        let task = self.start_task(ctid, &location, Effect::Upgrade { rplan, status }, now);
        Ok(with_task(200, &body, &task))
    }

    /// `PATCH /scalets/{ctid}/rebuild` (real Vscale API v1): `{"password": ...}`
    /// reinstalls `made_from`; `{"make_from": "<backup id>"}` restores that
    /// backup ("Восстановление из резервной копии").
    pub(super) fn rebuild(
        &mut self,
        id: &str,
        req: &ApiRequest,
        now: u64,
    ) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        let body = req.json_object()?;
        optional_str(&body, "password")?;
        let made_from = match optional_str(&body, "make_from")? {
            Some(backup_id) => Some(self.restorable_image(&backup_id, ctid)?),
            None => None,
        };
        self.ensure_unlocked(ctid)?;
        self.locked_task(ctid, Effect::Rebuild { made_from }, now)
    }

    /// The image of a backup that can be restored onto `ctid`.
    fn restorable_image(&self, backup_id: &str, ctid: u64) -> Result<String, SimError> {
        let backup = self
            .backups
            .get(backup_id)
            .ok_or_else(|| SimError::new(404, "backup not found"))?;
        if backup.location != self.scalets[&ctid].location {
            return Err(SimError::new(400, "backup is in another location"));
        }
        if backup.status != "finished" {
            return Err(SimError::new(400, "backup is not ready"));
        }
        Ok(backup.made_from.clone())
    }

    /// `PATCH /scalets/{ctid}` with `{"keys": [int]}` adds keys (real Vscale API v1).
    pub(super) fn add_keys(&mut self, id: &str, req: &ApiRequest) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        let body = req.json_object()?;
        if !body.contains_key("keys") {
            return Err(SimError::new(400, "keys is required"));
        }
        let refs = self.key_refs(&key_ids(&body)?)?;
        self.ensure_unlocked(ctid)?;
        let scalet = self.scalet_mut(ctid)?;
        for key in refs {
            if !scalet.keys.iter().any(|k| k.id == key.id) {
                scalet.keys.push(key);
            }
        }
        let body = render(scalet);
        Ok(ApiResponse::json(200, &self.shape.scalet(body)))
    }

    /// `DELETE /scalets/{ctid}` (Vscale doc, "Удаление сервера": "В ответе будут
    /// возвращены параметры удалённого сервера"); it disappears when the task ends.
    pub(super) fn delete_scalet(&mut self, id: &str, now: u64) -> Result<ApiResponse, SimError> {
        let ctid = self.scalet_ctid(id)?;
        self.ensure_unlocked(ctid)?;
        self.locked_task(ctid, Effect::Delete, now)
    }
}
