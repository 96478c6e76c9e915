"""A shard's items as the columns of ``items.parquet``, filled without an object per item.

Most items of a large corpus are records (JSONL, CSV, Parquet rows) that no detector may read
when a scan runs few or no detectors. Building an ``Item`` and a ``Read`` for each costs more
than reading it, so the scan path fills plain column lists instead and builds an ``Item`` only
for rows whose media type a detector reads (``wants``). ``read_shard`` (one ``Read`` per item)
stays for callers that want items (guard, exports, review).

The findings of reading (``read:<format>`` and ``decode`` errors) go into ``findings`` in item
order, before the detector findings the scan appends for the item it is handed back.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import msgspec
import pyarrow as pa

from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item, decode_text, is_textual
from clearance.readers.base import Bounded, Read, ShardSpec
from clearance.readers.limits import ReadLimits

#: media type -> whether some detector of the scan reads items of that type.
Wants = Callable[[str], bool]

# One encoder for every row: ``json.dumps`` with options builds a new encoder per call.
_META_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _c_encoder() -> Callable[[Any, int], Any] | None:
    """CPython's C encoder built once with the options above (``JSONEncoder.encode`` builds
    it again per call, half the cost of a small object). No circular-reference check: meta
    comes from parsed JSON, Arrow rows or reader dicts, which cannot be circular. None where
    the private constructor differs; ``meta_json`` then uses the public encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        encode: Callable[[Any, int], Any] = make(
            None, str, json.encoder.encode_basestring, None, ":", ",", False, False, True
        )
        probe = {"a": [1, 2.5, None, True], "b": "é\n", "c": {"d": float("nan")}, "e": b"x"}
        if "".join(encode(probe, 0)) != _META_ENCODER.encode(probe):
            return None
    except (TypeError, ValueError):
        return None
    return encode


_C_ENCODE = _c_encoder()


#: msgspec writes the same JSON text as ``json.dumps`` for strings (every code point but lone
#: surrogates, which it refuses), ints of any size, bools, None, and floats that ``repr``
#: writes without an exponent (0 and 1e-4 <= |x| < 1e16); outside that range the two spell
#: exponents differently (``1e16`` against ``1e+16``, ``0.00001`` against ``1e-05``).
#: ``meta_json`` uses it for flat objects of such values (most record meta), at a fifth of
#: the cost; tests/test_json_codecs.py holds the two to the same text.
_FAST_ENCODE = msgspec.json.Encoder().encode
_FAST_TYPES = frozenset({str, int, bool, type(None)})


def meta_json(meta: Mapping[str, Any]) -> str:
    """``meta`` as the JSON object stored in ``items.parquet`` (insertion order kept), the
    same text as ``json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)``."""
    if not meta:
        return "{}"
    for key, value in meta.items():
        kind = type(value)
        if kind is float:
            if not 1e-4 <= abs(value) < 1e16 and value != 0:
                return _stdlib_json(meta)
        elif kind not in _FAST_TYPES or type(key) is not str:
            return _stdlib_json(meta)
    try:
        return _FAST_ENCODE(meta).decode()
    except UnicodeEncodeError:  # lone surrogates (bytes that were not UTF-8)
        return _stdlib_json(meta)


def _stdlib_json(meta: Mapping[str, Any]) -> str:
    if _C_ENCODE is not None:
        return "".join(_C_ENCODE(meta, 0))
    return _META_ENCODER.encode(meta)


class ItemColumns:
    """The columns of one shard's items and the findings met while reading them."""

    def __init__(self, spec: ShardSpec):
        self.spec = spec
        self.read_detector = f"read:{spec.format}"
        self.item_id: list[str] = []
        self.source: list[str] = []
        self.uri: list[str] = []
        self.media_type: list[str] = []
        self.sha256: list[str] = []
        self.size: list[int] = []
        self.meta: list[str] = []
        self.findings: list[Finding] = []
        #: bytes of the rows added so far (progress reports)
        self.bytes = 0

    def __len__(self) -> int:
        return len(self.item_id)

    def add_problems(self, item_id: str, problems: tuple[tuple[str, str], ...]) -> None:
        for rule, message in problems:
            self.findings.append(error_finding(item_id, rule, message, detector=self.read_detector))

    def add_row(
        self,
        item_id: str,
        source: str,
        uri: str,
        media_type: str,
        sha256: str,
        size: int,
        meta_text: str,
    ) -> None:
        """One item's columns, its meta already ``meta_json`` (a shard's files share one);
        ``fill_records`` inlines this for its common row."""
        self.item_id.append(item_id)
        self.source.append(source)
        self.uri.append(uri)
        self.media_type.append(media_type)
        self.sha256.append(sha256)
        self.size.append(size)
        self.meta.append(meta_text)
        self.bytes += size

    def add_content(
        self,
        item_id: str,
        uri: str,
        media_type: str,
        bounded: Bounded,
        meta_text: str,
        problems: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """The row of content read from a file or record that no detector reads, without an
        ``Item``: the same columns and findings as ``add_read(..., wanted=False)``. ``meta_text``
        is already ``meta_json`` (a shard's files share one)."""
        source = self.spec.source
        self.add_row(item_id, source, uri, media_type, bounded.sha256, bounded.size, meta_text)
        if problems:
            self.add_problems(item_id, problems)
        if bounded.data is not None and (problem := undecodable(bounded.data, media_type)):
            self.findings.append(error_finding(item_id, "decode", problem))

    def add_read(self, read: Read, wanted: bool = True) -> Item:
        """A row from an item a reader built: its columns, its read and decode problems.
        ``wanted``: a detector will read the item's text, so decoding it now is not wasted;
        otherwise its bytes are only checked (a decode only where they are not UTF-8)."""
        item = read.item
        self.add_row(
            item.item_id,
            item.source,
            item.uri,
            item.media_type,
            item.sha256,
            item.size,
            meta_json(item.meta),
        )
        if read.problems:
            self.add_problems(item.item_id, read.problems)
        if item.loader is None:
            return item
        if not wanted:
            problem = undecodable(item.data, item.media_type)
        elif item.is_text and not item.data.isascii():
            problem = item.decoded.problem  # decoded now, once, for the detector too
        else:
            problem = None
        if problem:
            self.findings.append(error_finding(item.item_id, "decode", problem))
        return item

    def add_wanted(self, read: Read, wants: Wants) -> Item | None:
        """``add_read``; the item only where a detector will read it (it has content and a
        chosen detector takes its media type)."""
        wanted = read.item.loader is not None and wants(read.item.media_type)
        item = self.add_read(read, wanted)
        return item if wanted else None

    def escape_surrogates(self) -> int:
        """Make every string storable as UTF-8; the number of rows changed.

        Bytes that were not UTF-8 in a record's other fields or in a file name reach Python as
        lone surrogates (``surrogateescape``), which Arrow refuses. Such a row's meta is
        rewritten with ``\\u`` escapes (JSON that loads back to the same strings), its other
        strings with backslash escapes, and it gets a ``decode`` error finding. Only called
        when building the table failed, so clean shards pay nothing.
        """
        changed: set[int] = set()
        for values in (self.item_id, self.source, self.uri, self.media_type, self.sha256):
            for row, value in enumerate(values):
                if not _encodable(value):
                    values[row] = backslash_escaped(value)
                    changed.add(row)
        for row, value in enumerate(self.meta):
            if not _encodable(value):
                self.meta[row] = json.dumps(json.loads(value), separators=(",", ":"), default=str)
                changed.add(row)
        for row in sorted(changed):
            message = "bytes that are not UTF-8 in the item's fields or name; stored escaped"
            self.findings.append(
                error_finding(self.item_id[row], "decode", message, detector=self.read_detector)
            )
        return len(changed)

    def columns(self) -> list[list[Any]]:
        """In ``ITEM_SCHEMA`` order, without the shard column."""
        return [
            self.item_id,
            self.source,
            self.uri,
            self.media_type,
            self.sha256,
            self.size,
            self.meta,
        ]


def undecodable(data: bytes, media_type: str) -> str | None:
    """Why ``data`` of a text ``media_type`` does not decode cleanly (``decode_text``'s
    problem); None for clean text and for other media types. Decodes only bytes that are not
    ASCII and fail the UTF-8 check: ASCII cannot be bad UTF-8, and ``isascii`` and Arrow's
    validator are scans where decoding is a copy."""
    if data.isascii() or not is_textual(media_type) or utf8_valid(data):
        return None
    return decode_text(data).problem


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf8_valid(data: bytes) -> bool:
    """Whether ``decode_text`` would find no problem in ``data``: strict UTF-8 (a UTF-8 BOM is
    valid UTF-8 too). Arrow's validator answers as Python's strict decoder does (overlong
    forms, surrogates, code points past U+10FFFF and cut sequences are all invalid; see
    tests/test_json_codecs.py) without building the string: under half the cost of
    ``bytes.decode`` on mostly-ASCII text. Text behind a UTF-16 BOM is left to the decoder."""
    if data.startswith(_UTF16_BOMS):
        return False
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    array = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def backslash_escaped(text: str) -> str:
    """``text`` storable as UTF-8: lone surrogates (bytes that were not UTF-8) as ``\\udcXX``.
    Item ids are escaped this way in both the items and the findings table, so they still
    join."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: a column filler adds every item of a shard to the columns and yields the items a detector
#: wants, and ``None`` every ``PROGRESS_ROWS`` rows or so, so the caller can report progress.
Filler = Callable[[ShardSpec, ReadLimits, Wants, ItemColumns], Iterator[Item | None]]
PROGRESS_ROWS = 256


def fill_from_reads(
    reads: Iterator[Read], wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """The generic filler: every item is built by the format's reader."""
    for read in reads:
        item = columns.add_wanted(read, wants)
        if item is not None:
            yield item
        elif not len(columns) % PROGRESS_ROWS:
            yield None
