# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_access_rule" "ssh_from_office" {
  vpc_id   = "vpc-0001"
  protocol = "tcp"
  port     = "22"
  source   = "198.51.100.0/24"
}
