"""Reports: the dashboard of training figures, its exports and a municipality's training record."""
