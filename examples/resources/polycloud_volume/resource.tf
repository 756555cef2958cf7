# An extra disk for an iNET server, made from an image (iNET sizes it). Not available
# on Vscale, where the disk comes with the plan: there the plan fails with advice.
# With several clouds configured, point it at the right one:
#   provider = polycloud.inet
resource "polycloud_volume" "data" {
  vps_id = "1001"
  image  = "Ubuntu-22.04" # a new image makes a new volume
}
