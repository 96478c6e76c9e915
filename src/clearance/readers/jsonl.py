"""JSON Lines (optionally .gz/.bz2/.xz): one item per line, located as ``file#L<line>``."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zlib
from collections.abc import Iterator
from typing import IO, Any

from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import raw_read, record_read

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
        yield from _read_file(spec, fs, ref.path, limits)


def _read_file(spec: ShardSpec, fs: Any, path: str, limits: ReadLimits) -> Iterator[Read]:
    line_no = spec.first_line - 1
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
            locator_base = spec.locator(path)
            while end is None or position < end:
                line = stream.readline(limits.max_item_bytes + 1)
                if not line:
                    break
                line_no += 1
                position += len(line)
                locator = f"{locator_base}#L{line_no}"
                if len(line) > limits.max_item_bytes and not line.endswith(b"\n"):
                    position += _skip_line(stream)
                    yield raw_read(
                        spec,
                        locator,
                        path,
                        line[:1024],
                        "oversize",
                        f"line longer than {limits.max_item_bytes} bytes; first 1 KiB kept",
                    )
                    continue
                if line.strip():
                    yield _parse_line(spec, locator, path, line)
    except _STREAM_ERRORS as exc:
        message = f"stream broke after line {line_no}: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, "application/jsonl", "corrupt-file", message)


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
