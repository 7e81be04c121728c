variable "cluster_name" {
  type = string
}

variable "network_policy" {
  type = string
}

resource "alicloud_cs_managed_kubernetes" "this" {
  name = var.cluster_name

  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.network_policy })
  }
}

output "cluster_id" {
  value = alicloud_cs_managed_kubernetes.this.id
}
