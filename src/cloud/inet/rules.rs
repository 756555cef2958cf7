//! What iNET can do (the capability matrix, README.md "What each cloud can do", iNET column) and how each attribute behaves there
//! (the attribute table of polycloud_vps in docs/resources/vps.md), so that plan refuses the rest with advice before any API call.

use crate::cloud::{AttrRule, Capability, Change, Feature, Setting};

/// Advice for creating a server: adopt it with an `import` block.
pub const ADOPT: &str = "iNET's API cannot create servers: order the VPS in the iNET portal, then adopt it with an import block (find its id with data source polycloud_vps_list):\n\nimport {\n  to = polycloud_vps.web\n  id = \"<VPS id, e.g. 1001>\"\n}\n\nresource \"polycloud_vps\" \"web\" {\n  name = \"<its name as iNET shows it>\"\n}";

const BACKUP_ADVICE: &str = "iNET makes backups on its own schedule; the API cannot start one. Adopt an existing backup with an import block (id `<vps_id>/<backup_id>`, see data source polycloud_backups), or use polycloud_snapshot for an on-demand copy.";

const RENAME: &str = "iNET's API cannot rename a server: write the name iNET shows (see data source polycloud_vps_list), or rename it in the iNET portal.";

/// The capability of each resource and data source on iNET.
pub fn capability(feature: Feature) -> Capability {
    use Feature::*;
    match feature {
        Vps => Capability::from_letters("RUF", ADOPT),
        Snapshot | Volume => Capability::from_letters("CRD", ""),
        Backup => Capability::from_letters("RD", BACKUP_ADVICE),
        VpsReboot => Capability::from_letters("CRUD", ""),
        DataVps | DataVpsList | DataSnapshots | DataBackups | DataVpsKeypair
        | DataVpsPrivateKey | DataVpsConsole => Capability::from_letters("CR", ""),
        other => Capability::none(advice_for(other)),
    }
}

/// Why something else is not available, and where it is.
fn advice_for(feature: Feature) -> String {
    use Feature::*;
    let elsewhere = match feature {
        SshKey | DataAccount => "Vscale",
        VpsRestore => "Vscale and StarVCenter",
        DataImages | DataPlans | DataLocations => "Vscale, Zomro and StarVCenter",
        _ => "StarVCenter",
    };
    format!(
        "{} is not available on iNET, whose API manages existing servers only (it exists on {elsewhere}).",
        feature.type_name()
    )
}

/// An attribute iNET decides: reading it is fine, writing it is refused.
fn computed(what: &str) -> AttrRule {
    AttrRule::unsupported(&format!(
        "iNET decides {what} when the server is ordered; it is read from the server. Remove this attribute (read it from the resource)."
    ))
}

/// How an attribute behaves on iNET; `None` keeps the resource's default.
pub fn rule(feature: Feature, attribute: &str) -> Option<AttrRule> {
    use Feature::*;
    Some(match (feature, attribute) {
        (Vps, "name") => AttrRule {
            set: Setting::Optional,
            change: Change::Unsupported(RENAME.into()),
        },
        (Vps, "image") => computed("the image"),
        (Vps, "plan" | "cpu" | "memory_mb") => computed("the plan and its size"),
        (Vps, "location") => AttrRule::unsupported("iNET servers have no selectable location; remove `location`."),
        (Vps, "network_id") => AttrRule::unsupported("iNET has no selectable networks; remove `network_id`."),
        (Vps, "ssh_key_ids") => AttrRule::unsupported("iNET installs its own key pair; remove `ssh_key_ids` and read it with data sources polycloud_vps_keypair / polycloud_vps_private_key."),
        (Vps, "password" | "description" | "power_state" | "auto_snapshot_days") => AttrRule::in_place(),
        (Vps, "password_wo") => AttrRule::unsupported("iNET resets a server's root password to one it generates itself, so a write-only password cannot be set; remove `password_wo` (a change of `password` asks iNET for a reset)."),
        (Snapshot, "name") => AttrRule::unsupported("iNET names snapshots itself; remove `name` (it is computed)."),
        (Snapshot | Backup | Volume, "description") => AttrRule::unsupported("iNET keeps no description here; remove `description`."),
        (Backup, "name") => AttrRule {
            set: Setting::Optional,
            change: Change::Unsupported("iNET names backups itself; write the name it shows or remove `name`.".into()),
        },
        (Volume, "image") => AttrRule::replace("iNET makes a volume from an image").required(),
        (Volume, "size_gb") => AttrRule::unsupported("iNET sizes a volume by its image; remove `size_gb` (it is computed)."),
        _ => return None,
    })
}
