# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_port_mapping" "ssh" {
  public_ip    = "203.0.113.10"
  public_port  = 2222
  vps_id       = "vm-0001"
  private_port = 22
  protocol     = "tcp"
}
