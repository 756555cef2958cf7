# How to reach a StarVCenter VM's console, opened for this run only: the console URL
# carries an access token, so it is never written to the state or the plan.
ephemeral "polycloud_vps_connection" "app" {
  vps_id = "vm-0001"
}

resource "terraform_data" "console" {
  provisioner "local-exec" {
    command = "echo \"VNC on $HOST:$PORT\"; xdg-open \"$CONSOLE_URL\""
    environment = {
      CONSOLE_URL = ephemeral.polycloud_vps_connection.app.console_url
      HOST        = ephemeral.polycloud_vps_connection.app.host_ip
      PORT        = ephemeral.polycloud_vps_connection.app.vnc_port
    }
  }
}
