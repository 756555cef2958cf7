# Imported by the cloud's id of the object (StarVCenter).
terraform import polycloud_tenant.team app-000001
