variable "policy_default" {
  description = "NetworkPolicy for cluster a (from the default)"
  type        = string
  default     = "true"
}

variable "policy_tfvars" {
  type    = string
  default = "true"
}

variable "policy_auto" {
  type    = string
  default = "false"
}

variable "policy_unset" {
  type = string
}

variable "enable_policy" {
  type    = bool
  default = false
}
