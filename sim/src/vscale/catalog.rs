//! The seed catalog of the simulated Vscale account: images, rate plans
//! (`rplans`) and locations. It never changes at run time.
//!
//! The Vscale doc ("Создаём новый сервер") names the images
//! `debian_8.1_64_001_master`, `centos_7.1_64_001_master`,
//! `ubuntu_14.04_64_002_master`, the plans `small, medium, large, huge, monster`
//! "в порядке возрастания" and the location `spb0`. The object shapes of
//! `GET /images`, `GET /rplans` and `GET /locations` follow the real public
//! Vscale API v1 (the doc does not show them).

use serde_json::{json, Value};

/// An OS image (`make_from`).
pub struct Image {
    /// Image id, e.g. `ubuntu_22.04_64_001_master`.
    pub id: &'static str,
    /// Human description.
    pub description: &'static str,
    /// Minimal disk size in MB; the image is available for plans at least this big.
    pub size: u64,
    /// Locations that offer it.
    pub locations: &'static [&'static str],
}

/// A rate plan (`rplan`).
pub struct Plan {
    /// Plan id, e.g. `medium`.
    pub id: &'static str,
    /// Number of vCPUs.
    pub cpus: u64,
    /// Memory in MB.
    pub memory: u64,
    /// Disk in MB.
    pub disk: u64,
    /// Network bandwidth in Mbit/s.
    pub network: u64,
    /// Number of public addresses.
    pub addresses: u64,
}

/// A data centre.
pub struct Location {
    /// Location id, e.g. `spb0`.
    pub id: &'static str,
    /// Human description.
    pub description: &'static str,
    /// Whether scalets there get a private address.
    pub private_networking: bool,
}

/// Images; the three old ones only in spb0 (the doc: "на сегодняшний день этот
/// параметр может иметь только одно значение — spb"); CentOS needs 30 GB, so
/// it is not available for `small`.
pub const IMAGES: [Image; 5] = [
    Image {
        id: "ubuntu_14.04_64_002_master",
        description: "Ubuntu 14.04 64bit",
        size: 20480,
        locations: &["spb0"],
    },
    Image {
        id: "debian_8.1_64_001_master",
        description: "Debian 8.1 64bit",
        size: 20480,
        locations: &["spb0"],
    },
    Image {
        id: "centos_7.1_64_001_master",
        description: "CentOS 7.1 64bit",
        size: 30720,
        locations: &["spb0"],
    },
    Image {
        id: "ubuntu_22.04_64_001_master",
        description: "Ubuntu 22.04 64bit",
        size: 20480,
        locations: &["spb0", "msk0"],
    },
    Image {
        id: "debian_12_64_001_master",
        description: "Debian 12 64bit",
        size: 20480,
        locations: &["spb0", "msk0"],
    },
];

/// Plans in increasing order (Vscale doc, "Создаём новый сервер": "small,
/// medium, large, huge, monster (в порядке возрастания)"); the order decides
/// what is an upgrade and what a downgrade.
pub const PLANS: [Plan; 5] = [
    plan("small", 1, 512, 20480),
    plan("medium", 1, 1024, 30720),
    plan("large", 2, 2048, 40960),
    plan("huge", 4, 4096, 61440),
    plan("monster", 6, 8192, 81920),
];

/// A plan with the common network figures.
const fn plan(id: &'static str, cpus: u64, memory: u64, disk: u64) -> Plan {
    Plan {
        id,
        cpus,
        memory,
        disk,
        network: 1024,
        addresses: 1,
    }
}

/// Locations; every plan is offered in both.
pub const LOCATIONS: [Location; 2] = [
    Location {
        id: "spb0",
        description: "Санкт-Петербург, Цветочная 21",
        private_networking: true,
    },
    Location {
        id: "msk0",
        description: "Москва, Боровая 7",
        private_networking: false,
    },
];

/// The image with this id.
pub fn image(id: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|i| i.id == id)
}

/// The plan with this id.
pub fn plan_by_id(id: &str) -> Option<&'static Plan> {
    PLANS.iter().find(|p| p.id == id)
}

/// The location with this id.
pub fn location(id: &str) -> Option<&'static Location> {
    LOCATIONS.iter().find(|l| l.id == id)
}

/// Position of a plan in the increasing order.
pub fn plan_rank(id: &str) -> Option<usize> {
    PLANS.iter().position(|p| p.id == id)
}

/// Whether an image fits a plan's disk.
fn fits(image: &Image, plan: &Plan) -> bool {
    image.size <= plan.disk
}

/// Checks that a create request names an existing image, plan and location
/// that go together; the error text is the `Vscale-Error-Message`.
pub fn check_combination(image_id: &str, plan_id: &str, location_id: &str) -> Result<(), String> {
    let image = image(image_id).ok_or_else(|| format!("image {image_id} not found"))?;
    let plan = plan_by_id(plan_id).ok_or_else(|| format!("rplan {plan_id} not found"))?;
    location(location_id).ok_or_else(|| format!("location {location_id} not found"))?;
    if !image.locations.contains(&location_id) {
        return Err(format!(
            "image {image_id} is not available in location {location_id}"
        ));
    }
    if !fits(image, plan) {
        return Err(format!(
            "image {image_id} is not available for rplan {plan_id}"
        ));
    }
    Ok(())
}

/// `GET /images`.
pub fn images_json() -> Value {
    let render = |i: &Image| {
        let rplans: Vec<&str> = PLANS.iter().filter(|p| fits(i, p)).map(|p| p.id).collect();
        json!({"id": i.id, "description": i.description, "active": true, "size": i.size,
               "locations": i.locations, "rplans": rplans})
    };
    Value::Array(IMAGES.iter().map(render).collect())
}

/// `GET /rplans`.
pub fn rplans_json() -> Value {
    let locations: Vec<&str> = LOCATIONS.iter().map(|l| l.id).collect();
    let render = |p: &Plan| {
        let templates: Vec<&str> = IMAGES.iter().filter(|i| fits(i, p)).map(|i| i.id).collect();
        json!({"id": p.id, "cpus": p.cpus, "memory": p.memory, "disk": p.disk,
               "network": p.network, "addresses": p.addresses,
               "locations": locations, "templates": templates})
    };
    Value::Array(PLANS.iter().map(render).collect())
}

/// `GET /locations`.
pub fn locations_json() -> Value {
    let rplans: Vec<&str> = PLANS.iter().map(|p| p.id).collect();
    let render = |l: &Location| {
        let templates: Vec<&str> = IMAGES
            .iter()
            .filter(|i| i.locations.contains(&l.id))
            .map(|i| i.id)
            .collect();
        json!({"id": l.id, "description": l.description, "active": true,
               "private_networking": l.private_networking,
               "rplans": rplans, "templates": templates})
    };
    Value::Array(LOCATIONS.iter().map(render).collect())
}
