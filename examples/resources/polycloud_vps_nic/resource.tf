# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_vps_nic" "backend" {
  vps_id     = "vm-000003"   # e.g. polycloud_vps.app.id
  network_id = "vpc-default" # the subnet / port group, e.g. polycloud_vpc.backend.id

  timeouts {
    create = "10m"
  }
}
