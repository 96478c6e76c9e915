"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.license import spdx_tag
from clearance.detectors.signals import aitxt, html_meta, robots, tdmrep

__all__ = [
    "aitxt",
    "exact_duplicate",
    "html_meta",
    "robots",
    "spdx_tag",
    "statements",
    "tdmrep",
]
