"""Readers turn a shard of a source into items. One module per input format."""

from __future__ import annotations

from collections.abc import Iterator

from clearance.readers.base import FileRef, Read, Reader, ShardSpec
from clearance.readers.csv import read_csv
from clearance.readers.files import read_files
from clearance.readers.jsonl import read_jsonl
from clearance.readers.limits import ReadLimits
from clearance.readers.parquet import read_parquet
from clearance.readers.warc import read_warc

READERS: dict[str, Reader] = {
    "files": read_files,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "warc": read_warc,
}


def read_shard(spec: ShardSpec, limits: ReadLimits | None = None) -> Iterator[Read]:
    """Every item of a shard, in a stable order."""
    return READERS[spec.format](spec, limits or ReadLimits())


__all__ = ["READERS", "FileRef", "Read", "ReadLimits", "Reader", "ShardSpec", "read_shard"]
