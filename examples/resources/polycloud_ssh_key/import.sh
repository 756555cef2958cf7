# An SSH key is imported by the cloud's id of the key (Vscale: the numeric key id,
# as `GET /sshkeys` lists it).
terraform import polycloud_ssh_key.admin 92
