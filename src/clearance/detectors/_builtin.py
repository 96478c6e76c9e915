"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.faces import haar
from clearance.detectors.license import spdx_tag
from clearance.detectors.pii import image_meta, media, secrets, text

__all__ = [
    "exact_duplicate",
    "haar",
    "image_meta",
    "media",
    "secrets",
    "spdx_tag",
    "statements",
    "text",
]
