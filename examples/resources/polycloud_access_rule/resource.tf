# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_access_rule" "web" {
  vps_id   = "vm-000003" # e.g. polycloud_vps.web.id
  scope    = "gate"      # network boundary; opens the network's boundary firewall
  protocol = "tcp"
  port     = "80:83,443"
  source   = "10.0.0.0/8"
}
