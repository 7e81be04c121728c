resource "alicloud_cs_managed_kubernetes" "no_config" {
  name_prefix     = "tf-example-"
  pod_vswitch_ids = ["vsw-1", "vsw-2"]

  addons {
    name = "terway-eniip"
  }
  addons {
    name = "csi-plugin"
  }
}

resource "alicloud_cs_managed_kubernetes" "trunking_only" {
  name = "trunking"
  addons { name = "terway-eniip"
    config = jsonencode({ ENITrunking = "true" }) }
}
