# Plans offered in a location, and the smallest one with at least 1 GiB of memory.
data "polycloud_plans" "spb" {
  location = "spb0"
}

locals {
  big_enough = [for p in data.polycloud_plans.spb.plans : p if p.memory_mb >= 1024]
}

output "plan_ids" {
  value = data.polycloud_plans.spb.ids
}

output "smallest_1g_plan" {
  value = length(local.big_enough) > 0 ? local.big_enough[0].id : null
}
