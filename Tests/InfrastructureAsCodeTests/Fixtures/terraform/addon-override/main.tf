resource "alicloud_cs_managed_kubernetes" "k8s" {
  name = "fixed-later"

  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = "false" })
  }
}

# Post-creation changes go through the add-on resource, which overrides the cluster's own config.
resource "alicloud_cs_kubernetes_addon" "terway" {
  cluster_id = alicloud_cs_managed_kubernetes.k8s.id
  name       = "terway-eniip"
  config     = jsonencode({ NetworkPolicy = "true" })
}

resource "alicloud_cs_managed_kubernetes" "regressed" {
  name = "regressed"

  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = "true" })
  }
}

resource "alicloud_cs_kubernetes_addon" "regression" {
  cluster_id = alicloud_cs_managed_kubernetes.regressed.id
  name       = "terway-eniip"
  config     = "{\"NetworkPolicy\":\"false\",\"IPVlan\":\"false\"}"
}

resource "alicloud_cs_kubernetes_addon" "trunking" {
  cluster_id = alicloud_cs_managed_kubernetes.regressed.id
  name       = "terway-eniip"
  config     = jsonencode({ ENITrunking = "true" })
}

resource "alicloud_cs_kubernetes_addon" "existing" {
  cluster_id = "c8f2a9e7b61d54c3e9a0b1c2d3e4f5a6b"
  name       = "terway-eniip"
  config     = jsonencode({ NetworkPolicy = "true" })
}

resource "alicloud_cs_kubernetes_addon" "logging" {
  cluster_id = alicloud_cs_managed_kubernetes.k8s.id
  name       = "logtail-ds"
}
