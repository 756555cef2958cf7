# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_tenant" "team" {
  name             = "team-a"
  description      = "Team A's quota"
  cpu_quota        = 16
  memory_mb_quota  = 32768
  storage_gb_quota = 500
  subnet_quota     = 4
  public_ip_quota  = 2
}
