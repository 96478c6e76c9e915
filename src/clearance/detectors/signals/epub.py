"""Rights in EPUB package metadata: TDMRep, ``dc:rights`` and license links in the OPF.

An EPUB is a zip whose ``META-INF/container.xml`` names the package document (OPF). TDMRep
puts its properties there as ``<meta property="tdm:reservation">1</meta>`` and
``<meta property="tdm:policy">URL</meta>`` (shared/reference/signals.md); EPUB 2 style
``<meta name=… content=…/>`` is read too. Reads are bounded (a zip bomb cannot inflate past
``MAX_XML_BYTES``) and the XML is parsed with DTDs forbidden.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal, dedupe, license_signal
from clearance.detectors.signals.xmp import emit
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

MAX_XML_BYTES: Final = 4 * 1024 * 1024
CONTAINER: Final = "META-INF/container.xml"
DC: Final = "{http://purl.org/dc/elements/1.1/}"


class EpubError(ValueError):
    pass


@register
class EpubRightsDetector(Detector):
    name = "epub-rights"
    version = "1.0"
    description = "TDMRep reservation/policy, dc:rights and license links in EPUB metadata"
    media_types = ("application/epub+zip",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        try:
            package = _package(item.data)
        except (EpubError, zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            message = f"EPUB metadata unreadable: {type(exc).__name__}: {exc}"
            yield error_finding(item.item_id, "epub-unreadable", message, detector=self.name)
            return
        yield from emit(self, item, dedupe(package_signals(package)))


def _read(archive: zipfile.ZipFile, name: str) -> Element:
    with archive.open(name) as stream:
        data = stream.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise EpubError(f"{name} inflates past {MAX_XML_BYTES} bytes")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise EpubError(f"{name}: hostile XML refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise EpubError(f"{name}: malformed XML: {exc}") from None


def _package(data: bytes) -> Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        container = _read(archive, CONTAINER)
        rootfile = next((e for e in container.iter() if e.tag.endswith("rootfile")), None)
        path = rootfile.get("full-path") if rootfile is not None else None
        if not path:
            raise EpubError(f"{CONTAINER} names no package document")
        return _read(archive, path)


def package_signals(package: Element) -> list[Signal]:
    out: list[Signal] = []
    for element in package.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "meta":
            name = element.get("property") or element.get("name") or ""
            value = (element.text or element.get("content") or "").strip()
            out.extend(_meta_signal(name, value))
        elif element.tag == f"{DC}rights" and (element.text or "").strip():
            text = (element.text or "").strip()
            out.append(Signal("copyright", text, 0.8, "epub/dc-rights", f"dc:rights={text!r}"))
        elif tag == "link" and "license" in (element.get("rel") or "").split():
            href = element.get("href") or ""
            if href:
                out.append(license_signal(href, "epub/license-link", f"link rel=license {href!r}"))
    return out


def _meta_signal(name: str, value: str) -> list[Signal]:
    local = name.rsplit(":", 1)[-1].lower() if name.lower().startswith("tdm:") else ""
    evidence = f"OPF meta {name}={value!r}"
    if local == "reservation" and value in ("0", "1"):
        kind = "optout" if value == "1" else "terms"
        return [Signal(kind, f"tdm-reservation={value}", 1.0, "tdmrep/epub", evidence)]
    if local == "policy" and value:
        return [Signal("terms", value, 0.9, "tdmrep/epub-policy", evidence)]
    return []
