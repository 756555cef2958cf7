# The StarVCenter security groups whose name contains "web".
# Other clouds refuse it at plan, with advice.
data "polycloud_security_groups" "web" {
  name_contains = "web"
}

output "security_group_ids" {
  value = data.polycloud_security_groups.web.ids
}
