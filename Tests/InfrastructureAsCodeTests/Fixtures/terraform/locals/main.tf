locals {
  terway_defaults = {
    ENITrunking = "true"
    IPVlan      = "false"
  }
  terway_config = merge(local.terway_defaults, { NetworkPolicy = lookup(var.policies, "prod", "false") })
  env           = "prod"
}

variable "policies" {
  type = map(string)
  default = {
    prod    = "true"
    staging = "false"
  }
}

resource "alicloud_cs_managed_kubernetes" "from_locals" {
  name = "${local.env}-locals"
  addons {
    name   = "terway-eniip"
    config = jsonencode(local.terway_config)
  }
}

resource "alicloud_cs_managed_kubernetes" "heredoc" {
  name = "heredoc"
  addons {
    name   = "terway-eniip"
    config = <<EOF
{"NetworkPolicy": "true", "ENITrunking": "false"}
EOF
  }
}

resource "alicloud_cs_managed_kubernetes" "indented_heredoc" {
  name = "indented-heredoc"
  addons {
    name = "terway-eniip"
    config = <<-JSON
      {
        "NetworkPolicy": "${local.env == "prod" ? "false" : "true"}"
      }
    JSON
  }
}

resource "alicloud_cs_managed_kubernetes" "not_json" {
  name = "not-json"
  addons {
    name   = "terway-eniip"
    config = "NetworkPolicy=true"
  }
}
