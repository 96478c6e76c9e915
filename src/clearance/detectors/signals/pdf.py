"""Rights in PDF metadata: the document information dictionary and the XMP metadata stream.

``pypdf`` (BSD-3-Clause) opens the file and inflates the metadata stream (often Flate-
compressed, so a byte search cannot see it); the XMP is then parsed by our safe reader.
Info keys read: any custom key naming copyright, rights, license or terms (``/Copyright``,
``/Rights``, ``/License``...); the standard keys carry no rights statement.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any, Final

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal, dedupe, license_signal, xmp_signals
from clearance.detectors.signals._xmp import MAX_PACKET_BYTES, read_xmp
from clearance.detectors.signals.xmp import emit
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

_RIGHTS_KEY = re.compile(r"copyright|rights|licen[cs]e|terms", re.IGNORECASE)
_LICENSE_KEY = re.compile(r"licen[cs]e", re.IGNORECASE)
MAX_INFO_VALUE: Final = 4000


@register
class PdfRightsDetector(Detector):
    name = "pdf-rights"
    version = "1.0"
    description = "Copyright, license and TDMRep fields in PDF document info and XMP (pypdf)"
    media_types = ("application/pdf",)
    requires = ("pypdf",)
    time_budget_s = 10.0

    def __init__(self) -> None:
        super().__init__()
        logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files log per object

    def detect(self, item: Item) -> Iterator[Finding]:
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(item.data), strict=False)
            info: Any = reader.metadata or {}
            signals = _info_signals(info)
            xmp, problems = _xmp(reader)
        except Exception as exc:  # pypdf raises many types on damaged or hostile files
            message = f"PDF unreadable: {type(exc).__name__}: {exc}"
            yield error_finding(item.item_id, "pdf-unreadable", message, detector=self.name)
            return
        signals += xmp
        yield from emit(self, item, dedupe(signals))
        for problem in problems:
            yield error_finding(item.item_id, "xmp-unreadable", problem, detector=self.name)


def _info_signals(info: Any) -> list[Signal]:
    out: list[Signal] = []
    for key in list(info.keys()):
        name = str(key).lstrip("/")
        if not _RIGHTS_KEY.search(name):
            continue
        value = str(info.get(key) or "").strip()[:MAX_INFO_VALUE]
        if not value:
            continue
        evidence = f"PDF info /{name}={value!r}"
        if _LICENSE_KEY.search(name):
            out.append(license_signal(value, "pdf-info/license", evidence))
        elif "copyright" in name.lower():
            out.append(Signal("copyright", value, 0.9, "pdf-info/copyright", evidence))
        else:
            out.append(Signal("terms", value, 0.8, "pdf-info/rights", evidence))
    return out


def _xmp(reader: Any) -> tuple[list[Signal], list[str]]:
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    if metadata is None:
        return [], []
    stream = metadata.get_object()
    length = stream.get("/Length", 0)
    if isinstance(length, int) and length > MAX_PACKET_BYTES:
        return [], [f"PDF XMP stream of {length} bytes is over {MAX_PACKET_BYTES}"]
    data = stream.get_data()
    packets, problems = read_xmp(data[: MAX_PACKET_BYTES + 64])
    signals: list[Signal] = []
    for props in packets:
        signals.extend(xmp_signals(props, where="PDF XMP"))
    return signals, problems
