variable "addons" {
  type = list(object({ name = string, config = string }))
  default = [
    { name = "terway-eniip", config = "{\"NetworkPolicy\":\"true\"}" },
  ]
}

resource "alicloud_cs_managed_kubernetes" "dynamic" {
  name = "dynamic-addons"

  dynamic "addons" {
    for_each = var.addons
    content {
      name   = addons.value.name
      config = addons.value.config
    }
  }
}

resource "alicloud_cs_managed_kubernetes" "data_config" {
  name = "from-data"
  addons {
    name   = "terway-eniip"
    config = data.alicloud_cs_addon_config.terway.config
  }
}
