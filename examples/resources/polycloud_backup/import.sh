# A backup is imported by the cloud's id of the backup (Vscale: the backup id that
# `GET /backups` lists, a UUID).
terraform import polycloud_backup.db_before_upgrade 2a8dcd3e-1f7b-4b1e-9d2c-3f5c7e9a0b11
