# Not available on Vscale (the disk comes with the plan). Planned for iNET and
# StarVCenter: in this release every cloud refuses it at plan, with advice, before
# any API call. With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_volume" "data" {
  vps_id      = "12600"
  size_gb     = 50 # StarVCenter grows it in place
  description = "database files"
}
