resource "alicloud_cs_managed_kubernetes" "broken" {
  name = "broken"

  addons {
    name   = "terway-eniip"
    config = jsonencode({ NetworkPolicy = "true" )
  }
}
