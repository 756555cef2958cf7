# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_ip_mapping" "web" {
  public_ip = "203.0.113.11"
  vps_id    = "vm-0001"
}
