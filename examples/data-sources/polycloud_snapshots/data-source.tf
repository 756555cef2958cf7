# The snapshots of one iNET server (ids are `<vps_id>/<snapshot_id>`, the
# polycloud_snapshot import id). Vscale has no snapshots: there the plan fails
# with advice.
data "polycloud_snapshots" "web" {
  vps_id = "1001"
}

output "snapshot_ids" {
  value = data.polycloud_snapshots.web.ids
}
