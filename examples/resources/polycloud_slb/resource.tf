# StarVCenter only (Vscale, iNET and Zomro refuse it at plan, with advice,
# before any API call). With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
resource "polycloud_slb" "web" {
  name            = "web"
  tenant_id       = "app-000000" # the owning tenant's id (app.id), e.g. polycloud_tenant.team.id
  protocol        = "http"
  network_type    = "outer"
  frontend_ip     = "203.0.113.10" # an unused address of polycloud_public_ips
  frontend_port   = 80
  backend_port    = 8080
  router_vps_id   = "vm-000002" # e.g. polycloud_router.edge.id
  policy          = "wrr"
  max_connections = 1000
  enabled         = true

  health_check {
    retries  = 3
    interval = 5
    timeout  = 10
    idle     = 60
  }

  backend {
    name   = "web-1"
    ip     = "192.168.10.11"
    port   = 8080
    vps_id = "vm-000003" # e.g. polycloud_vps.web1.id
    weight = 5
  }

  backend {
    name   = "web-2"
    ip     = "192.168.10.12"
    port   = 8080
    vps_id = "vm-000004"
    weight = 5
  }
}
