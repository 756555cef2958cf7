# Imported by the mapping id (nat_id, StarVCenter).
terraform import polycloud_port_mapping.ssh nat-000005
