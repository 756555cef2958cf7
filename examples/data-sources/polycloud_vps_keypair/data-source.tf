# The SSH key pair iNET made the server with (public part).
data "polycloud_vps_keypair" "web" {
  vps_id = "1001"
}

output "public_key" {
  value = data.polycloud_vps_keypair.web.public_key
}
