"""Named export transforms: ``name -> function(content) -> bytes``.

A transform gets one item's exported bytes (for records: the text field, UTF-8) with its
media type and findings, and returns the bytes to write. It must not touch the input.

- ``redact-pii``: personal-data spans of text items replaced by typed placeholders numbered
  per item (``<EMAIL_1>``), from the scan's ``pii`` findings (``clearance.transforms.redact``);
- ``blur-faces``: the scan's ``face`` boxes blurred (``clearance.transforms.images``);
- ``strip-metadata``: EXIF/XMP removed from images, without re-encoding JPEG and PNG;
- ``blur-logos``: the scan's ``logo`` boxes blurred, grown by a tenth so no edge survives;
  ``crop-logos``: the picture cropped to its largest band free of them, blurred where no band
  is left (``clearance.transforms.logos``). Watermarks are left alone on purpose: removing a
  credit line or an agency mark is removing copyright management information
  (17 U.S.C. § 1202(b)); drop such items instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.model.errors import ConfigError
from clearance.transforms import images, logos
from clearance.transforms.redact import redact


@dataclass(frozen=True)
class Content:
    item_id: str
    media_type: str
    data: bytes
    #: the item's findings as dicts (columns of findings.parquet)
    findings: Sequence[dict[str, Any]] = field(default_factory=tuple)


Transform = Callable[[Content], bytes]
_REGISTRY: dict[str, Transform] = {}


def register(name: str, fn: Transform) -> None:
    _REGISTRY[name] = fn


def available() -> list[str]:
    return sorted(_REGISTRY)


def resolve(names: Sequence[str]) -> list[tuple[str, Transform]]:
    """Look every name up before any byte is written (a bad name fails at start)."""
    chosen: list[tuple[str, Transform]] = []
    for name in names:
        if name in _REGISTRY:
            chosen.append((name, _REGISTRY[name]))
        else:
            raise ConfigError(f"unknown transform {name!r}; known: {', '.join(available())}")
    return chosen


def apply(chain: Sequence[tuple[str, Transform]], content: Content) -> bytes:
    data = content.data
    for _, fn in chain:
        data = fn(Content(content.item_id, content.media_type, data, content.findings))
    return data


def _identity(content: Content) -> bytes:
    """Writes the bytes as read: lets tests and users check the transform path end to end."""
    return content.data


register("identity", _identity)


def _is_text(content: Content) -> bool:
    return content.media_type.startswith("text/") or content.media_type in (
        "application/json",
        "application/xml",
    )


def _redact_pii(content: Content) -> bytes:
    if not _is_text(content):
        return content.data
    spans = [
        (int(f["start"]), int(f["end"]), str(f["value"]))
        for f in content.findings
        if f.get("kind") == "pii" and f.get("start") is not None and f.get("end") is not None
    ]
    if not spans:
        return content.data
    text, _ = redact(content.data.decode("utf-8", "replace"), spans)
    return text.encode("utf-8")


def _blur_faces(content: Content) -> bytes:
    boxes = [
        (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        for f in content.findings
        if f.get("kind") == "face" and (b := f.get("bbox"))
    ]
    if not boxes or not content.media_type.startswith("image/"):
        return content.data
    return images.blur_regions(content.data, boxes)


def _strip_metadata(content: Content) -> bytes:
    if not content.media_type.startswith("image/"):
        return content.data
    return images.strip_metadata(content.data)


def _logo_boxes(content: Content) -> list[tuple[float, float, float, float]]:
    if not content.media_type.startswith("image/"):
        return []
    return [
        (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        for f in content.findings
        if f.get("kind") == "logo" and (b := f.get("bbox"))
    ]


def _blur_logos(content: Content) -> bytes:
    boxes = _logo_boxes(content)
    return logos.obscure_regions(content.data, boxes) if boxes else content.data


def _crop_logos(content: Content) -> bytes:
    boxes = _logo_boxes(content)
    if not boxes:
        return content.data
    cropped = logos.crop_away(content.data, boxes)
    return cropped if cropped is not None else logos.obscure_regions(content.data, boxes)


register("redact-pii", _redact_pii)
register("blur-faces", _blur_faces)
register("strip-metadata", _strip_metadata)
register("blur-logos", _blur_logos)
register("crop-logos", _crop_logos)
