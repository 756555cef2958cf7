# Imported by the router id (its VM id, StarVCenter).
terraform import polycloud_router.edge vm-000002
