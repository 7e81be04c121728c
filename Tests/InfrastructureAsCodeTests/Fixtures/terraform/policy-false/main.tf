// The shape of the provider's "auto mode" example: Terway shared-ENI, but NetworkPolicy "false".
// Scanners that only check for Terway pass this cluster; it cannot enforce NetworkPolicy.
resource "alicloud_cs_managed_kubernetes" "auto_mode" {
  name         = "auto-mode"
  cluster_spec = "ack.pro.small"
  ip_stack     = "ipv4"

  addons {
    name = "terway-controlplane"
    config = jsonencode({
      ENITrunking = "true"
    })
  }

  addons {
    name = "terway-eniip"
    config = jsonencode({
      NetworkPolicy = "false"
      ENITrunking   = "true"
      IPVlan        = "false"
    })
  }

  addons {
    name     = "nginx-ingress-controller"
    disabled = true
  }
}
