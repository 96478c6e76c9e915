"""Readers turn a shard of a source into items. One module per input format."""

from __future__ import annotations

from collections.abc import Iterator

from clearance.model.item import Item
from clearance.readers.base import FileRef, Read, Reader, ShardSpec
from clearance.readers.columns import Filler, ItemColumns, Wants, fill_from_reads
from clearance.readers.csv import fill_csv, read_csv
from clearance.readers.files import fill_files, read_files
from clearance.readers.jsonl import fill_jsonl, read_jsonl
from clearance.readers.limits import ReadLimits
from clearance.readers.parquet import fill_parquet, read_parquet
from clearance.readers.warc import fill_warc, read_warc

READERS: dict[str, Reader] = {
    "files": read_files,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "warc": read_warc,
}

#: formats read straight into columns; the others go through their reader item by item.
FILLERS: dict[str, Filler] = {
    "jsonl": fill_jsonl,
    "csv": fill_csv,
    "parquet": fill_parquet,
    "files": fill_files,
    "warc": fill_warc,
}


def read_shard(spec: ShardSpec, limits: ReadLimits | None = None) -> Iterator[Read]:
    """Every item of a shard, in a stable order."""
    return READERS[spec.format](spec, limits or ReadLimits())


def fill_shard(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """Add every item of a shard to ``columns`` (same rows, same order as ``read_shard``),
    yielding the items whose media type a detector ``wants`` and ``None`` now and then."""
    filler = FILLERS.get(spec.format)
    if filler is not None:
        return filler(spec, limits, wants, columns)
    return fill_from_reads(read_shard(spec, limits), wants, columns)


__all__ = [
    "READERS",
    "FileRef",
    "ItemColumns",
    "Read",
    "ReadLimits",
    "Reader",
    "ShardSpec",
    "fill_shard",
    "read_shard",
]
