# Not available on Vscale (use polycloud_backup there). Planned for iNET and
# StarVCenter: in this release every cloud refuses it at plan, with advice, before
# any API call. With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_snapshot" "before_upgrade" {
  vps_id      = "12600"
  name        = "before-upgrade"
  description = "taken before the kernel upgrade"

  timeouts {
    create = "30m"
  }
}
