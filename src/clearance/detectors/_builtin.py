"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.license import cc_url, package_metadata, spdx_tag, text
from clearance.detectors.marks import logos, watermarks
from clearance.detectors.marks import text as trademark_text
from clearance.detectors.signals import (
    audio_tags,
    c2pa_manifest,
    consent,
    dataset_card,
    epub,
    exif,
    pdf,
    source_audit,
    xmp,
)

__all__ = [
    "audio_tags",
    "c2pa_manifest",
    "cc_url",
    "consent",
    "dataset_card",
    "epub",
    "exact_duplicate",
    "exif",
    "logos",
    "package_metadata",
    "pdf",
    "source_audit",
    "spdx_tag",
    "statements",
    "text",
    "trademark_text",
    "watermarks",
    "xmp",
]
