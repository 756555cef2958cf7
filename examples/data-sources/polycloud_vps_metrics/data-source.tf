# A StarVCenter server's monitoring: current CPU/memory, per-disk and per-NIC figures,
# and an hourly history. Values move over time; null means "no data" (e.g. stopped).
# Other clouds refuse it at plan with advice.
data "polycloud_vps_metrics" "app" {
  vps_id   = "vm-000001"
  interval = "hour" # minute (default), hour or day
}

output "cpu_now" {
  value = data.polycloud_vps_metrics.app.cpu_percent
}

output "cpu_last_day" {
  value = data.polycloud_vps_metrics.app.compute_history[*].cpu_percent
}
