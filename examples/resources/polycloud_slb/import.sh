# Imported by the SLB id (StarVCenter: slb_<router VM id>).
terraform import polycloud_slb.web slb_vm-000002
