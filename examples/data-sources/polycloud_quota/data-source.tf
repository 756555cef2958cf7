# The total quota of the StarVCenter resource pool (a tenant's own quotas are on
# polycloud_tenant). Other clouds refuse it at plan with advice.
data "polycloud_quota" "pool" {}

output "pool_cpu" {
  value = data.polycloud_quota.pool.cpu
}
