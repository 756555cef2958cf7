# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_router" "edge" {
  name    = "edge"
  vpc_ids = ["vpc-0001"] # e.g. polycloud_vpc.private.id
  ha      = true
}
