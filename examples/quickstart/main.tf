# Quickstart: an SSH key, a server that uses it, and a backup of that server, on
# Vscale. The endpoint and token come from the environment:
#
#   export POLYCLOUD_TOKEN=...                      # your Vscale API token
#   export POLYCLOUD_ENDPOINT=https://api.vscale.io/v1   # optional; the default
#
# Against the simulator (see README.md) POLYCLOUD_ENDPOINT points at it instead.

terraform {
  required_providers {
    polycloud = {
      source = "polycloud/polycloud"
    }
  }
}

provider "polycloud" {
  cloud = "vscale"
}

variable "ssh_public_key" {
  description = "OpenSSH public key line to install on the server, e.g. file(\"~/.ssh/id_ed25519.pub\")."
  type        = string
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR admin@example.com"
}

variable "name" {
  description = "Name of the server."
  type        = string
  default     = "quickstart-1"
}

resource "polycloud_ssh_key" "me" {
  name       = "${var.name}-key"
  public_key = var.ssh_public_key
}

resource "polycloud_vps" "web" {
  name        = var.name
  image       = "ubuntu_22.04_64_001_master"
  plan        = "small"
  location    = "spb0"
  ssh_key_ids = [polycloud_ssh_key.me.id]
}

resource "polycloud_backup" "web" {
  vps_id = polycloud_vps.web.id
  name   = "${var.name}-first-backup"
}

output "vps_id" {
  description = "The cloud's id of the server (Vscale ctid)."
  value       = polycloud_vps.web.id
}

output "ip_address" {
  description = "Public IPv4 address; log in with `ssh root@<ip_address>`."
  value       = polycloud_vps.web.ip_address
}

output "ssh_key_fingerprint" {
  value = polycloud_ssh_key.me.fingerprint
}

output "backup_id" {
  value = polycloud_backup.web.id
}
