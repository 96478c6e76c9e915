"""License detectors."""
