"""Member municipalities and their units (müdürlükler)."""
