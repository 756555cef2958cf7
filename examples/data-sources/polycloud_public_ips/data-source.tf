# The public addresses of a StarVCenter pool with the ports already forwarded.
# Other clouds refuse it at plan, with advice.
data "polycloud_public_ips" "pool" {}

output "free_addresses" {
  value = data.polycloud_public_ips.pool.free_addresses
}
