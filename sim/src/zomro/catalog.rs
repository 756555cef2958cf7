//! The seed catalog of the simulated Zomro account: data centres, price lists (plans),
//! operating systems and the account's SSH keys, as `v2.instances.order.pricelist`
//! answers them. It never changes at run time.
//!
//! The document (Zomro API, parameter table) says the OS UID (`select_rebuild`) and
//! the SSH key id (`ssh_keys`) are obtained from `v2.instances.order.pricelist`, and
//! its example reinstalls AlmaLinux 8 = `18d0ee2e-4d57-4f40-9b56-03c1773b5831` over
//! Ubuntu 20.04, with SSH key `490`. The other ids are ours.

use super::wire::{put_list, text};
use serde_json::{Map, Value};

/// A data centre (`datacenter`, the provider's `location`).
pub struct Datacenter {
    /// Numeric id, as BILLmanager ids are.
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
}

/// A price list (`pricelist`, the provider's `plan`).
pub struct Pricelist {
    /// Numeric id.
    pub id: &'static str,
    /// Name shown in the panel.
    pub name: &'static str,
    /// vCPUs.
    pub cpu: u64,
    /// Memory, MB.
    pub ram: u64,
    /// Disk, GB.
    pub disk: u64,
    /// Port speed, Mbit/s.
    pub bandwidth: u64,
    /// Monthly price in EUR.
    pub price: &'static str,
    /// Data centres offering it.
    pub datacenters: &'static [&'static str],
}

/// An operating system (`instances_os` at order, `select_rebuild` at rebuild).
pub struct Os {
    /// UID.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Data centres offering it.
    pub datacenters: &'static [&'static str],
}

/// An SSH key stored in the account.
pub struct SshKey {
    /// Numeric id (Zomro API: `ssh_keys 490`).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
}

/// Data centres.
pub const DATACENTERS: [Datacenter; 2] = [
    Datacenter {
        id: "1",
        name: "Netherlands, Amsterdam",
    },
    Datacenter {
        id: "2",
        name: "USA, Chicago",
    },
];

/// Price lists, smallest first.
pub const PRICELISTS: [Pricelist; 3] = [
    Pricelist {
        id: "6143",
        name: "Cloud VPS-1",
        cpu: 1,
        ram: 1024,
        disk: 25,
        bandwidth: 1000,
        price: "4.00",
        datacenters: &["1", "2"],
    },
    Pricelist {
        id: "6144",
        name: "Cloud VPS-2",
        cpu: 2,
        ram: 2048,
        disk: 50,
        bandwidth: 1000,
        price: "8.00",
        datacenters: &["1", "2"],
    },
    Pricelist {
        id: "6145",
        name: "Cloud VPS-4",
        cpu: 4,
        ram: 8192,
        disk: 100,
        bandwidth: 1000,
        price: "24.00",
        datacenters: &["1"],
    },
];

/// Operating systems; AlmaLinux 8 carries the document's UID.
pub const OSES: [Os; 4] = [
    Os {
        id: "18d0ee2e-4d57-4f40-9b56-03c1773b5831",
        name: "AlmaLinux 8",
        datacenters: &["1", "2"],
    },
    Os {
        id: "6f1c2a9e-2b1d-4d8e-9a57-20c4a1b0e204",
        name: "Ubuntu 20.04",
        datacenters: &["1", "2"],
    },
    Os {
        id: "b3e0a7c4-5d2f-4a61-8f0e-22d4c6e9a122",
        name: "Ubuntu 22.04",
        datacenters: &["1", "2"],
    },
    Os {
        id: "c9a4d1e7-8b3f-4e20-a6d5-12f0b7e4d012",
        name: "Debian 12",
        datacenters: &["1"],
    },
];

/// The account's SSH keys.
pub const SSH_KEYS: [SshKey; 2] = [
    SshKey {
        id: "490",
        name: "ops",
    },
    SshKey {
        id: "491",
        name: "ci",
    },
];

/// The data centre with this id.
pub fn datacenter(id: &str) -> Option<&'static Datacenter> {
    DATACENTERS.iter().find(|d| d.id == id)
}

/// The price list with this id.
pub fn pricelist(id: &str) -> Option<&'static Pricelist> {
    PRICELISTS.iter().find(|p| p.id == id)
}

/// The OS with this UID.
pub fn os(id: &str) -> Option<&'static Os> {
    OSES.iter().find(|o| o.id == id)
}

/// The SSH key with this id.
pub fn ssh_key(id: &str) -> Option<&'static SshKey> {
    SSH_KEYS.iter().find(|k| k.id == id)
}

/// `$`-rendered ids of data centres.
fn datacenter_list(ids: &[&str]) -> Vec<Value> {
    ids.iter().map(text).collect()
}

/// One price list as `v2.instances.order.pricelist` renders it.
fn render_pricelist(p: &Pricelist) -> Value {
    let mut map = Map::new();
    for (key, value) in [
        ("id", p.id.to_string()),
        ("name", p.name.to_string()),
        ("cpu", p.cpu.to_string()),
        ("ram", p.ram.to_string()),
        ("disk", p.disk.to_string()),
        ("bandwidth", p.bandwidth.to_string()),
        ("price", p.price.to_string()),
        ("currency", "EUR".to_string()),
        ("period", "month".to_string()),
    ] {
        map.insert(key.into(), text(value));
    }
    put_list(&mut map, "datacenter", datacenter_list(p.datacenters));
    Value::Object(map)
}

/// One OS as `v2.instances.order.pricelist` renders it.
fn render_os(o: &Os) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), text(o.id));
    map.insert("name".into(), text(o.name));
    put_list(&mut map, "datacenter", datacenter_list(o.datacenters));
    Value::Object(map)
}

/// The body of `v2.instances.order.pricelist`, only what `datacenter` offers when
/// it is given: `pricelist`, `os`, `datacenter` and `ssh_keys` lists.
pub fn pricelist_doc(datacenter: Option<&str>) -> Map<String, Value> {
    let offered = |dcs: &[&str]| datacenter.is_none_or(|d| dcs.contains(&d));
    let mut body = Map::new();
    let pricelists = PRICELISTS
        .iter()
        .filter(|p| offered(p.datacenters))
        .map(render_pricelist)
        .collect();
    put_list(&mut body, "pricelist", pricelists);
    let oses = OSES
        .iter()
        .filter(|o| offered(o.datacenters))
        .map(render_os)
        .collect();
    put_list(&mut body, "os", oses);
    let dcs = DATACENTERS
        .iter()
        .filter(|d| datacenter.is_none_or(|x| x == d.id))
        .map(|d| serde_json::json!({"id": text(d.id), "name": text(d.name)}))
        .collect();
    put_list(&mut body, "datacenter", dcs);
    let keys = SSH_KEYS
        .iter()
        .map(|k| serde_json::json!({"id": text(k.id), "name": text(k.name)}))
        .collect();
    put_list(&mut body, "ssh_keys", keys);
    body
}
