provider "alicloud" {
  region = "cn-hangzhou"
}

# ACK Pro cluster with Terway shared-ENI and NetworkPolicy switched on at creation.
resource "alicloud_cs_managed_kubernetes" "prod" {
  name            = "prod-hz"
  cluster_spec    = "ack.pro.small"
  vswitch_ids     = ["vsw-bp1a", "vsw-bp1b"]
  pod_vswitch_ids = ["vsw-bp1c", "vsw-bp1d"]
  service_cidr    = "172.21.0.0/20"

  addons {
    name = "terway-controlplane"
    config = jsonencode({
      ENITrunking = "true"
    })
  }
  addons {
    name = "terway-eniip"
    config = jsonencode({
      NetworkPolicy = "true"
      ENITrunking   = "true"
      IPVlan        = "false"
    })
  }
  addons {
    name = "csi-plugin"
  }
}
