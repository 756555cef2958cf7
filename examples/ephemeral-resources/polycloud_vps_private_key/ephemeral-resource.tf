# The private key of an iNET server's key pair, opened for this run only: hand it to a
# provisioner's connection (or another provider's block); it is never written to the
# state or the plan. Terraform 1.10 or later.
ephemeral "polycloud_vps_private_key" "web" {
  vps_id   = "1001"
  key_type = "linux"
}

resource "terraform_data" "bootstrap" {
  connection {
    type        = "ssh"
    host        = "203.0.113.21"
    user        = "root"
    private_key = ephemeral.polycloud_vps_private_key.web.private_key
  }

  provisioner "remote-exec" {
    inline = ["cloud-init status --wait"]
  }
}
