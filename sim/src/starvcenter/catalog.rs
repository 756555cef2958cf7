//! Seed data: VM templates, VM types and models (doc 2.2.17), physical hosts (2.14),
//! storages (2.16) and alarms (2.15). The document has no template list; templates
//! are the simulator's own (sim/README.md lists them).

use serde_json::{json, Value};

/// A VM template or model: what a VM is installed from.
pub struct Source {
    /// Template id (`vm.template.id`) or model code (`vm.tenant.mode`).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// VM type code (`vm.tenant.type`), models only.
    pub tenant_type: &'static str,
    /// System disk in GB.
    pub disk_gb: i64,
    /// Whether the guest agent can shut it down softly (`vm.shutdown.enable`).
    pub soft_shutdown: bool,
}

/// Templates (`vm.template.id`).
pub const TEMPLATES: [Source; 3] = [
    Source {
        id: "tpl-centos-7",
        name: "CentOS 7.9",
        tenant_type: "",
        disk_gb: 40,
        soft_shutdown: true,
    },
    Source {
        id: "tpl-ubuntu-2204",
        name: "Ubuntu 22.04",
        tenant_type: "",
        disk_gb: 40,
        soft_shutdown: true,
    },
    Source {
        id: "tpl-win-2022",
        name: "Windows Server 2022",
        tenant_type: "",
        disk_gb: 60,
        soft_shutdown: false,
    },
];

/// VM types with their models (doc 2.2.17, examples from 2.2.19).
pub const TYPES: [(&str, &str); 3] = [
    ("tenant_app_model", "应用服务器"),
    ("tenant_db_model", "数据库"),
    ("tenant_system_model", "操作系统"),
];

/// Models (`vm.tenant.model`).
pub const MODELS: [Source; 4] = [
    Source {
        id: "k8s-1-16-8",
        name: "K8S_1_16_8",
        tenant_type: "tenant_app_model",
        disk_gb: 50,
        soft_shutdown: true,
    },
    Source {
        id: "weblogic-12c",
        name: "WEBLOGIC_12C",
        tenant_type: "tenant_app_model",
        disk_gb: 50,
        soft_shutdown: true,
    },
    Source {
        id: "mysql-8-0",
        name: "MYSQL_8_0",
        tenant_type: "tenant_db_model",
        disk_gb: 100,
        soft_shutdown: true,
    },
    Source {
        id: "win-2022",
        name: "WIN_2022",
        tenant_type: "tenant_system_model",
        disk_gb: 60,
        soft_shutdown: false,
    },
];

/// A template by id.
pub fn template(id: &str) -> Option<&'static Source> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// A model by code.
pub fn model(id: &str) -> Option<&'static Source> {
    MODELS.iter().find(|m| m.id == id)
}

/// `GET cloudvm/model` data (2.2.17), with the document's key `vm.tenant.mode`.
pub fn models_json() -> Value {
    let types: Vec<Value> = TYPES
        .iter()
        .map(|(code, name)| {
            let models: Vec<Value> = MODELS
                .iter()
                .filter(|m| m.tenant_type == *code)
                .map(|m| json!({"vm.tenant.mode": m.id, "vm.tenant.modelname": m.name}))
                .collect();
            json!({"vm.tenant.type": code, "vm.tenant.typename": name, "model": models})
        })
        .collect();
    Value::Array(types)
}

/// Physical hosts (2.14): id, name, state (附表3), CPU cores, memory GB.
pub const HOSTS: [(&str, &str, i32, i64, i64); 3] = [
    ("host-01", "node-a", 1, 64, 256),
    ("host-02", "node-b", 1, 64, 256),
    ("host-03", "node-c", 2, 32, 128),
];

/// The 2.14 detail of each host.
pub fn hosts_json() -> Vec<Value> {
    HOSTS
        .iter()
        .enumerate()
        .map(|(i, (id, name, state, cpus, mem))| {
            json!({"host.id": id, "host.name": name, "host.desc": format!("rack {}", i + 1),
                   "host.state": state.to_string(), "host.isconnected": (*state == 1).to_string(),
                   "host.createtime": "2023-03-01 09:00:00",
                   "host.register.address": format!("10.10.0.{}", 11 + i),
                   "host.authentication": "1", "host.ismending": "false",
                   "host.os.product": "CentOS Linux 7", "host.os.bit": "64",
                   "host.os.versoin": "3.10.0-1160", "host.virt.versoin": "qemu-kvm 6.2",
                   "host.cpu.vendor": "Intel", "host.cpu.num": cpus.to_string(), "host.cpus": "2",
                   "host.mem.size": mem.to_string()})
        })
        .collect()
}

/// Storages (2.16).
pub fn storages_json() -> Vec<Value> {
    vec![
        json!({"storage.id": "stor-01", "storage.name": "ceph-main", "storage.desc": "main pool",
               "storage.createtime": "2023-03-01 09:00:00", "storage.type": "CEPH",
               "storage.thin": "true", "storage.size": "20480", "storage.location": "rbd/vms",
               "storage.use.type": "main", "storage.usedsize": "6144",
               "storage.file.type": "block", "storage.io.auth": "rw",
               "storage.ceph.monitorip ": "10.10.1.1,10.10.1.2"}),
        json!({"storage.id": "stor-02", "storage.name": "nfs-backup", "storage.desc": "backups",
               "storage.createtime": "2023-03-02 09:00:00", "storage.type": "NFS",
               "storage.thin": "false", "storage.size": "10240", "storage.location": "10.10.2.1:/backup",
               "storage.use.type": "seconds", "storage.usedsize": "2048",
               "storage.file.type": "file", "storage.io.auth": "rw",
               "storage.ceph.monitorip ": ""}),
    ]
}

/// Alarms (2.15): id, level, host, content, relieve way.
pub const ALARMS: [(&str, &str, &str, &str, &str); 5] = [
    (
        "alarm-01",
        "high",
        "host-03",
        "主机掉线: host node-c is offline",
        "none",
    ),
    ("alarm-02", "medium", "host-01", "CPU使用率超过80%", "auto"),
    ("alarm-03", "low", "host-02", "内存使用率超过70%", "auto"),
    (
        "alarm-04",
        "medium",
        "host-02",
        "存储使用率超过60%",
        "manual",
    ),
    ("alarm-05", "low", "host-01", "网络丢包", "none"),
];

/// The 2.15.1 detail of each alarm.
pub fn alarms_json() -> Vec<Value> {
    ALARMS
        .iter()
        .enumerate()
        .map(|(i, (id, level, obj, content, way))| {
            let name = HOSTS.iter().find(|h| h.0 == *obj).map(|h| h.1).unwrap_or("");
            let relieved = if *way == "none" { String::new() } else { format!("2024-05-0{} 12:00:00", i + 1) };
            json!({"alarm.id": id, "alarm.type": "host", "alarm.level": level,
                   "alarm.objid": obj, "alarm.objname": name, "alarm.obj.type": "主机",
                   "alarm.content": content, "alarm.create.time": format!("2024-05-0{} 10:00:00", i + 1),
                   "alarm.relieve.time": relieved, "alarm.relieve.way": way})
        })
        .collect()
}
