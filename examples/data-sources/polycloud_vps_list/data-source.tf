# Every running server whose name contains "web" (case-insensitive).
data "polycloud_vps_list" "web" {
  name   = "web"
  status = "started"
}

output "web_server_ids" {
  value = data.polycloud_vps_list.web.ids
}

output "web_server_addresses" {
  value = { for s in data.polycloud_vps_list.web.servers : s.name => s.ip_address }
}
