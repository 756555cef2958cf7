# Restores a server from a backup. The restore runs when this resource is created and
# again whenever `vps_id`, the source or `triggers` change; destroying the resource
# changes nothing on the server. The server's disk is overwritten.
resource "polycloud_vps" "app" {
  name     = "app-1"
  image    = "ubuntu_22.04_64_001_master"
  plan     = "small"
  location = "spb0"
  password = "Example-Passw0rd" # use a variable marked sensitive in real code
}

resource "polycloud_backup" "known_good" {
  vps_id = polycloud_vps.app.id
  name   = "app-1-known-good"
}

resource "polycloud_vps_restore" "rollback" {
  vps_id    = polycloud_vps.app.id
  backup_id = polycloud_backup.known_good.id # Vscale: backups only (no snapshots)

  # Change any value to restore again from the same backup.
  triggers = {
    reason = "initial rollback"
  }

  timeouts {
    create = "30m"
  }
}
