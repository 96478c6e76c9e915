"""Copyright statement detectors."""
