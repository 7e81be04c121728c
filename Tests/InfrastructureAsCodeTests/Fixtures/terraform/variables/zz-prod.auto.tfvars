# Loaded after terraform.tfvars: wins.
policy_auto = "true"
