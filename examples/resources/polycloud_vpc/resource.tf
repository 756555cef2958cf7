# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_vpc" "private" {
  name        = "private"
  description = "back-end network"
}
