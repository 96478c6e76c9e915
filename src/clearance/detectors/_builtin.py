"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.license import spdx_tag

__all__ = ["exact_duplicate", "spdx_tag", "statements"]
