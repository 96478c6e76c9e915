"""The unit of scanning: one file, record, archive member or web capture."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

#: media types whose bytes are text even though they are not ``text/*``.
TEXTUAL_APPLICATION_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/xml",
        "application/xhtml+xml",
        "application/javascript",
        "application/x-sh",
        "application/x-python",
        "application/toml",
        "application/yaml",
        "application/x-yaml",
        "application/sql",
        "application/x-httpd-php",
        "image/svg+xml",
    }
)


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_textual(media_type: str) -> bool:
    """True when items of this media type are scanned as text."""
    return media_type.startswith("text/") or media_type in TEXTUAL_APPLICATION_TYPES


def make_item_id(source: str, locator: str) -> str:
    """Stable id from the source name and a locator (path, path#L12, path#<record id>)."""
    return f"{source}:{locator}"


@dataclass(frozen=True)
class Decoded:
    """An item's text and, when the bytes were not clean UTF-8, what went wrong."""

    text: str
    encoding: str
    problem: str | None = None


def decode_text(data: bytes) -> Decoded:
    """Decode bytes as UTF-8 (BOM-aware, UTF-16 by BOM); bad bytes are replaced, and reported."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            return Decoded(data.decode("utf-16", "replace"), "utf-16", _describe(exc))
    else:
        encoding = "utf-8"
    try:
        return Decoded(data.decode("utf-8"), encoding)
    except UnicodeDecodeError as exc:
        return Decoded(data.decode("utf-8", "replace"), encoding, _describe(exc))


def _describe(exc: UnicodeDecodeError) -> str:
    bad = exc.object[exc.start : exc.start + 4]
    return f"invalid {exc.encoding} at byte {exc.start} ({bad!r}); bad bytes replaced with U+FFFD"


@dataclass(frozen=True, eq=False)
class Item:
    """One unit of content. Detectors read it; nothing ever changes it.

    ``data`` is loaded lazily through ``loader`` and cached, so readers can hand out items
    without reading what no detector asks for. ``sha256`` and ``size`` are always known.
    """

    item_id: str
    source: str
    uri: str
    media_type: str
    sha256: str
    size: int
    meta: Mapping[str, Any] = field(default_factory=dict)
    loader: Callable[[], bytes] | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(
        cls,
        *,
        source: str,
        locator: str,
        uri: str,
        media_type: str,
        data: bytes,
        meta: Mapping[str, Any] | None = None,
        sha256: str | None = None,
    ) -> Item:
        """Build an item whose bytes are already in memory (records, archive members);
        ``sha256``, when the caller already hashed ``data``, saves hashing it twice."""
        return cls(
            item_id=make_item_id(source, locator),
            source=source,
            uri=uri,
            media_type=media_type,
            sha256=sha256 if sha256 is not None else hashlib.sha256(data).hexdigest(),
            size=len(data),
            meta=dict(meta or {}),
            loader=lambda: data,
        )

    @classmethod
    def from_text(
        cls,
        *,
        source: str,
        locator: str,
        uri: str,
        text: str,
        data: bytes,
        meta: Mapping[str, Any] | None = None,
        sha256: str | None = None,
    ) -> Item:
        """A text record whose ``data`` is ``text`` in UTF-8: it is not decoded a second time."""
        item = cls.from_bytes(
            source=source,
            locator=locator,
            uri=uri,
            media_type="text/plain",
            data=data,
            meta=meta,
            sha256=sha256,
        )
        item.__dict__["decoded"] = Decoded(text, "utf-8")  # seeds the cached_property
        return item

    @cached_property
    def data(self) -> bytes:
        """The item's bytes; empty when the reader withheld them (over-size, unreadable)."""
        return self.loader() if self.loader is not None else b""

    @property
    def is_text(self) -> bool:
        return is_textual(self.media_type)

    @cached_property
    def decoded(self) -> Decoded:
        return decode_text(self.data)

    def may_contain(self, markers: tuple[bytes, ...]) -> bool:
        """A cheap byte-level pre-check for detectors: False only when none of the ASCII/UTF-8
        ``markers`` can be in the text. UTF-16 text always passes (its bytes differ)."""
        data = self.data
        return data.startswith(_UTF16_BOMS) or any(marker in data for marker in markers)

    @property
    def text(self) -> str:
        """The item's text (bad bytes replaced); see ``decoded.problem`` for what was wrong."""
        return self.decoded.text
