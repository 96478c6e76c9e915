"""Importing this module registers every built-in detector."""

from clearance.detectors.copyright import statements
from clearance.detectors.dedup import exact_duplicate
from clearance.detectors.faces import haar
from clearance.detectors.license import cc_url, package_metadata, spdx_tag, text
from clearance.detectors.marks import logos, watermarks
from clearance.detectors.marks import text as trademark_text
from clearance.detectors.pii import image_meta, media, secrets
from clearance.detectors.pii import text as pii_text
from clearance.detectors.signals import (
    aitxt,
    audio_tags,
    c2pa_manifest,
    consent,
    dataset_card,
    epub,
    exif,
    html_meta,
    pdf,
    robots,
    source_audit,
    tdmrep,
    terms_review,
    xmp,
)

__all__ = [
    "aitxt",
    "audio_tags",
    "c2pa_manifest",
    "cc_url",
    "consent",
    "dataset_card",
    "epub",
    "exact_duplicate",
    "exif",
    "haar",
    "html_meta",
    "image_meta",
    "logos",
    "media",
    "package_metadata",
    "pdf",
    "pii_text",
    "robots",
    "secrets",
    "source_audit",
    "spdx_tag",
    "statements",
    "tdmrep",
    "terms_review",
    "text",
    "trademark_text",
    "watermarks",
    "xmp",
]
