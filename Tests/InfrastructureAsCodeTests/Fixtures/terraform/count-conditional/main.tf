variable "secure" {
  default = true
}

variable "create_legacy" {
  default = false
}

resource "alicloud_cs_managed_kubernetes" "fleet" {
  count = 3
  name  = "fleet-${count.index}"

  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.secure ? "true" : "false" })
  }
}

resource "alicloud_cs_managed_kubernetes" "legacy" {
  count = var.create_legacy ? 1 : 0
  name  = "legacy"

  addons {
    name = "flannel"
  }
}

resource "alicloud_cs_managed_kubernetes" "disabled_terway" {
  name = "terway-disabled"

  addons {
    name     = "terway-eniip"
    disabled = true
  }
  addons {
    name = "terway-eni"
  }
}
