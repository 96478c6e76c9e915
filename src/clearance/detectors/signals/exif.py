"""EXIF Copyright/Artist, IPTC-IIM copyright notice/by-line and PNG Copyright/Author text.

Pillow reads them without decoding pixels. Tags: EXIF 0x8298 Copyright (photographer and
editor notices separated by NUL) and 0x013B Artist; IPTC-IIM 2:116 Copyright Notice and
2:80 By-line; PNG tEXt/iTXt keywords "Copyright" and "Author" (PNG spec, 11.3.4.2).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any, Final

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal, dedupe
from clearance.detectors.signals.xmp import emit
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

EXIF_COPYRIGHT: Final = 0x8298
EXIF_ARTIST: Final = 0x013B
IIM_COPYRIGHT: Final = (2, 116)
IIM_BYLINE: Final = (2, 80)
#: byte markers of EXIF (JPEG/WebP/PNG), IPTC-IIM (Photoshop APP13) and PNG text chunks.
_MARKERS: Final = (b"Exif\x00", b"eXIf", b"EXIF", b"Photoshop 3.0", b"tEXt", b"iTXt", b"zTXt")
_TIFF_TYPES: Final = frozenset({"image/tiff"})


@register
class ExifRightsDetector(Detector):
    name = "exif-rights"
    version = "1.0"
    description = "EXIF Copyright/Artist, IPTC-IIM copyright notice and by-line, PNG text"
    #: formats Pillow opens without plugins (others, e.g. HEIC, are not this detector's)
    media_types = (
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/tiff",
        "image/gif",
        "image/bmp",
        "image/jp2",
    )
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        if item.media_type not in _TIFF_TYPES and not item.may_contain(_MARKERS):
            return
        from PIL import Image, IptcImagePlugin

        try:
            with Image.open(io.BytesIO(item.data)) as image:
                signals = _exif_signals(image.getexif())
                signals += _iptc_signals(IptcImagePlugin.getiptcinfo(image) or {})
                signals += _png_signals(image.info if image.format == "PNG" else {})
        except Exception as exc:  # Pillow raises many types on damaged or hostile files
            message = f"image metadata unreadable: {type(exc).__name__}: {exc}"
            yield error_finding(item.item_id, "image-unreadable", message, detector=self.name)
            return
        yield from emit(self, item, dedupe(signals))


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8").strip("\x00 ")
        except UnicodeDecodeError:
            return value.decode("latin-1").strip("\x00 ")
    return str(value).strip("\x00 ")


def _exif_signals(exif: Any) -> list[Signal]:
    out: list[Signal] = []
    raw = exif.get(EXIF_COPYRIGHT)
    if raw is not None:
        # The tag holds "photographer notice NUL editor notice".
        for part in _text(raw).split("\x00"):
            if part.strip():
                evidence = f"EXIF Copyright={part.strip()!r}"
                out.append(Signal("copyright", part.strip(), 0.9, "exif/copyright", evidence))
    artist = _text(exif.get(EXIF_ARTIST) or "")
    if artist:
        out.append(Signal("copyright", artist, 0.5, "exif/artist", f"EXIF Artist={artist!r}"))
    return out


def _iptc_signals(info: dict[tuple[int, int], Any]) -> list[Signal]:
    out: list[Signal] = []
    for key, rule, confidence, label in (
        (IIM_COPYRIGHT, "iptc-iim/copyright-notice", 0.9, "IPTC 2:116 CopyrightNotice"),
        (IIM_BYLINE, "iptc-iim/by-line", 0.5, "IPTC 2:80 By-line"),
    ):
        raw = info.get(key)
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        for value in values:
            text = _text(value)
            if text:
                out.append(Signal("copyright", text, confidence, rule, f"{label}={text!r}"))
    return out


def _png_signals(info: Mapping[Any, Any]) -> list[Signal]:
    out: list[Signal] = []
    for keyword, rule, confidence in (
        ("Copyright", "png/copyright", 0.9),
        ("Author", "png/author", 0.5),
    ):
        value = info.get(keyword)
        if isinstance(value, str | bytes) and _text(value):
            text = _text(value)
            out.append(Signal("copyright", text, confidence, rule, f"PNG {keyword}={text!r}"))
    return out
