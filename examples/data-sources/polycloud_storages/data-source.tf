# The storage pools of a StarVCenter installation. Other clouds refuse it at plan
# with advice.
data "polycloud_storages" "all" {}

output "free_gb" {
  value = { for s in data.polycloud_storages.all.storages : s.name => s.size_gb - s.used_gb }
}
