"""The ``pii-image`` detector: personal data in image metadata (EXIF and XMP).

A photo's GPS position places a person at a place and time; camera and lens serial numbers tie
photos to one owner; owner and artist fields name them. Pillow reads EXIF (JPEG, TIFF, WebP,
PNG eXIf); XMP packets are found in the raw bytes, so any format that embeds one is covered.
Values are masked in evidence (GPS rounded to whole degrees).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from clearance.detectors.base import Detector, register
from clearance.detectors.pii.mask import mask, mask_name
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

# EXIF tag ids (CIPA DC-008 / Exif 2.32): IFD0 and Exif IFD.
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_OWNER_TAGS = {0x013B: "Artist", 0x9C9D: "XPAuthor", 0xA430: "CameraOwnerName"}
_SERIAL_TAGS = {
    0xA431: "BodySerialNumber",
    0xA435: "LensSerialNumber",
    0xC62F: "CameraSerialNumber",
}
_XMP_FIELDS = re.compile(
    rb"(?P<name>exif:GPSLatitude|exifEX:BodySerialNumber|aux:SerialNumber|"
    rb"exifEX:LensSerialNumber|aux:LensSerialNumber|exifEX:CameraOwnerName|aux:OwnerName|"
    rb"photoshop:AuthorsPosition|dc:creator)"
    rb"(?:=\"(?P<attr>[^\"]{1,200})\"|>(?P<elem>(?:\s*<[^>]{1,80}>)*\s*[^<]{1,200}))"
)
_XMP_KIND = {
    b"exif:GPSLatitude": ("GPS", "xmp-gps"),
    b"exifEX:BodySerialNumber": ("DEVICE_SERIAL", "xmp-serial"),
    b"aux:SerialNumber": ("DEVICE_SERIAL", "xmp-serial"),
    b"exifEX:LensSerialNumber": ("DEVICE_SERIAL", "xmp-serial"),
    b"aux:LensSerialNumber": ("DEVICE_SERIAL", "xmp-serial"),
    b"exifEX:CameraOwnerName": ("OWNER_NAME", "xmp-owner"),
    b"aux:OwnerName": ("OWNER_NAME", "xmp-owner"),
    b"dc:creator": ("OWNER_NAME", "xmp-creator"),
    b"photoshop:AuthorsPosition": ("OWNER_NAME", "xmp-owner"),
}


@register
class ImageMetadataDetector(Detector):
    name = "pii-image"
    version = "1.0"
    description = "GPS position, camera serial numbers and owner names in EXIF/XMP metadata"
    media_types = ("image/*",)
    time_budget_s = 10.0

    def detect(self, item: Item) -> Iterator[Finding]:
        from PIL import Image, UnidentifiedImageError

        data = item.data
        try:
            with Image.open(io.BytesIO(data)) as image:
                exif = image.getexif()
                yield from self._exif(item, exif)
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            if item.media_type != "image/svg+xml":
                yield error_finding(
                    item.item_id,
                    "pii-image/unreadable",
                    f"{type(exc).__name__}: {exc}",
                    detector=self.name,
                )
        if b"<x:xmpmeta" in data or b"<rdf:RDF" in data:
            yield from self._xmp(item, data)

    def _exif(self, item: Item, exif: Any) -> Iterator[Finding]:
        gps = exif.get_ifd(_GPS_IFD)
        if 2 in gps and 4 in gps:  # GPSLatitude, GPSLongitude
            lat, lon = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
            yield self._meta(item, "GPS", "exif-gps", f"GPS position ≈ {lat:.0f}°, {lon:.0f}°")
        tags = dict(exif)
        tags.update(exif.get_ifd(_EXIF_IFD))
        for tag, label in _OWNER_TAGS.items():
            if value := _text(tags.get(tag)):
                yield self._meta(item, "OWNER_NAME", "exif-owner", f"{label}: {mask_name(value)}")
        for tag, label in _SERIAL_TAGS.items():
            if value := _text(tags.get(tag)):
                yield self._meta(item, "DEVICE_SERIAL", "exif-serial", f"{label}: {mask(value)}")

    def _xmp(self, item: Item, data: bytes) -> Iterator[Finding]:
        seen: set[str] = set()
        for match in _XMP_FIELDS.finditer(data):
            value, rule = _XMP_KIND[match.group("name")]
            raw = (match.group("attr") or match.group("elem") or b"").decode("utf-8", "replace")
            raw = raw.strip()
            if not raw or rule in seen:
                continue
            seen.add(rule)
            shown = "GPS position (masked)" if value == "GPS" else mask(raw)
            yield self._meta(item, value, rule, f"{match.group('name').decode()}: {shown}")

    def _meta(self, item: Item, value: str, rule: str, evidence: str) -> Finding:
        return self.finding(
            item, kind="pii", value=value, confidence=0.95, rule=f"pii/{rule}", evidence=evidence
        )


def _degrees(dms: Any, ref: Any) -> float:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0
    sign = -1.0 if str(ref or "").strip("\x00 ").upper() in ("S", "W") else 1.0
    return sign * (d + m / 60 + s / 3600)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        # XP* tags are UTF-16LE; others ASCII
        text = value.decode("utf-16-le", "replace") if b"\x00" in value else value.decode("latin-1")
    else:
        text = str(value)
    return text.strip("\x00 \t\r\n")
