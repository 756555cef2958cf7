# An on-demand snapshot of an iNET server (iNET names it itself; creating it waits
# until it is `available`). Not available on Vscale: there the plan fails with advice
# (use polycloud_backup). With several clouds configured, point it at the right one:
#   provider = polycloud.inet
resource "polycloud_snapshot" "before_upgrade" {
  vps_id = "1001"

  timeouts {
    create = "30m"
  }
}
