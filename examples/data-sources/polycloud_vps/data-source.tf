resource "polycloud_vps" "web" {
  name     = "web-1"
  image    = "ubuntu_22.04_64_001_master"
  plan     = "small"
  location = "spb0"
}

# One server by id (here the one above; any id works, e.g. a server made by hand).
data "polycloud_vps" "web" {
  id = polycloud_vps.web.id
}

# Or by its exact name: exactly one server must carry it.
#   data "polycloud_vps" "db" {
#     name = "db-1"
#   }

output "web_address" {
  value = data.polycloud_vps.web.ip_address
}

output "web_size" {
  value = "${data.polycloud_vps.web.cpu} vCPU, ${data.polycloud_vps.web.memory_mb} MiB, ${data.polycloud_vps.web.disk_gb} GB"
}
