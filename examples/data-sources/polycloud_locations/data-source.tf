# Every location, and those where servers get a private address.
data "polycloud_locations" "all" {}

output "location_ids" {
  value = data.polycloud_locations.all.ids
}

output "private_networking_locations" {
  value = [for l in data.polycloud_locations.all.locations : l.id if l.private_networking]
}
