"""Transforms that make an item safe to export; none touches the input, each returns new bytes."""
