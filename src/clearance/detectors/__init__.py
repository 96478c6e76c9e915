"""Detectors: one module per concern, registered by name."""

from clearance.detectors.base import Detector, RunDetector, instantiate, register, registry, resolve

__all__ = ["Detector", "RunDetector", "instantiate", "register", "registry", "resolve"]
