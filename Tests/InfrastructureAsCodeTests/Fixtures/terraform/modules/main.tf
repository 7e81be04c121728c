provider "alicloud" {
  region = "cn-shanghai"
}

module "insecure" {
  source         = "./modules/ack"
  cluster_name   = "insecure"
  network_policy = "false"
}

module "secure" {
  source         = "./modules/ack"
  cluster_name   = "secure"
  network_policy = "true"
}

module "fixed" {
  source         = "./modules/ack"
  cluster_name   = "fixed"
  network_policy = "false"
}

# The add-on resource reaches the cluster through the module's output.
resource "alicloud_cs_kubernetes_addon" "fix" {
  cluster_id = module.fixed.cluster_id
  name       = "terway-eniip"
  config     = jsonencode({ NetworkPolicy = "true" })
}

module "vpc" {
  source  = "alibaba/vpc/alicloud"
  version = "1.11.0"
}
