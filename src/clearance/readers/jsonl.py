"""JSON Lines (optionally .gz/.bz2/.xz): one item per line, located as ``file#L<line>``."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zlib
from collections.abc import Iterator
from typing import IO, Any

from clearance.model.item import Item
from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.columns import PROGRESS_ROWS, ItemColumns, Wants
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import add_record, raw_read, record_read

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
        line_no = spec.first_line - 1
        try:
            # line_no is read after the loop too, when the stream breaks
            for line_no, locator, line, whole in _lines(spec, fs, ref.path, limits):  # noqa: B007
                if whole:
                    yield _parse_line(spec, locator, ref.path, line)
                else:
                    yield _oversize(spec, locator, ref.path, line, limits)
        except _STREAM_ERRORS as exc:
            yield _broken(spec, ref.path, line_no, exc)


def fill_jsonl(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_jsonl`` into columns: an ``Item`` only for records a detector reads."""
    fs, _ = filesystem(spec.root)
    want_text = wants("text/plain")
    loads = json.loads
    for ref in spec.files:
        path = ref.path
        line_no = spec.first_line - 1
        try:
            for line_no, locator, line, whole in _lines(spec, fs, path, limits):
                record: Any = _NOT_JSON
                if whole:
                    try:
                        record = loads(line.decode("utf-8", "surrogateescape"))
                    except ValueError:
                        record = _NOT_JSON
                if type(record) is dict:
                    item = add_record(columns, locator, path, record, [], want_text)
                else:  # malformed or over-size: rare, the item-by-item path says why
                    read = (
                        _parse_line(spec, locator, path, line)
                        if whole
                        else _oversize(spec, locator, path, line, limits)
                    )
                    item = columns.add_wanted(read, wants)
                if item is not None:
                    yield item
                elif not line_no % PROGRESS_ROWS:
                    yield None
        except _STREAM_ERRORS as exc:
            # a container error withholds its content: there is nothing for a detector
            columns.add_read(_broken(spec, path, line_no, exc))


_NOT_JSON = object()


def _lines(
    spec: ShardSpec, fs: Any, path: str, limits: ReadLimits
) -> Iterator[tuple[int, str, bytes, bool]]:
    """``(line number, locator, line, whole)`` for each non-blank line of the shard's part of
    ``path``; ``whole`` is False for a line over the item limit (its first bytes are given)."""
    line_no = spec.first_line - 1
    with open_binary(fs, path) as raw:
        stream: IO[bytes] = raw
        suffix = compression_of(path)
        if suffix:
            stream = _DECOMPRESSORS[suffix](raw)
        start, end = spec.byte_range or (0, None)
        if start:
            stream.seek(start)
        position = start
        locator_base = spec.locator(path)
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
                yield line_no, f"{locator_base}#L{line_no}", line[:1024], False
            elif line.strip():
                yield line_no, f"{locator_base}#L{line_no}", line, True


def _oversize(spec: ShardSpec, locator: str, uri: str, head: bytes, limits: ReadLimits) -> Read:
    message = f"line longer than {limits.max_item_bytes} bytes; first 1 KiB kept"
    return raw_read(spec, locator, uri, head, "oversize", message)


def _broken(spec: ShardSpec, path: str, line_no: int, exc: BaseException) -> Read:
    message = f"stream broke after line {line_no}: {type(exc).__name__}: {exc}"
    return container_error(spec, path, "application/jsonl", "corrupt-file", message)


def _parse_line(spec: ShardSpec, locator: str, uri: str, line: bytes) -> Read:
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
    return record_read(spec, locator, uri, record, [])


def _skip_line(stream: IO[bytes]) -> int:
    skipped = 0
    while chunk := stream.readline(1024 * 1024):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def split_points(stream: IO[bytes], size: int, target: int) -> list[tuple[int, int, int]]:
    """Cut a large uncompressed JSONL file into ``(start, end, first_line)`` ranges at newlines.

    Counting newlines runs at memory speed, so planning a multi-GB file costs seconds while
    letting every worker take a part of it.
    """
    ranges: list[tuple[int, int, int]] = []
    start, line = 0, 1
    while start < size:
        cut = min(start + target, size)
        if cut < size:
            stream.seek(cut)
            cut += len(stream.readline())
        stream.seek(start)
        remaining = cut - start
        newlines = 0
        while remaining > 0:
            chunk = stream.read(min(remaining, 8 * 1024 * 1024))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            remaining -= len(chunk)
        ranges.append((start, cut, line))
        start, line = cut, line + newlines
    return ranges
