resource "alicloud_cs_managed_kubernetes" "exclusive" {
  name            = "exclusive-eni"
  pod_vswitch_ids = ["vsw-1"]

  addons {
    name = "terway-eni"
  }
}
