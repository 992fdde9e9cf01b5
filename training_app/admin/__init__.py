"""Administration screens; they call the other features' services."""
