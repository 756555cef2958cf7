# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). The server's network must be attached to a router.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_port_mapping" "ssh" {
  public_ip    = "203.0.113.11" # see polycloud_public_ips
  public_port  = 2222
  vps_id       = "vm-000003" # e.g. polycloud_vps.db.id
  private_port = 22
  protocol     = "tcp"
  source       = "198.51.100.0/24"
}
