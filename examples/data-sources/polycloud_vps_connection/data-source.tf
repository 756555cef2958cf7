# How to reach a StarVCenter server's console: the console URL (sensitive: it grants
# access), the physical host and the VNC port. Other clouds refuse it at plan with
# advice. With several clouds configured, point it at the right one:
#   provider = polycloud.starvcenter
data "polycloud_vps_connection" "app" {
  vps_id = "vm-000001"
}

output "vnc" {
  value = "${data.polycloud_vps_connection.app.host_ip}:${data.polycloud_vps_connection.app.vnc_port}"
}

output "console_url" {
  value     = data.polycloud_vps_connection.app.console_url
  sensitive = true
}
