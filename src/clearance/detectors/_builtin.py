"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.license import cc_url, package_metadata, spdx_tag, text

__all__ = ["cc_url", "exact_duplicate", "package_metadata", "spdx_tag", "statements", "text"]
