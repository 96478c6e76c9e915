"""Split sources into shards: the units of work, resumption and parallelism."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from fsspec.implementations.local import LocalFileSystem

from clearance.model.errors import ConfigError
from clearance.readers.base import FileRef, ShardSpec
from clearance.readers.fs import filesystem, join_url
from clearance.readers.hf import looks_like_dataset_card, read_card
from clearance.readers.jsonl import compression_of, split_points
from clearance.sources.manifest import Source

TARGET_SHARD_BYTES = 32 * 1024 * 1024
MAX_FILES_PER_SHARD = 2000

_RECORD_SUFFIXES = (
    (("jsonl", "ndjson", "jsonl.gz", "ndjson.gz", "jsonl.bz2", "jsonl.xz", "json.gz"), "jsonl"),
    (("parquet",), "parquet"),
    (("csv", "tsv"), "csv"),
    (("warc", "warc.gz", "arc.gz"), "warc"),
)
#: the same, dotted, as ``str.endswith`` takes them (one call per format, not per suffix)
_DOTTED = tuple((tuple("." + s for s in suffixes), fmt) for suffixes, fmt in _RECORD_SUFFIXES)


def record_format(path: str) -> str | None:
    """The record format a file name announces (``jsonl``, ``parquet``...), or None."""
    name = path.lower()
    for suffixes, fmt in _DOTTED:
        if name.endswith(suffixes):
            return fmt
    return None


def plan_sources(
    sources: Iterable[Source],
    *,
    target_bytes: int = TARGET_SHARD_BYTES,
    max_files: int = MAX_FILES_PER_SHARD,
) -> list[ShardSpec]:
    shards: list[ShardSpec] = []
    for source in sources:
        shards.extend(plan_source(source, target_bytes=target_bytes, max_files=max_files))
    return shards


def plan_source(
    source: Source,
    *,
    target_bytes: int = TARGET_SHARD_BYTES,
    max_files: int = MAX_FILES_PER_SHARD,
) -> list[ShardSpec]:
    """The shards of one source, in a stable order (sorted paths)."""
    fs, root = filesystem(source.path)
    try:
        exists = fs.exists(root)
    except OSError as exc:
        raise ConfigError(f"source {source.name!r}: cannot reach {source.path}: {exc}") from exc
    if not exists:
        raise ConfigError(f"source {source.name!r}: path does not exist: {source.path}")
    root_url = join_url(fs, root)
    files = _list_files(fs, root)
    meta: dict[str, Any] = {}
    fmt = source.format
    if fs.isdir(root) and fmt in ("auto", "hf"):
        card = read_card(root_url)
        if fmt == "hf" or looks_like_dataset_card(card):
            meta["hf_card"] = card or {}
            fmt = "auto"
    by_format: dict[str, list[FileRef]] = {}
    for ref in files:
        chosen = "files" if fmt == "files" else record_format(ref.path) or "files"
        if fmt not in ("auto", "files") and chosen == "files" and not fs.isdir(root):
            chosen = fmt  # an explicit format on a single file wins over its name
        by_format.setdefault(chosen, []).append(ref)
    shards: list[ShardSpec] = []
    for chosen, refs in sorted(by_format.items()):

        def make(group: tuple[FileRef, ...], chosen: str = chosen, **extra: Any) -> ShardSpec:
            return ShardSpec(
                source=source.name,
                format=chosen,
                root=root_url,
                files=group,
                text_field=source.text_field,
                meta=meta,
                **extra,
            )

        if chosen == "files":
            shards.extend(make(g) for g in _groups(refs, target_bytes, max_files))
            continue
        for ref in refs:
            if chosen == "jsonl" and ref.size > target_bytes and not compression_of(ref.path):
                with fs.open(ref.path, "rb") as stream:
                    ranges = split_points(stream, ref.size, target_bytes)
                shards.extend(
                    make((ref,), byte_range=(a, b), first_line=line) for a, b, line in ranges
                )
            else:
                shards.append(make((ref,)))
    return shards


def _list_files(fs: Any, root: str) -> list[FileRef]:
    is_file = fs.isfile(root)
    if not is_file and type(fs) is LocalFileSystem and os.sep == "/":
        return _list_local(root)
    infos = {root: fs.info(root)} if is_file else fs.find(root, detail=True, withdirs=False)
    return [
        FileRef(path=join_url(fs, path), size=int(info.get("size") or 0), mtime=_mtime(info))
        for path, info in sorted(infos.items())
        if info.get("type", "file") == "file"
    ]


def _list_local(root: str) -> list[FileRef]:
    """``fs.find(root, detail=True)`` of a local folder as ``_list_files`` reads it, from
    ``os.scandir``: the same regular files (symbolic links are not followed or listed), sizes,
    mtimes and order, without fsspec's path handling for each entry (half of planning a
    folder of small files). A folder that cannot be listed is left out, as fsspec's walk
    leaves it; tests/test_plan_listing.py compares the two."""
    found: list[FileRef] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        files: list[FileRef] = []
        folders: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # gone since the folder was read
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        files.append(FileRef(entry.path, stat.st_size, float(stat.st_mtime)))
        except OSError:
            continue
        found.extend(files)
        pending.extend(folders)
    found.sort(key=lambda ref: ref.path)
    return found


def _mtime(info: dict[str, Any]) -> float:
    for key in ("mtime", "LastModified", "updated", "created"):
        value = info.get(key)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
    return 0.0


def _groups(
    refs: list[FileRef], target_bytes: int, max_files: int
) -> Iterable[tuple[FileRef, ...]]:
    group: list[FileRef] = []
    size = 0
    for ref in refs:
        if group and (size + ref.size > target_bytes or len(group) >= max_files):
            yield tuple(group)
            group, size = [], 0
        group.append(ref)
        size += ref.size
    if group:
        yield tuple(group)
