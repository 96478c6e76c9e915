"""A folder tree (or single file): one item per file, archives expanded member by member."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from hashlib import sha256

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
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.sniff import SNIFF_BYTES, sniff_media_type


def read_files(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from _read_one(spec, fs, ref, limits)


def _read_one(spec: ShardSpec, fs: object, ref: FileRef, limits: ReadLimits) -> Iterator[Read]:
    path = ref.path
    locator = spec.locator(path)
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
    problems: tuple[tuple[str, str], ...] = ()
    if bounded.data is None:
        problems = (("oversize", oversize_message(bounded.size, limits)),)
    data = bounded.data
    item = Item(
        item_id=make_item_id(spec.source, locator),
        source=spec.source,
        uri=path,
        media_type=media_type,
        sha256=bounded.sha256,
        size=bounded.size,
        meta=dict(spec.meta),
        loader=(lambda: data) if data is not None else None,
    )
    yield Read(item, problems)


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
