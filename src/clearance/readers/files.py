"""A folder tree (or single file): one item per file, archives expanded member by member.

Two views of the same rows: ``read_files`` builds an ``Item`` per file (guard, exports,
review), ``fill_files`` adds each file to the scan's columns and builds an ``Item`` only for
files a detector reads: a scan with few detectors reads thousands of small files, and the
objects per file cost more than deciding its media type.
"""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from hashlib import sha256
from typing import Any

from clearance.model.item import Item, make_item_id
from clearance.readers.archives import is_archive, read_archive
from clearance.readers.base import (
    READ_CHUNK,
    Bounded,
    FileRef,
    Read,
    ShardSpec,
    container_error,
    oversize_message,
    read_bounded,
)
from clearance.readers.columns import PROGRESS_ROWS, ItemColumns, Wants, meta_json
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.sniff import SNIFF_BYTES, sniff_media_type

#: a loose file as read: its media type and content (archives and errors come as ``Read``)
Loose = tuple[str, Bounded]


def read_files(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        for entry in _entries(spec, fs, ref, limits):
            if isinstance(entry, Read):
                yield entry
                continue
            media_type, bounded = entry
            item = _item(spec, ref.path, media_type, bounded)
            yield Read(item, _problems(bounded, limits))


def fill_files(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_files`` into ``columns`` (same rows, same findings, same order)."""
    fs, _ = filesystem(spec.root)
    meta_text = meta_json(spec.meta)  # the same for every file of the shard
    for ref in spec.files:
        for entry in _entries(spec, fs, ref, limits):
            item: Item | None = None
            if isinstance(entry, Read):
                item = columns.add_wanted(entry, wants)
            else:
                media_type, bounded = entry
                path = ref.path
                if bounded.data is not None and wants(media_type):
                    item = _item(spec, path, media_type, bounded)
                    columns.add_read(Read(item), wanted=True)
                else:
                    columns.add_content(
                        make_item_id(spec.source, spec.locator(path)),
                        path,
                        media_type,
                        bounded,
                        meta_text,
                        _problems(bounded, limits),
                    )
            if item is not None:
                yield item
            elif not len(columns) % PROGRESS_ROWS:
                yield None


def _entries(spec: ShardSpec, fs: Any, ref: FileRef, limits: ReadLimits) -> Iterator[Read | Loose]:
    """One file's content, or its archive members, or why it could not be read."""
    path = ref.path
    try:
        with open_binary(fs, path) as stream:
            # one read takes a whole small file (its planned size, and one byte to see the
            # end): sniffed, hashed and kept from the same bytes, with no seek and no re-read
            want = max(SNIFF_BYTES, min(ref.size + 1, READ_CHUNK, limits.max_item_bytes + 1))
            head = stream.read(want)
            media_type = sniff_media_type(head[:SNIFF_BYTES], path)
            if is_archive(media_type, path):
                stream.seek(0)
                yield from _expand(spec, path, stream, media_type, limits)
                return
            if len(head) < want:  # the whole file
                bounded = Bounded(
                    head if len(head) <= limits.max_item_bytes else None,
                    sha256(head).hexdigest(),
                    len(head),
                )
            else:
                bounded = read_bounded(stream, limits.max_item_bytes, head)
    except OSError as exc:
        yield container_error(spec, path, "application/octet-stream", "unreadable", str(exc))
        return
    yield media_type, bounded


def _item(spec: ShardSpec, path: str, media_type: str, bounded: Bounded) -> Item:
    data = bounded.data
    return Item(
        item_id=make_item_id(spec.source, spec.locator(path)),
        source=spec.source,
        uri=path,
        media_type=media_type,
        sha256=bounded.sha256,
        size=bounded.size,
        meta=dict(spec.meta),
        loader=(lambda: data) if data is not None else None,
    )


def _problems(bounded: Bounded, limits: ReadLimits) -> tuple[tuple[str, str], ...]:
    if bounded.data is None:
        return (("oversize", oversize_message(bounded.size, limits)),)
    return ()


def _expand(
    spec: ShardSpec, path: str, stream: object, media_type: str, limits: ReadLimits
) -> Iterator[Read]:
    count = 0
    try:
        for read in read_archive(spec, path, stream, media_type, limits):  # type: ignore[arg-type]
            count += 1
            yield read
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError, ValueError) as exc:
        message = f"archive unreadable after {count} members: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, media_type, "corrupt-archive", message)
