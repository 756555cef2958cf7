//! Monitoring (doc 2.8), physical hosts (2.14), alarms (2.15) and storages (2.16).
//! Monitoring values move with the wall clock; a VM that is not running has no data
//! (doc 2.8.1 说明: an empty string means no data).

use super::catalog;
use super::model::state;
use super::{fail, paginate, Answer, Call, Fail, StarVCenter};
use crate::util::task_date;
use serde_json::{json, Value};

/// A value in `lo..=hi` that drifts with time `t` (seconds) and a seed.
fn wave(t: u64, seed: u64, lo: u64, hi: u64) -> u64 {
    let span = hi - lo + 1;
    let phase = (t / 5 + seed * 7) % (2 * span);
    lo + if phase < span {
        phase
    } else {
        2 * span - 1 - phase
    }
}

/// Seed of a VM id.
fn seed(id: &str) -> u64 {
    id.bytes().map(u64::from).sum()
}

impl StarVCenter {
    /// Routes `cloudmonitor/...`, `cloudhost/search`, `cloudalarm/search`, `cloudstorage/search`.
    pub(super) fn monitor(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        if call.method != "POST" {
            return None;
        }
        let p = call.params;
        Some(match call.segs {
            ["cloudhost", "search"] => {
                let id = p.str("host.id");
                let ip = p.str("host.ip");
                let items = catalog::hosts_json()
                    .into_iter()
                    .filter(|h| id.as_ref().is_none_or(|i| h["host.id"] == i.as_str()))
                    .filter(|h| {
                        ip.as_ref()
                            .is_none_or(|i| h["host.register.address"] == i.as_str())
                    })
                    .collect();
                paginate(p, items, false).map(Answer::page)
            }
            ["cloudstorage", "search"] => {
                paginate(p, catalog::storages_json(), false).map(Answer::page)
            }
            ["cloudalarm", "search"] => self.alarms(call),
            ["cloudmonitor", "compute", "currents"] => self.computes(call),
            ["cloudmonitor", what, "current" | "history"] => self.vm_monitor(call, what),
            _ => return None,
        })
    }

    /// `POST cloudalarm/search` (2.15.1): level, object type/id, relieve way; paged.
    fn alarms(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let filters = ["alarm.level", "alarm.objid", "alarm.relieve.way"].map(|k| (k, p.str(k)));
        let items = catalog::alarms_json()
            .into_iter()
            .filter(|a| {
                filters
                    .iter()
                    .all(|(k, v)| v.as_ref().is_none_or(|v| a[*k] == v.as_str()))
            })
            .collect();
        paginate(p, items, true).map(Answer::page)
    }

    /// The running VM a monitoring call names, or `None` when it is not running.
    fn monitored(&self, call: &Call) -> Result<Option<String>, Fail> {
        let p = call.params;
        let ty = p.req("monitor.obj.type")?;
        if ty != "vm" {
            return fail(format!("参数错误: monitor.obj.type must be vm, got {ty}"));
        }
        let id = self.owned(call, &p.req("monitor.obj")?)?;
        Ok((self.vms[&id].state == state::RUNNING).then_some(id))
    }

    /// CPU/memory sample of a VM at `ms` (2.8.1 fields).
    fn compute_sample(&self, id: &str, ms: u64, running: bool) -> Value {
        let vm = &self.vms[id];
        let t = ms / 1000;
        let s = seed(id);
        let (cpu, mem) = if running {
            (
                wave(t, s, 3, 95).to_string(),
                wave(t, s + 3, 20, 90).to_string(),
            )
        } else {
            (String::new(), String::new())
        };
        let used = mem
            .parse::<i64>()
            .map(|r| (vm.memory * r / 100).to_string())
            .unwrap_or_default();
        json!({"monitor.obj": id, "monitor.createtime": task_date(ms), "monitor.cpu.rate": cpu,
               "monitor.mem.rate": mem, "monitor.cpu.num": vm.cpu.to_string(),
               "monitor.mem.size": vm.memory.to_string(), "monitor.mem.usedsize": used})
    }

    /// `cloudmonitor/{compute,disk,net}/history`, `compute/current`,
    /// `everydisk/current`, `everynet/current` (2.8.1–2.8.6).
    fn vm_monitor(&self, call: &Call, what: &str) -> Result<Answer, Fail> {
        let running = self.monitored(call)?;
        let id = self.owned(call, &call.params.req("monitor.obj")?)?;
        let on = running.is_some();
        let now = call.now;
        let s = seed(&id);
        let kb = |t: u64, salt: u64| {
            if on {
                format!(
                    "{}.{:02}",
                    wave(t, s + salt, 0, 900),
                    wave(t, s + salt + 1, 0, 99)
                )
            } else {
                String::new()
            }
        };
        if call.segs[2] == "current" {
            return Ok(Answer::data(match what {
                "compute" => self.compute_sample(&id, now, on),
                "everydisk" => Value::Array(self.disks.values().filter(|d| d.vm == id).map(|d| {
                    let t = now / 1000;
                    json!({"monitor.obj": id, "monitor.diskid": d.id, "monitor.createtime": task_date(now),
                           "monitor.disk.writespeed": kb(t, 1), "monitor.disk.readspeed": kb(t, 2),
                           "monitor.disk.size": (d.size * 1024 * 1024).to_string(),
                           "monitor.disk.rqbs": if on { wave(t, s, 0, 200).to_string() } else { String::new() },
                           "monitor.disk.wqbs": if on { wave(t, s + 1, 0, 200).to_string() } else { String::new() },
                           "monitor.disk.usedsize": (d.size * 1024 * 1024 / 3).to_string()})
                }).collect()),
                "everynet" => Value::Array(self.nics.values().filter(|n| n.vm == id).map(|n| {
                    let t = now / 1000;
                    json!({"monitor.obj": id, "monitor. netcard id": n.id, "monitor. netcardmac": n.mac,
                           "monitor.createtime": task_date(now), "monitor.net.downspeed": kb(t, 3),
                           "monitor.net.upspeed": kb(t, 4)})
                }).collect()),
                _ => return fail(format!("no such path: cloudmonitor/{what}/current")),
            }));
        }
        let (points, step) = match call.params.req("lineType")?.as_str() {
            "minute" => (60u64, 60_000u64),
            "hour" => (24, 3_600_000),
            "day" => (30, 86_400_000),
            other => {
                return fail(format!(
                    "参数错误: lineType must be minute, hour or day, got {other}"
                ))
            }
        };
        let items: Vec<Value> = (0..points)
            .rev()
            .map(|i| now - i * step)
            .map(|ms| {
                let t = ms / 1000;
                match what {
                    "compute" => {
                        let c = self.compute_sample(&id, ms, on);
                        json!({"monitor.obj": id, "monitor.createtime": c["monitor.createtime"],
                               "monitor.cpu.rate": c["monitor.cpu.rate"], "monitor.mem.rate": c["monitor.mem.rate"]})
                    }
                    "disk" => json!({"monitor.obj": id, "monitor.createtime": task_date(ms),
                                     "monitor.disk.writespeed": kb(t, 1), "monitor.disk.readspeed": kb(t, 2)}),
                    _ => json!({"monitor.obj": id, "monitor.createtime": task_date(ms),
                                "monitor.net.downspeed": kb(t, 3), "monitor.net.upspeed": kb(t, 4)}),
                }
            })
            .collect();
        if !["compute", "disk", "net"].contains(&what) {
            return fail(format!("no such path: cloudmonitor/{what}/history"));
        }
        Ok(Answer::data(Value::Array(items)))
    }

    /// `POST cloudmonitor/compute/currents` (2.8.7): several VMs or hosts at once.
    fn computes(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let ty = p.req("monitor.obj.type")?;
        let ids: Vec<String> = match p.0.get("monitor.objids") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => return fail("参数缺失: monitor.objids is required (a list)"),
        };
        let now = call.now;
        let items = ids
            .iter()
            .filter_map(|id| match ty.as_str() {
                "vm" => self.owned(call, id).ok().map(|id| {
                    let running = self.vms[&id].state == state::RUNNING;
                    let mut v = self.compute_sample(&id, now, running);
                    v["monitor.disk.usedsize"] = json!(self.disks.values().filter(|d| d.vm == id).map(|d| d.size * 1024 / 3).sum::<i64>().to_string());
                    v
                }),
                _ => catalog::HOSTS.iter().find(|h| h.0 == id).map(|h| {
                    let t = now / 1000;
                    let s = seed(id);
                    let rate = wave(t, s + 3, 20, 80);
                    json!({"monitor.obj": id, "monitor.createtime": task_date(now),
                           "monitor.cpu.rate": wave(t, s, 5, 90).to_string(), "monitor.mem.rate": rate.to_string(),
                           "monitor.cpu.num": h.3.to_string(), "monitor.mem.size": (h.4 * 1024).to_string(),
                           "monitor.mem.usedsize": (h.4 * 1024 * rate as i64 / 100).to_string(),
                           "monitor.disk.usedsize": "512000"})
                }),
            })
            .collect();
        Ok(Answer::data(Value::Array(items)))
    }
}
