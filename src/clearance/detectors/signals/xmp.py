"""XMP rights and IPTC data-mining metadata embedded in images, audio, video and sidecars.

One bounded byte search finds the packet in JPEG APP1, PNG iTXt, WebP, TIFF, MP3/MP4 and
``.xmp`` sidecars alike; PNG's rare compressed iTXt is read through Pillow. PDFs are left to
the ``pdf-rights`` detector, which reads their (often compressed) metadata stream with pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal, dedupe, xmp_signals
from clearance.detectors.signals._xmp import MARKERS, read_xmp
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

_PNG_XMP_KEY = b"XML:com.adobe.xmp"


@register
class XmpRightsDetector(Detector):
    name = "xmp-rights"
    version = "1.0"
    description = "XMP rights, IPTC plus:DataMining, cc:license and TDMRep in embedded XMP"
    media_types = (
        "image/*",
        "audio/*",
        "video/*",
        "application/octet-stream",
        "application/xml",
        "application/rdf+xml",
        "text/xml",
        "text/plain",
    )
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        data = item.data
        if not item.may_contain(MARKERS):
            data = _png_compressed_xmp(item)
            if not data:
                return
        packets, problems = read_xmp(data)
        signals: list[Signal] = []
        for props in packets:
            signals.extend(xmp_signals(props))
        yield from emit(self, item, dedupe(signals))
        for problem in problems:
            yield error_finding(item.item_id, "xmp-unreadable", problem, detector=self.name)


def emit(detector: Detector, item: Item, signals: list[Signal]) -> Iterator[Finding]:
    for s in signals:
        yield detector.finding(
            item,
            kind=s.kind,
            value=s.value,
            confidence=s.confidence,
            rule=s.rule,
            evidence=s.evidence,
        )


def _png_compressed_xmp(item: Item) -> bytes:
    """The XMP of a PNG whose iTXt chunk is zlib-compressed (the byte search cannot see it)."""
    if item.media_type != "image/png" or _PNG_XMP_KEY not in item.data:
        return b""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(item.data)) as image:
            text = image.info.get(_PNG_XMP_KEY.decode())
    except Exception:  # a damaged PNG: the exif-rights detector reports it
        return b""
    return text.encode("utf-8") if isinstance(text, str) else b""
