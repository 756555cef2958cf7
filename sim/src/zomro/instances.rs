//! Instances: the list (`instances`, paged with `p_num`/`p_cnt`), order
//! (`v2.instances.order.param`), rebuild (`instances.fleio.rebuild`, Zomro API),
//! power (`service.start|stop|reboot`), `service.changepricelist` and
//! `instances.delete`. Every operation takes `op_ms` and passes through
//! intermediate `instance_status` values; while one runs, any other operation on the
//! instance answers "Request in process, please wait" (docs/design/wire.md, "Zomro").

use super::wire::{doc, ok, put_list, DocError};
use super::{catalog, t, Params, Zomro};
use serde_json::{Map, Value};
use std::collections::VecDeque;

/// Default page size of `instances` (BILLmanager's `p_cnt`).
pub const DEFAULT_PAGE: usize = 10;

/// A change an operation makes at a given time.
#[derive(Clone, Debug)]
pub enum Step {
    /// `instance_status` becomes this.
    Status(String),
    /// The price list becomes this (changepricelist).
    Pricelist(String),
    /// The OS becomes this (rebuild).
    Os(String),
    /// The instance disappears (delete).
    Remove,
}

/// One instance (a Cloud VPS service).
#[derive(Clone, Debug)]
pub struct Instance {
    /// Service id (`elid`).
    pub id: u64,
    /// `servername`.
    pub name: String,
    /// Price list id.
    pub pricelist: String,
    /// Data centre id.
    pub datacenter: String,
    /// OS UID.
    pub os: String,
    /// `creating`, `building`, `active`, `stopping`, `stopped`, `starting`,
    /// `rebooting`, `rebuilding`, `resizing`, `deleting`, `error`.
    pub status: String,
    /// Public IPv4.
    pub ip: String,
    /// `yyyy-mm-dd`.
    pub created: String,
    /// SSH keys installed.
    pub ssh_keys: Vec<String>,
    /// Pending steps of the running operation, by time.
    pub steps: VecDeque<(u64, Step)>,
}

impl Instance {
    /// As `instances` lists it (one `elem`), its status in the shape's case and
    /// without the field the shape leaves out.
    pub fn render(&self, shape: &super::shape::Shape) -> Value {
        let plan = catalog::pricelist(&self.pricelist);
        let mut map = Map::new();
        map.insert("id".into(), t(self.id));
        map.insert("name".into(), t(&self.name));
        map.insert("instance_status".into(), t(shape.status(&self.status)));
        map.insert("pricelist".into(), t(&self.pricelist));
        map.insert("pricelist_name".into(), t(plan.map_or("", |p| p.name)));
        map.insert("datacenter".into(), t(&self.datacenter));
        let dc = catalog::datacenter(&self.datacenter);
        map.insert("datacenter_name".into(), t(dc.map_or("", |d| d.name)));
        map.insert("instances_os".into(), t(&self.os));
        let os = catalog::os(&self.os);
        map.insert("os_name".into(), t(os.map_or("", |o| o.name)));
        map.insert("ip".into(), t(&self.ip));
        map.insert("domain".into(), t(format!("vps{}.zomro.cloud", self.id)));
        map.insert("createdate".into(), t(&self.created));
        if let Some(p) = plan {
            map.insert("cpu".into(), t(p.cpu));
            map.insert("ram".into(), t(p.ram));
            map.insert("disk".into(), t(p.disk));
        }
        put_list(&mut map, "ssh_keys", self.ssh_keys.iter().map(t).collect());
        if let Some(key) = shape.list_item.left_out() {
            map.remove(key);
        }
        Value::Object(map)
    }

    /// Whether an operation is running.
    fn busy(&self) -> bool {
        !self.steps.is_empty()
    }
}

/// A required, non-empty parameter.
fn required<'a>(params: &'a Params, field: &str) -> Result<&'a str, DocError> {
    params
        .get(field)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| DocError::empty(field))
}

/// Zomro API, `password`: "Hasło musi zawierać co najmniej 1 wielką literę, 1 cyfrę,
/// minimalna liczba znaków to 8."
pub fn check_password(password: &str) -> Result<(), DocError> {
    let long = password.chars().count() >= 8;
    let upper = password.chars().any(char::is_uppercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if long && upper && digit {
        return Ok(());
    }
    Err(DocError::value(
        "password",
        "the password must contain at least 1 upper-case letter, 1 digit and at least 8 characters",
    ))
}

/// `ssh_keys`: one id or several separated by commas, each a key of the account.
fn ssh_keys(params: &Params) -> Result<Vec<String>, DocError> {
    let Some(raw) = params.get("ssh_keys").filter(|v| !v.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .map(|id| match catalog::ssh_key(id) {
            Some(key) => Ok(key.id.to_string()),
            None => Err(DocError::value("ssh_keys", format!("no SSH key {id}"))),
        })
        .collect()
}

/// Whether the operation was confirmed (`sok=ok`, Zomro API, "Potwierdzenie operacji").
fn confirmed(params: &Params) -> bool {
    params.get("sok").map(String::as_str) == Some("ok")
}

/// The answer to an unconfirmed form: its fields, nothing done (BILLmanager shows the
/// form again).
fn form_only(func: &str, params: &Params) -> super::ApiResponse {
    let mut body = Map::new();
    for (key, value) in params {
        if !matches!(key.as_str(), "auth" | "password" | "func" | "out") {
            body.insert(key.clone(), t(value));
        }
    }
    doc(func, body)
}

impl Zomro {
    /// Applies every step whose time has passed.
    pub(super) fn advance(&mut self, now: u64) {
        let mut gone = Vec::new();
        for instance in self.instances.values_mut() {
            while instance.steps.front().is_some_and(|(at, _)| *at <= now) {
                let Some((_, step)) = instance.steps.pop_front() else {
                    break;
                };
                match step {
                    Step::Status(s) => instance.status = s,
                    Step::Pricelist(p) => instance.pricelist = p,
                    Step::Os(o) => instance.os = o,
                    Step::Remove => gone.push(instance.id),
                }
            }
        }
        for id in gone {
            self.instances.remove(&id);
        }
    }

    /// The instance named by `elid`; `missed` if absent, busy while an operation runs.
    fn idle_instance(&mut self, params: &Params) -> Result<&mut Instance, DocError> {
        let elid = required(params, "elid")?;
        let instance = elid
            .parse::<u64>()
            .ok()
            .and_then(|id| self.instances.get_mut(&id))
            .ok_or_else(|| DocError::missed(elid))?;
        if instance.busy() {
            return Err(DocError::busy());
        }
        Ok(instance)
    }

    /// `instances`: one page (`p_num`, 1-based; `p_cnt` per page) of `elem`, with
    /// `p_num`, `p_cnt` and `p_elems` (the total).
    pub(super) fn list(&self, params: &Params) -> Result<super::ApiResponse, DocError> {
        let number = |field: &str, default: usize| match params.get(field) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| DocError::value(field, "a positive number is expected")),
        };
        let (page, per_page) = (number("p_num", 1)?, number("p_cnt", DEFAULT_PAGE)?);
        let elems: Vec<Value> = self
            .instances
            .values()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|i| i.render(&self.shape))
            .collect();
        let mut body = Map::new();
        put_list(&mut body, "elem", elems);
        body.insert("p_num".into(), t(page));
        body.insert("p_cnt".into(), t(per_page));
        body.insert("p_elems".into(), t(self.instances.len()));
        Ok(doc("instances", body))
    }

    /// Schedules an operation: `during` now, then `steps` at the end.
    fn schedule(&mut self, id: u64, during: &str, end: Vec<Step>, now: u64) {
        let at = now + self.op_ms;
        if let Some(instance) = self.instances.get_mut(&id) {
            instance.status = during.to_string();
            instance.steps = end.into_iter().map(|s| (at, s)).collect();
        }
    }

    /// `v2.instances.order.param` with `sok=ok` and `skipbasket=on` (docs/design/wire.md, "Zomro"): orders
    /// an instance; it is `creating`, then `building`, then `active`.
    pub(super) fn order(
        &mut self,
        params: &Params,
        now: u64,
    ) -> Result<super::ApiResponse, DocError> {
        let func = "v2.instances.order.param";
        if !confirmed(params) {
            return Ok(form_only(func, params));
        }
        if params.get("skipbasket").map(String::as_str) != Some("on") {
            return Err(DocError::value(
                "skipbasket",
                "without skipbasket=on the order waits in the basket for payment; send skipbasket=on",
            ));
        }
        let pricelist = required(params, "pricelist")?;
        let datacenter = required(params, "datacenter")?;
        let os_id = required(params, "instances_os")?;
        let name = required(params, "servername")?;
        let plan = catalog::pricelist(pricelist)
            .ok_or_else(|| DocError::value("pricelist", format!("no price list {pricelist}")))?;
        catalog::datacenter(datacenter)
            .ok_or_else(|| DocError::value("datacenter", format!("no data centre {datacenter}")))?;
        if !plan.datacenters.contains(&datacenter) {
            return Err(DocError::value(
                "pricelist",
                format!("price list {pricelist} is not offered in data centre {datacenter}"),
            ));
        }
        let os = catalog::os(os_id)
            .filter(|o| o.datacenters.contains(&datacenter))
            .ok_or_else(|| {
                DocError::value(
                    "instances_os",
                    format!("no OS {os_id} in data centre {datacenter}"),
                )
            })?;
        let keys = ssh_keys(params)?;
        match params.get("password").filter(|p| !p.is_empty()) {
            Some(password) => check_password(password)?,
            None if keys.is_empty() => return Err(DocError::empty("password")),
            None => {}
        }
        let id = self.next_id;
        self.next_id += 1;
        let n = self.next_address;
        self.next_address += 1;
        let instance = Instance {
            id,
            name: name.to_string(),
            pricelist: plan.id.to_string(),
            datacenter: datacenter.to_string(),
            os: os.id.to_string(),
            status: "creating".into(),
            ip: format!("45.137.{}.{}", 20 + n / 250, 2 + n % 250),
            created: crate::util::task_date(self.shape.created(now))[..10].to_string(),
            ssh_keys: keys,
            steps: VecDeque::from([
                (now + self.op_ms / 2, Step::Status("building".into())),
                (now + self.op_ms, Step::Status("active".into())),
            ]),
        };
        self.instances.insert(id, instance);
        Ok(ok(func, self.shape.order_fields(id)))
    }

    /// `instances.fleio.rebuild`, exactly as Zomro API documents it: `elid`,
    /// `zone=image`, `select_rebuild` (OS UID), `enablessh` (`on`/`off`), `password`
    /// (needed when `enablessh=off`; ≥ 8 characters, 1 upper-case letter, 1 digit),
    /// `ssh_keys` (needed when `enablessh=on`), `sok=ok`.
    pub(super) fn rebuild(
        &mut self,
        params: &Params,
        now: u64,
    ) -> Result<super::ApiResponse, DocError> {
        let func = "instances.fleio.rebuild";
        if !confirmed(params) {
            return Ok(form_only(func, params));
        }
        let zone = required(params, "zone")?;
        if zone != "image" {
            return Err(DocError::value("zone", "only zone=image is supported"));
        }
        let os_id = required(params, "select_rebuild")?.to_string();
        let enablessh = required(params, "enablessh")?;
        let use_keys = match enablessh {
            "on" => true,
            "off" => false,
            other => {
                return Err(DocError::value(
                    "enablessh",
                    format!("{other:?} is not on or off"),
                ))
            }
        };
        let keys = ssh_keys(params)?;
        let password = params.get("password").filter(|p| !p.is_empty());
        if use_keys && keys.is_empty() {
            return Err(DocError::empty("ssh_keys"));
        }
        match password {
            Some(p) => check_password(p)?,
            None if !use_keys => return Err(DocError::empty("password")),
            None => {}
        }
        let instance = self.idle_instance(params)?;
        let os = catalog::os(&os_id)
            .filter(|o| o.datacenters.contains(&instance.datacenter.as_str()))
            .ok_or_else(|| {
                DocError::value("select_rebuild", format!("no OS {os_id} for this instance"))
            })?;
        let id = instance.id;
        if use_keys {
            instance.ssh_keys = keys;
        }
        let end = vec![Step::Os(os.id.to_string()), Step::Status("active".into())];
        self.schedule(id, "rebuilding", end, now);
        Ok(ok(func, vec![]))
    }

    /// `service.start`, `service.stop`, `service.reboot` on `elid`.
    pub(super) fn power(
        &mut self,
        func: &str,
        params: &Params,
        now: u64,
    ) -> Result<super::ApiResponse, DocError> {
        let instance = self.idle_instance(params)?;
        let (id, status) = (instance.id, instance.status.clone());
        let (during, end) = match (func, status.as_str()) {
            ("service.stop", "stopped") | ("service.start", "active") => {
                return Ok(ok(func, vec![]))
            }
            ("service.stop", _) => ("stopping", "stopped"),
            ("service.start", _) => ("starting", "active"),
            _ => ("rebooting", "active"),
        };
        self.schedule(id, during, vec![Step::Status(end.into())], now);
        Ok(ok(func, vec![]))
    }

    /// `service.changepricelist`: `elid` + `pricelist`, `sok=ok`; the instance is
    /// `resizing`, then back to its status on the new price list.
    pub(super) fn change_pricelist(
        &mut self,
        params: &Params,
        now: u64,
    ) -> Result<super::ApiResponse, DocError> {
        let func = "service.changepricelist";
        if !confirmed(params) {
            return Ok(form_only(func, params));
        }
        let target = required(params, "pricelist")?.to_string();
        let instance = self.idle_instance(params)?;
        let plan = catalog::pricelist(&target)
            .filter(|p| p.datacenters.contains(&instance.datacenter.as_str()))
            .ok_or_else(|| {
                DocError::value(
                    "pricelist",
                    format!("no price list {target} in this data centre"),
                )
            })?;
        if instance.pricelist == plan.id {
            return Err(DocError::value(
                "pricelist",
                "the service already has this price list",
            ));
        }
        let (id, status) = (instance.id, instance.status.clone());
        let end = vec![Step::Pricelist(plan.id.to_string()), Step::Status(status)];
        self.schedule(id, "resizing", end, now);
        Ok(ok(func, vec![]))
    }

    /// `instances.delete` on `elid`: `deleting`, then gone.
    pub(super) fn delete(
        &mut self,
        params: &Params,
        now: u64,
    ) -> Result<super::ApiResponse, DocError> {
        let id = self.idle_instance(params)?.id;
        self.schedule(id, "deleting", vec![Step::Remove], now);
        Ok(ok("instances.delete", vec![]))
    }
}
