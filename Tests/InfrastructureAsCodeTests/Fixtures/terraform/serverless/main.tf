resource "alicloud_cs_serverless_kubernetes" "ask" {
  name       = "ask-cluster"
  vswitch_ids = ["vsw-1"]

  addons {
    name = "flannel"
  }
}

resource "alicloud_cs_managed_kubernetes" "acs" {
  name    = "serverless-profile"
  profile = "Serverless"
}

resource "alicloud_cs_managed_kubernetes" "bare" {
  name     = "no-addons"
  pod_cidr = "10.10.0.0/16"
}
