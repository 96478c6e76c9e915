"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.license import cc_url, package_metadata, spdx_tag, text
from clearance.detectors.signals import (
    audio_tags,
    c2pa_manifest,
    consent,
    dataset_card,
    epub,
    exif,
    pdf,
    source_audit,
    terms_review,
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
    "package_metadata",
    "pdf",
    "source_audit",
    "spdx_tag",
    "statements",
    "terms_review",
    "text",
    "xmp",
]
