# The private key of the server's key pair, for OpenSSH (`linux`, PEM) or PuTTY
# (`windows`, PPK). Sensitive: hidden in plans and never logged, but stored in the
# state; protect the state.
data "polycloud_vps_private_key" "web" {
  vps_id   = "1001"
  key_type = "linux"
}

output "ssh_key" {
  value     = data.polycloud_vps_private_key.web.private_key
  sensitive = true
}
