policy_tfvars = "false"
policy_auto   = "false"
