# Not available on Vscale. Planned for StarVCenter: in this
# release every cloud refuses it at plan, with advice, before any API call.
# With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_slb" "web" {
  name            = "web"
  protocol        = "http"
  network_type    = "outer"
  frontend_port   = 80
  backend_port    = 8080
  policy          = "wrr"
  max_connections = 1000
  enabled         = true

  health_check {
    enabled  = true
    retries  = 3
    interval = 5
    timeout  = 10
  }

  backend {
    name   = "web-1"
    ip     = "10.0.0.11"
    port   = 8080
    weight = 5
  }

  backend {
    name   = "web-2"
    ip     = "10.0.0.12"
    port   = 8080
    weight = 5
  }
}
