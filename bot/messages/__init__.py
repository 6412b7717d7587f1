"""Message builders: domain data in, rendered Block Kit out (shared by handlers and jobs)."""
