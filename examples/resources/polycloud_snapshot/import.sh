# Imported by `<vps_id>/<snapshot_id>` on iNET (see data source polycloud_snapshots).
terraform import polycloud_snapshot.before_upgrade 1001/501
