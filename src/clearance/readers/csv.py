"""CSV/TSV: one item per row, located as ``file#L<line>`` (the row's first physical line)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import Any

from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import raw_read, record_read


def read_csv(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    csv.field_size_limit(min(limits.max_item_bytes, sys.maxsize))
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from _read_file(spec, fs, ref.path)


def _read_file(spec: ShardSpec, fs: Any, path: str) -> Iterator[Read]:
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
                record = dict(zip(header, row, strict=False))
                yield record_read(spec, f"{base}#L{line}", path, record, problems)
    except (OSError, UnicodeError) as exc:
        message = f"unreadable after line {line}: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, "text/csv", "corrupt-file", message)
