"""Parquet: one item per row, located as ``file#row=<n>``; read in record batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clearance.model.item import Item
from clearance.readers.base import Read, ShardSpec, container_error
from clearance.readers.columns import ItemColumns, Wants
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.records import RecordOrRead, fill_records, reads_of

BATCH_ROWS = 2048


def read_parquet(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from reads_of(spec, ref.path, _rows(spec, fs, ref.path))


def fill_parquet(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_parquet`` into columns: an ``Item`` only for rows a detector reads."""
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from fill_records(columns, wants, ref.path, _rows(spec, fs, ref.path))


def _rows(spec: ShardSpec, fs: Any, path: str) -> Iterator[RecordOrRead]:
    base = spec.locator(path)
    row = 0
    try:
        with open_binary(fs, path) as stream:
            parquet = pq.ParquetFile(stream)
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
                for record in batch.to_pylist():
                    yield f"{base}#row={row}", _plain(record), []
                    row += 1
    except (OSError, pa.ArrowException, ValueError) as exc:
        message = f"unreadable after row {row}: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, "application/vnd.apache.parquet", "corrupt-file", message)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Bytes columns become text where they decode, so records stay JSON-friendly."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "surrogateescape")
        out[key] = value
    return out
