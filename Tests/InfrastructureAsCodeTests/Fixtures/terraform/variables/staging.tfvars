enable_policy = true
