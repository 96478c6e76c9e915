"""Transforms that make an item safe to keep: text redaction (mask, placeholders, keyed
pseudonyms, fake values) with an offset map, face blurring and metadata stripping.

Used by the export step; none of them touches the input, each returns new text or bytes.
"""

from clearance.transforms.images import blur_regions, strip_metadata
from clearance.transforms.redact import Method, redact
from clearance.transforms.spans import OffsetMap, Replacement, apply_replacements
from clearance.transforms.values import Placeholders, fake_value, mask_value, pseudonym

__all__ = [
    "Method",
    "OffsetMap",
    "Placeholders",
    "Replacement",
    "apply_replacements",
    "blur_regions",
    "fake_value",
    "mask_value",
    "pseudonym",
    "redact",
    "strip_metadata",
]
