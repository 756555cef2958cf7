# Imported by the security group id (StarVCenter).
terraform import polycloud_security_group.web sg-000004
