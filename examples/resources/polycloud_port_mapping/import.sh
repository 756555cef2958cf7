# Imported by the cloud's id of the object. Import, like every other
# operation, is refused on every cloud in this release.
terraform import polycloud_port_mapping.ssh port_mapping-0001
