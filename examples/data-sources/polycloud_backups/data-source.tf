resource "polycloud_vps" "web" {
  name     = "web-1"
  image    = "ubuntu_22.04_64_001_master"
  plan     = "small"
  location = "spb0"
}

# The backups of one server, newest last as the cloud lists them.
data "polycloud_backups" "web" {
  vps_id = polycloud_vps.web.id
}

# Every backup of the account.
data "polycloud_backups" "all" {}

output "web_backup_ids" {
  value = data.polycloud_backups.web.ids
}

output "finished_backups" {
  value = [for b in data.polycloud_backups.all.backups : b.id if b.status == "finished"]
}
