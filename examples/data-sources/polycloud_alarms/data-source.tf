# The high-level alarms of a StarVCenter installation that are still active. Other
# clouds refuse it at plan with advice.
data "polycloud_alarms" "open_high" {
  level       = "high"
  relieve_way = "none" # not relieved yet
}

output "open_high_alarms" {
  value = data.polycloud_alarms.open_high.alarms[*].content
}
