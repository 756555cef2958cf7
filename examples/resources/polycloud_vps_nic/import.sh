# Imported as <vps_id>/<nic_id> (StarVCenter lists NICs per VM; see the VM's nic_ids).
terraform import polycloud_vps_nic.backend vm-000003/nic-000007
