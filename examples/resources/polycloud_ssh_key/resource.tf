# Registers an SSH public key with the cloud, so new servers can be created with it
# (`ssh_key_ids` of polycloud_vps). In real use, read your own key file:
#   public_key = file(pathexpand("~/.ssh/id_ed25519.pub"))
resource "polycloud_ssh_key" "admin" {
  name       = "admin"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR admin@example.com"
}

output "admin_key_fingerprint" {
  value = polycloud_ssh_key.admin.fingerprint
}
