# Imported by the mapping id (nat.id, StarVCenter).
terraform import polycloud_ip_mapping.db nat-000006
