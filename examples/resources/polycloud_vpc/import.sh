# Imported by the cloud's id of the object (StarVCenter).
terraform import polycloud_vpc.private vpc-000001
