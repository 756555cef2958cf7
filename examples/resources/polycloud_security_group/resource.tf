# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_security_group" "web" {
  name        = "web"
  description = "HTTP(S) in, everything out"
  nic_ids     = ["nic-0001"] # e.g. polycloud_vps.web.nic_ids

  rule {
    direction = "in"
    protocol  = "tcp"
    port      = "443"
    source    = "0.0.0.0/0"
  }

  rule {
    direction = "out"
    protocol  = "all"
    target    = "0.0.0.0/0"
  }
}
