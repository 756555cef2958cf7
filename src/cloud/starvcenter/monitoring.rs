//! StarVCenter monitoring (StarVCenter API 2.8), physical hosts (2.14), alarms (2.15) and
//! storages (2.16), in the domain model. Monitoring values the API gives as an empty
//! string mean "no data" (2.8.1 说明) and become `None`.

use serde_json::{json, Value};

use super::wire::{self, flag, int, items, text};
use super::StarVCenterClient;
use crate::cloud::CloudError;
use crate::http::Method;
use crate::model::*;

/// A field as a decimal number (KB/s with two decimals in 2.8.3–2.8.6).
fn float(value: &Value, key: &str) -> Option<f64> {
    match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// A time field as RFC 3339.
fn time(value: &Value, key: &str) -> Option<String> {
    text(value, key).and_then(|t| wire::to_rfc3339(&t))
}

/// The words `status` shows for host state codes (StarVCenter API 附表3 主机状态码).
fn host_state_word(code: &str) -> String {
    match code {
        "0" => "stopped",
        "1" => "running",
        "2" => "offline",
        "-1" => "checking",
        "-2" => "ha_checking",
        other => return format!("state_{other}"),
    }
    .to_string()
}

/// A 2.14 host detail in the domain model.
fn host_from_wire(h: &Value) -> Host {
    Host {
        id: text(h, "host.id").unwrap_or_default(),
        name: text(h, "host.name").unwrap_or_default(),
        description: text(h, "host.desc"),
        status: host_state_word(&text(h, "host.state").unwrap_or_default()),
        connected: flag(h, "host.isconnected"),
        ip_address: text(h, "host.register.address"),
        maintenance: flag(h, "host.ismending"),
        os: text(h, "host.os.product"),
        // "versoin" is how 2.14 spells it.
        hypervisor: text(h, "host.virt.versoin").or_else(|| text(h, "host.virt.version")),
        cpu_vendor: text(h, "host.cpu.vendor"),
        cpu_cores: int(h, "host.cpu.num"),
        cpus: int(h, "host.cpus"),
        memory_gb: int(h, "host.mem.size"),
        created_at: time(h, "host.createtime"),
    }
}

/// A 2.16 storage detail in the domain model.
fn storage_from_wire(s: &Value) -> Storage {
    Storage {
        id: text(s, "storage.id").unwrap_or_default(),
        name: text(s, "storage.name").unwrap_or_default(),
        description: text(s, "storage.desc"),
        kind: text(s, "storage.type"),
        thin: flag(s, "storage.thin"),
        size_gb: int(s, "storage.size"),
        used_gb: int(s, "storage.usedsize"),
        location: text(s, "storage.location"),
        usage: text(s, "storage.use.type").map(|u| match u.as_str() {
            "seconds" => "secondary".to_string(),
            _ => u,
        }),
        file_type: text(s, "storage.file.type"),
        access: text(s, "storage.io.auth"),
        created_at: time(s, "storage.createtime"),
    }
}

/// A 2.15.1 alarm in the domain model.
fn alarm_from_wire(a: &Value) -> Alarm {
    Alarm {
        id: text(a, "alarm.id").unwrap_or_default(),
        kind: text(a, "alarm.type"),
        level: text(a, "alarm.level"),
        object_id: text(a, "alarm.objid"),
        object_name: text(a, "alarm.objname"),
        object_type: text(a, "alarm.obj.type"),
        content: text(a, "alarm.content"),
        created_at: time(a, "alarm.create.time"),
        relieved_at: time(a, "alarm.relieve.time"),
        relieve_way: text(a, "alarm.relieve.way"),
    }
}

/// A 2.8.5 per-disk sample.
fn disk_metrics(d: &Value) -> DiskMetrics {
    DiskMetrics {
        disk_id: text(d, "monitor.diskid").unwrap_or_default(),
        read_kbps: float(d, "monitor.disk.readspeed"),
        write_kbps: float(d, "monitor.disk.writespeed"),
        read_iops: int(d, "monitor.disk.rqbs"),
        write_iops: int(d, "monitor.disk.wqbs"),
        size_kb: int(d, "monitor.disk.size"),
        used_kb: int(d, "monitor.disk.usedsize"),
    }
}

/// A 2.8.6 per-NIC sample (keys printed with stray spaces, read trimmed of them).
fn nic_metrics(n: &Value) -> NicMetrics {
    NicMetrics {
        nic_id: text(n, "monitor. netcard id")
            .or_else(|| text(n, "monitor.netcard id"))
            .or_else(|| text(n, "monitor.netcardid"))
            .unwrap_or_default(),
        mac: text(n, "monitor. netcardmac").or_else(|| text(n, "monitor.netcardmac")),
        down_kbps: float(n, "monitor.net.downspeed"),
        up_kbps: float(n, "monitor.net.upspeed"),
    }
}

impl StarVCenterClient {
    /// One monitoring call on a VM (`monitor.obj.type` = `vm`), with `lineType` for
    /// histories.
    async fn monitor(
        &self,
        path: &str,
        vm: &str,
        line: Option<MetricsInterval>,
    ) -> Result<Value, CloudError> {
        let mut params = json!({"monitor.obj.type": "vm", "monitor.obj": vm});
        if let Some(line) = line {
            params["lineType"] = json!(line.as_str());
        }
        Ok(self.read(Method::Post, path, Some(params)).await?.data)
    }

    /// The current sample (2.8.1, 2.8.5, 2.8.6) and the history at `interval`
    /// (2.8.2–2.8.4) of one VM.
    pub(super) async fn metrics(
        &self,
        vm: &str,
        interval: MetricsInterval,
    ) -> Result<VpsMetrics, CloudError> {
        let vm = vm.trim();
        let now = self
            .monitor("cloudmonitor/compute/current", vm, None)
            .await?;
        let disks = self
            .monitor("cloudmonitor/everydisk/current", vm, None)
            .await?;
        let nics = self
            .monitor("cloudmonitor/everynet/current", vm, None)
            .await?;
        let line = Some(interval);
        let compute = self
            .monitor("cloudmonitor/compute/history", vm, line)
            .await?;
        let disk = self.monitor("cloudmonitor/disk/history", vm, line).await?;
        let net = self.monitor("cloudmonitor/net/history", vm, line).await?;
        Ok(VpsMetrics {
            sampled_at: time(&now, "monitor.createtime"),
            cpu_percent: int(&now, "monitor.cpu.rate"),
            memory_percent: int(&now, "monitor.mem.rate"),
            cpu_count: int(&now, "monitor.cpu.num"),
            memory_mb: int(&now, "monitor.mem.size"),
            memory_used_mb: int(&now, "monitor.mem.usedsize"),
            disks: items(&disks).iter().map(disk_metrics).collect(),
            nics: items(&nics).iter().map(nic_metrics).collect(),
            compute_history: items(&compute)
                .iter()
                .map(|p| ComputeSample {
                    time: time(p, "monitor.createtime"),
                    cpu_percent: int(p, "monitor.cpu.rate"),
                    memory_percent: int(p, "monitor.mem.rate"),
                })
                .collect(),
            disk_history: rates(&disk, "monitor.disk.readspeed", "monitor.disk.writespeed"),
            network_history: rates(&net, "monitor.net.downspeed", "monitor.net.upspeed"),
        })
    }

    /// Every physical host (2.14, all pages).
    pub(super) async fn all_hosts(&self) -> Result<Vec<Host>, CloudError> {
        let all = self.search_all("cloudhost/search", json!({})).await?;
        Ok(all.iter().map(host_from_wire).collect())
    }

    /// Every storage (2.16, all pages).
    pub(super) async fn all_storages(&self) -> Result<Vec<Storage>, CloudError> {
        let all = self.search_all("cloudstorage/search", json!({})).await?;
        Ok(all.iter().map(storage_from_wire).collect())
    }

    /// Alarms passing `filter` (2.15.1, filtered by the API, all pages).
    pub(super) async fn find_alarms(&self, filter: &AlarmFilter) -> Result<Vec<Alarm>, CloudError> {
        let mut params = json!({});
        for (key, value) in [
            ("alarm.level", &filter.level),
            ("alarm.objid", &filter.object_id),
            ("alarm.relieve.way", &filter.relieve_way),
        ] {
            if let Some(v) = value {
                params[key] = json!(v);
            }
        }
        let all = self.search_all("cloudalarm/search", params).await?;
        Ok(all.iter().map(alarm_from_wire).collect())
    }
}

/// A 2.8.3/2.8.4 history as rate samples.
fn rates(data: &Value, in_key: &str, out_key: &str) -> Vec<RateSample> {
    items(data)
        .iter()
        .map(|p| RateSample {
            time: time(p, "monitor.createtime"),
            in_kbps: float(p, in_key),
            out_kbps: float(p, out_key),
        })
        .collect()
}
