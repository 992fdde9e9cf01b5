"""Training needs and the annual plan: needs calls, municipalities' needs, people's interest,
the consolidated demand, the versioned annual plan and plan against delivery (above catalog)."""
