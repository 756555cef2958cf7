# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). The API has no router delete: destroy only forgets it.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_router" "edge" {
  name    = "edge"
  ha      = true
  vpc_ids = ["vpc-default"] # e.g. polycloud_vpc.private.id
}
