# What a user writes once the provider is installed from a mirror or a registry: a
# version constraint, no dev_overrides. The test points it at the simulator through
# the variables (TF_VAR_endpoint, TF_VAR_token).
terraform {
  required_providers {
    polycloud = {
      source  = "polycloud/polycloud"
      version = "~> 0.2"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

provider "polycloud" {
  cloud    = "vscale"
  endpoint = var.endpoint
  token    = var.token
}

resource "polycloud_ssh_key" "ops" {
  name       = "ops"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR ops@example.com"
}

resource "polycloud_vps" "web" {
  name        = "mirror-web-1"
  image       = "ubuntu_22.04_64_001_master"
  plan        = "small"
  location    = "spb0"
  ssh_key_ids = [polycloud_ssh_key.ops.id]
}
