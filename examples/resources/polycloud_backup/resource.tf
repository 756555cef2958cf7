# A backup of a server. Creating it waits until the cloud reports the backup finished
# (Vscale: status "finished"), so later resources can rely on it.
resource "polycloud_vps" "db" {
  name     = "db-1"
  image    = "debian_12_64_001_master"
  plan     = "small"
  location = "spb0"
  password = "Example-Passw0rd" # use a variable marked sensitive in real code
}

resource "polycloud_backup" "db_before_upgrade" {
  vps_id = polycloud_vps.db.id
  name   = "db-1-before-upgrade" # Vscale: renaming makes a new backup

  timeouts {
    create = "1h"
  }
}

output "backup_size_gb" {
  value = polycloud_backup.db_before_upgrade.size_gb
}
