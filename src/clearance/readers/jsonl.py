"""JSON Lines (optionally .gz/.bz2/.xz): one item per line, located as ``file#L<line>``."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zlib
from collections.abc import Iterator
from typing import IO, Any

import msgspec
import numpy as np

from clearance.model.item import Item
from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.columns import ItemColumns, Wants
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import RecordOrRead, fill_records, raw_read, reads_of

# The decompressors wrap the raw stream and are closed with it.
_DECOMPRESSORS: dict[str, Any] = {
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    ".xz": lambda raw: lzma.LZMAFile(raw, mode="rb"),
}
_STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


def compression_of(path: str) -> str | None:
    for suffix in _DECOMPRESSORS:
        if path.lower().endswith(suffix):
            return suffix
    return None


def read_jsonl(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from reads_of(spec, ref.path, _records(spec, fs, ref.path, limits))


def fill_jsonl(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_jsonl`` into columns: an ``Item`` only for records a detector reads."""
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from fill_records(columns, wants, ref.path, _records(spec, fs, ref.path, limits))


#: msgspec's decoder gives the same values as ``json.loads`` for every line it accepts (big
#: integers stay exact, duplicate keys keep the last value) at about twice its speed, and
#: refuses what ``json`` alone accepts (NaN, Infinity, lone-surrogate escapes, bytes that are
#: not UTF-8): such a line goes to ``json`` below, as before. tests/test_json_codecs.py
#: holds the two to the same answers.
_DECODE = msgspec.json.Decoder().decode


def _records(spec: ShardSpec, fs: Any, path: str, limits: ReadLimits) -> Iterator[RecordOrRead]:
    """Each non-blank line of the shard's part of ``path`` as ``(locator, record, [])``, or a
    ``Read`` for a line that is not a JSON object or is over the item limit (its first KiB is
    kept), and a container error when the stream breaks."""
    line_no = spec.first_line - 1
    decode = _DECODE
    try:
        with open_binary(fs, path) as raw:
            stream: IO[bytes] = raw
            suffix = compression_of(path)
            if suffix:
                stream = _DECOMPRESSORS[suffix](raw)
            start, end = spec.byte_range or (0, None)
            if start:
                stream.seek(start)
            position = start
            base = f"{spec.locator(path)}#L"
            limit = limits.max_item_bytes
            readline = stream.readline
            while end is None or position < end:
                line = readline(limit + 1)
                if not line:
                    break
                line_no += 1
                position += len(line)
                if len(line) > limit and not line.endswith(b"\n"):
                    position += _skip_line(stream)
                    yield _oversize(spec, f"{base}{line_no}", path, line[:1024], limits)
                    continue
                if line.isspace():
                    continue
                try:
                    record = decode(line)
                except ValueError:
                    record = None
                if type(record) is dict:
                    yield f"{base}{line_no}", record, []
                else:  # refused by msgspec or not an object: rare, json says why
                    yield _parse_line(spec, f"{base}{line_no}", path, line)
    except _STREAM_ERRORS as exc:
        yield _broken(spec, path, line_no, exc)


def _oversize(spec: ShardSpec, locator: str, uri: str, head: bytes, limits: ReadLimits) -> Read:
    message = f"line longer than {limits.max_item_bytes} bytes; first 1 KiB kept"
    return raw_read(spec, locator, uri, head, "oversize", message)


def _broken(spec: ShardSpec, path: str, line_no: int, exc: BaseException) -> Read:
    message = f"stream broke after line {line_no}: {type(exc).__name__}: {exc}"
    return container_error(spec, path, "application/jsonl", "corrupt-file", message)


def _parse_line(spec: ShardSpec, locator: str, uri: str, line: bytes) -> RecordOrRead:
    """A line through the standard ``json`` decoder (bytes that are not UTF-8 become lone
    surrogates, reported as a decode problem when the row is stored)."""
    try:
        record = json.loads(line.decode("utf-8", "surrogateescape"))
    except ValueError as exc:
        return raw_read(spec, locator, uri, line.rstrip(b"\r\n"), "malformed-record", str(exc))
    if not isinstance(record, dict):
        kind = type(record).__name__
        return raw_read(
            spec,
            locator,
            uri,
            line.rstrip(b"\r\n"),
            "malformed-record",
            f"line is a JSON {kind}, not an object",
        )
    return locator, record, []


def _skip_line(stream: IO[bytes]) -> int:
    skipped = 0
    while chunk := stream.readline(1024 * 1024):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def split_points(stream: IO[bytes], size: int, target: int) -> list[tuple[int, int, int]]:
    """Cut a large uncompressed JSONL file into ``(start, end, first_line)`` ranges at newlines.

    Counting newlines runs at memory speed (``count_newlines``), so planning a multi-GB file
    costs seconds while letting every worker take a part of it.
    """
    ranges: list[tuple[int, int, int]] = []
    start, line = 0, 1
    while start < size:
        cut = min(start + target, size)
        if cut < size:
            stream.seek(cut)
            cut += len(stream.readline())
        ranges.append((start, cut, line))
        if cut >= size:  # the last range: no line number after it to find
            break
        stream.seek(start)
        start, line = cut, line + count_newlines(stream, cut - start)
    return ranges


#: bytes counted at a time: the buffer and numpy's comparison of it stay in the CPU cache
_COUNT_BLOCK = 1024 * 1024


def count_newlines(stream: IO[bytes], size: int) -> int:
    """The newlines in the next ``size`` bytes of ``stream`` (fewer if it ends first).

    Read into one reused buffer and compared by numpy, not read into fresh ``bytes`` and
    counted by ``bytes.count``: a third of the time (32 MB: 8 ms against 27 ms), which is
    most of planning a folder of large JSONL files."""
    buffer = bytearray(min(size, _COUNT_BLOCK))
    view, values = memoryview(buffer), np.frombuffer(buffer, dtype=np.uint8)
    readinto = getattr(stream, "readinto", None)
    newlines = 0
    while size > 0:
        want = min(size, len(buffer))
        if readinto is not None:
            got = readinto(view[:want]) or 0
        else:  # a stream without readinto: copy what it returns into the buffer
            chunk = stream.read(want)
            got = len(chunk)
            view[:got] = chunk
        if not got:
            break
        newlines += int(np.count_nonzero(values[:got] == _NEWLINE))
        size -= got
    return newlines


_NEWLINE = ord("\n")
