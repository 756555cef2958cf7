# A web console URL of an iNET server, opened for this run only: the URL carries an
# access token, so it is never written to the state or the plan.
ephemeral "polycloud_vps_console" "web" {
  vps_id = "1001"
}

resource "terraform_data" "open_console" {
  provisioner "local-exec" {
    command = "xdg-open \"$CONSOLE_URL\""
    environment = {
      CONSOLE_URL = ephemeral.polycloud_vps_console.web.url
    }
  }
}
