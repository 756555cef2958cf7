# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_ip_mapping" "db" {
  vps_id      = "vm-000003"    # e.g. polycloud_vps.db.id
  public_ip   = "203.0.113.12" # optional: an unused address of polycloud_public_ips
  description = "db"
}
