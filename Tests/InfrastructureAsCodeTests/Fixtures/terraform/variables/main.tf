resource "alicloud_cs_managed_kubernetes" "a" {
  name = "from-default"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.policy_default })
  }
}

resource "alicloud_cs_managed_kubernetes" "b" {
  name = "from-tfvars"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.policy_tfvars })
  }
}

resource "alicloud_cs_managed_kubernetes" "c" {
  name = "from-auto-tfvars"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.policy_auto })
  }
}

resource "alicloud_cs_managed_kubernetes" "d" {
  name = "unset"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = var.policy_unset })
  }
}

resource "alicloud_cs_managed_kubernetes" "e" {
  name = "bool-variable"
  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = tostring(var.enable_policy) })
  }
}
