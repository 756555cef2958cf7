# Imported by `<vps_id>/<volume_id>` on iNET (the volumes are listed in the server's
# dataExtend).
terraform import polycloud_volume.data 1001/502
