resource "alicloud_cs_managed_kubernetes" "good" {
  name = "good"
  addons {
    name   = "flannel"
  }
}
