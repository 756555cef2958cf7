# A restore is imported by `<vps_id>:backup:<backup_id>` (or
# `<vps_id>:snapshot:<snapshot_id>`). Importing records the restore in state; it does
# not run it.
terraform import polycloud_vps_restore.rollback 12600:backup:2a8dcd3e-1f7b-4b1e-9d2c-3f5c7e9a0b11
