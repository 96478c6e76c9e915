"""Duplicate detectors."""
