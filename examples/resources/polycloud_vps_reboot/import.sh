# Imported by the server's id. Importing reboots nothing: it only records the
# resource, so that later `triggers` changes reboot.
terraform import polycloud_vps_reboot.after_config 12600
