# A server is imported by the cloud's id of it. On Vscale that is the scalet's
# numeric `ctid` (shown in the panel and by `GET /scalets`).
# The cloud never returns the password: after an import, the next apply records the
# `password` written in the configuration in state without calling the cloud.
terraform import polycloud_vps.web 12600
