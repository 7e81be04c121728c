# Two clusters as a team might write them. `ackguard iac Examples/iac/` fails both:
# prod's Terway add-on leaves NetworkPolicy off (var.network_policy defaults to "false"),
# and legacy runs Flannel, which can never enforce NetworkPolicy.
# `ackguard iac Examples/iac/ --var network_policy=true` shows prod passing.

variable "network_policy" {
  type    = string
  default = "false"
}

resource "alicloud_cs_managed_kubernetes" "prod" {
  name         = "prod"
  cluster_spec = "ack.pro.small"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.network_policy, IPVlan = "false" })
  }
}

resource "alicloud_cs_kubernetes" "legacy" {
  name         = "legacy"
  service_cidr = "172.21.0.0/20"
  addons {
    name   = "flannel"
    config = ""
  }
}
