"""Faces in images."""
