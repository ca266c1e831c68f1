"""The staff dashboard at /dashboard/: trends read from the summary tables."""
