"""CSV/TSV: one item per row, located as ``file#L<line>`` (the row's first physical line)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import Any

from clearance.model.item import Item
from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.columns import ItemColumns, Wants
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import RecordOrRead, fill_records, raw_read, reads_of


def read_csv(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    csv.field_size_limit(min(limits.max_item_bytes, sys.maxsize))
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from reads_of(spec, ref.path, _rows(spec, fs, ref.path))


def fill_csv(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_csv`` into columns: an ``Item`` only for rows a detector reads."""
    csv.field_size_limit(min(limits.max_item_bytes, sys.maxsize))
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from fill_records(columns, wants, ref.path, _rows(spec, fs, ref.path))


def _rows(spec: ShardSpec, fs: Any, path: str) -> Iterator[RecordOrRead]:
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    base = spec.locator(path)
    line = 0
    try:
        with open_binary(fs, path) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                return
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    locator = f"{base}#L{line}"
                    yield raw_read(spec, locator, path, b"", "malformed-record", str(exc))
                    continue
                if not row:
                    continue
                problems: list[tuple[str, str]] = []
                if len(row) != len(header):
                    problems.append(
                        ("malformed-record", f"{len(row)} fields, header has {len(header)}")
                    )
                yield f"{base}#L{line}", dict(zip(header, row, strict=False)), problems
    except (OSError, UnicodeError) as exc:
        message = f"unreadable after line {line}: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, "text/csv", "corrupt-file", message)
