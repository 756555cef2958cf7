# A Vscale server ("scalet") with an SSH key installed at creation.
# Image, plan and location ids: see the polycloud_images, polycloud_plans and
# polycloud_locations data sources.
resource "polycloud_ssh_key" "admin" {
  name       = "admin"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR admin@example.com"
}

resource "polycloud_vps" "web" {
  name        = "web-1"
  image       = "ubuntu_22.04_64_001_master" # Vscale: changing it replaces the server
  plan        = "small"                      # Vscale: a larger plan upgrades in place
  location    = "spb0"
  ssh_key_ids = [polycloud_ssh_key.admin.id]
  power_state = "running" # or "stopped"

  timeouts {
    create = "20m"
    update = "20m"
    delete = "10m"
  }
}

output "web_ip_address" {
  value = polycloud_vps.web.ip_address
}
