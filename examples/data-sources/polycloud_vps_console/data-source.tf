# A noVNC console URL of the server. iNET may issue a new URL on each read; it
# carries an access token, so it is sensitive.
data "polycloud_vps_console" "web" {
  vps_id = "1001"
}

output "console" {
  value     = data.polycloud_vps_console.web.url
  sensitive = true
}
