# Reboots a server as part of an apply, and again whenever `triggers` change (here:
# when the configuration version changes). Destroying the resource changes nothing.
resource "polycloud_vps" "app" {
  name     = "app-1"
  image    = "ubuntu_22.04_64_001_master"
  plan     = "small"
  location = "spb0"
  password = "Example-Passw0rd" # use a variable marked sensitive in real code
}

resource "polycloud_vps_reboot" "after_config" {
  vps_id = polycloud_vps.app.id
  hard   = false # iNET also has hard (forced) reboots; Vscale only soft ones

  triggers = {
    config_version = "1"
  }

  timeouts {
    create = "15m"
  }
}
