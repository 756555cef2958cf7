# The physical hosts of a StarVCenter installation. Other clouds refuse it at plan
# with advice.
data "polycloud_hosts" "all" {}

output "offline_hosts" {
  value = [for h in data.polycloud_hosts.all.hosts : h.name if h.status != "running"]
}
