# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_security_group" "web" {
  name        = "web"
  description = "HTTPS in, everything out"
  nic_ids     = ["vnic-000003"] # e.g. polycloud_vps.web.nic_ids

  # Rules are a set: their order does not matter.
  rule {
    direction = "in"
    protocol  = "tcp"
    port      = "443"
    source    = "0.0.0.0/0"
  }

  rule {
    direction = "out"
    target    = "0.0.0.0/0" # no protocol or port: any
  }
}
