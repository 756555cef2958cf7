# Imported by the cloud's id of the object. Import, like every other
# operation, is refused on every cloud in this release.
terraform import polycloud_security_group.web security_group-0001
