# Images offered in one location; pick one for polycloud_vps.image.
data "polycloud_images" "msk" {
  location = "msk0"
}

output "msk_image_ids" {
  value = data.polycloud_images.msk.ids
}

# Only active images whose id mentions Ubuntu.
output "ubuntu_images" {
  value = [for i in data.polycloud_images.msk.images : i.id if i.active && startswith(i.id, "ubuntu")]
}
