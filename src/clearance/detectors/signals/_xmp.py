"""Find and parse XMP packets in any file's bytes, safely.

XMP (ISO 16684-1) is stored as plain UTF-8 XML in JPEG APP1, PNG iTXt, WebP ``XMP `` chunks,
TIFF tag 700, MP3/MP4 boxes and (often) PDF metadata streams, so one bounded byte search finds
it in all of them without a format-specific reader. Parsing uses ``defusedxml`` with DTDs
forbidden: XMP never needs one, so an XML bomb or an external entity is refused outright.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"

#: markers that open a packet; the matching end tag closes it.
_OPENERS: Final = ((b"<x:xmpmeta", b"</x:xmpmeta>"), (b"<x:xapmeta", b"</x:xapmeta>"))
_RDF_OPEN, _RDF_CLOSE = b"<rdf:RDF", b"</rdf:RDF>"
#: every byte marker a packet can start with, for ``Item.may_contain``.
MARKERS: Final = (b"<x:xmpmeta", b"<x:xapmeta", b"<rdf:RDF")

MAX_PACKET_BYTES: Final = 2 * 1024 * 1024
MAX_PACKETS: Final = 8
MAX_VALUES: Final = 2000


class XmpError(ValueError):
    """A packet that is cut, malformed or hostile; the message says which and where."""


@dataclass
class XmpProperties:
    """Every property of a packet, flattened: (namespace URI, local name) -> values.

    Struct fields (``plus:CopyrightOwner/plus:CopyrightOwnerName``) are recorded under their
    own names too, so a lookup never needs to know the nesting.
    """

    values: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    count: int = 0

    def get(self, namespace: str | tuple[str, ...], name: str) -> list[str]:
        spaces = (namespace,) if isinstance(namespace, str) else namespace
        out: list[str] = []
        for space in spaces:
            out.extend(self.values.get((space, name), ()))
        return out

    def add(self, namespace: str, name: str, value: str) -> None:
        value = value.strip()
        if value and self.count < MAX_VALUES:
            bucket = self.values[(namespace, name)]
            if value not in bucket:
                bucket.append(value)
                self.count += 1


def find_packets(data: bytes) -> tuple[list[bytes], list[str]]:
    """The XMP packets in ``data`` (at most ``MAX_PACKETS``), and problems met finding them."""
    packets: list[bytes] = []
    problems: list[str] = []
    pos = 0
    while len(packets) < MAX_PACKETS:
        start, close = _next_opener(data, pos)
        if start < 0:
            break
        end = data.find(close, start, start + MAX_PACKET_BYTES)
        if end < 0:
            if data.find(close, start) < 0:
                problems.append(f"XMP packet at byte {start} has no end tag (cut or damaged)")
            else:
                problems.append(f"XMP packet at byte {start} is over {MAX_PACKET_BYTES} bytes")
            break
        end += len(close)
        packets.append(data[start:end])
        pos = end
    return packets, problems


def _next_opener(data: bytes, pos: int) -> tuple[int, bytes]:
    best, close = -1, b""
    for opener, closer in _OPENERS:
        at = data.find(opener, pos)
        if at >= 0 and (best < 0 or at < best):
            best, close = at, closer
    if best < 0:  # a bare RDF block (some writers omit x:xmpmeta)
        at = data.find(_RDF_OPEN, pos)
        if at >= 0:
            best, close = at, _RDF_CLOSE
    return best, close


def parse_packet(packet: bytes) -> XmpProperties:
    """Parse one packet; raise ``XmpError`` on anything that is not safe, well-formed XMP."""
    try:
        root = fromstring(packet, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmpError(f"hostile XMP refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise XmpError(f"malformed XMP: {exc}") from None
    props = XmpProperties()
    try:
        for description in root.iter(f"{{{RDF}}}Description"):
            _read_description(description, props)
    except RecursionError:
        raise XmpError("XMP nested too deeply to read") from None
    return props


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _read_description(node: Element, props: XmpProperties) -> None:
    for attribute, value in node.attrib.items():
        namespace, local = _split(attribute)
        if namespace not in (RDF, "") and attribute != XML_LANG:
            props.add(namespace, local, value)
    for child in node:
        _read_property(child, props)


def _read_property(node: Element, props: XmpProperties) -> None:
    namespace, local = _split(node.tag)
    resource = node.get(f"{{{RDF}}}resource")
    if resource is not None:
        props.add(namespace, local, resource)
    children = list(node)
    if not children:
        props.add(namespace, local, node.text or "")
        # qualifiers and struct fields written as attributes of the property element
        _read_description(node, props)
        return
    for child in children:
        child_ns, child_local = _split(child.tag)
        if child_ns == RDF and child_local in ("Alt", "Bag", "Seq"):
            for item in _ordered_items(child):
                _read_value(namespace, local, item, props)
        elif child_ns == RDF and child_local == "Description":
            _read_description(child, props)  # struct written as a nested Description
        else:
            _read_property(child, props)  # struct field (rdf:parseType="Resource")


def _ordered_items(container: Element) -> list[Element]:
    """rdf:li items, the x-default language alternative first."""
    items = [li for li in container if li.tag == f"{{{RDF}}}li"]
    items.sort(key=lambda li: li.get(XML_LANG) != "x-default")
    return items


def _read_value(namespace: str, local: str, item: Element, props: XmpProperties) -> None:
    resource = item.get(f"{{{RDF}}}resource")
    if resource is not None:
        props.add(namespace, local, resource)
    if len(item):
        for child in item:  # an array of structs: read each field
            if child.tag == f"{{{RDF}}}Description":
                _read_description(child, props)
            else:
                _read_property(child, props)
        _read_description(item, props)
    else:
        props.add(namespace, local, item.text or "")
        _read_description(item, props)


def read_xmp(data: bytes) -> tuple[list[XmpProperties], list[str]]:
    """Every packet in ``data`` parsed, and the problems (cut, malformed, hostile) met."""
    packets, problems = find_packets(data)
    parsed: list[XmpProperties] = []
    for packet in packets:
        try:
            parsed.append(parse_packet(packet))
        except XmpError as exc:
            problems.append(str(exc))
    return parsed, problems
