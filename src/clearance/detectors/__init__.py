"""Detectors: one module per concern, registered by name."""

from clearance.detectors.base import (
    Detector,
    DetectorContext,
    RunDetector,
    instantiate,
    register,
    registry,
    resolve,
)

__all__ = [
    "Detector",
    "DetectorContext",
    "RunDetector",
    "instantiate",
    "register",
    "registry",
    "resolve",
]
