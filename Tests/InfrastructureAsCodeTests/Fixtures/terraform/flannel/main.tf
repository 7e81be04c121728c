/*
 * A dedicated cluster on Flannel: the plug-in cannot enforce NetworkPolicy
 * and cannot be changed after creation.
 */
resource "alicloud_cs_kubernetes" "legacy" {
  name                  = "legacy-flannel"
  master_vswitch_ids    = ["vsw-a", "vsw-b", "vsw-c"]
  master_instance_types = ["ecs.g6.large", "ecs.g6.large", "ecs.g6.large"]
  pod_cidr              = "172.20.0.0/16"
  service_cidr          = "172.21.0.0/20"

  addons {
    name   = "flannel"
    config = ""
  }
  addons {
    name = "csi-plugin"
  }
}
