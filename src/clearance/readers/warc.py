"""WARC / WARC.gz web captures via warcio: one item per response or resource record.

HTTP headers and WARC headers are kept in ``meta`` because opt-out signals
(``X-Robots-Tag``, ``tdm-reservation``) live there. The payload is the decoded HTTP body
(chunked and content-encoding undone by warcio).

``read_warc`` builds an ``Item`` per record; ``fill_warc`` adds each record to the scan's
columns and builds one only for records a detector reads.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from clearance.model.item import Item, make_item_id
from clearance.readers.base import (
    Bounded,
    Read,
    ShardSpec,
    container_error,
    oversize_message,
    read_bounded,
)
from clearance.readers.columns import PROGRESS_ROWS, ItemColumns, Wants, meta_json
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.limits import ReadLimits
from clearance.readers.sniff import sniff_media_type

CONTENT_RECORDS = frozenset({"response", "resource"})

#: a record as read: item id, uri, media type, content, meta, problems
Record = tuple[str, str, str, Bounded, dict[str, Any], tuple[tuple[str, str], ...]]


def read_warc(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]:
    for entry in _entries(spec, limits):
        yield entry if isinstance(entry, Read) else Read(_item(spec, entry), entry[5])


def fill_warc(
    spec: ShardSpec, limits: ReadLimits, wants: Wants, columns: ItemColumns
) -> Iterator[Item | None]:
    """``read_warc`` into ``columns`` (same rows, same findings, same order)."""
    for entry in _entries(spec, limits):
        item: Item | None = None
        if isinstance(entry, Read):
            item = columns.add_wanted(entry, wants)
        elif entry[3].data is not None and wants(entry[2]):
            item = columns.add_read(Read(_item(spec, entry), entry[5]), wanted=True)
        else:
            item_id, uri, media_type, bounded, meta, problems = entry
            columns.add_content(item_id, uri, media_type, bounded, meta_json(meta), problems)
        if item is not None:
            yield item
        elif not len(columns) % PROGRESS_ROWS:
            yield None


def _item(spec: ShardSpec, record: Record) -> Item:
    item_id, uri, media_type, bounded, meta, _ = record
    data = bounded.data
    return Item(
        item_id=item_id,
        source=spec.source,
        uri=uri,
        media_type=media_type,
        sha256=bounded.sha256,
        size=bounded.size,
        meta=meta,
        loader=(lambda: data) if data is not None else None,
    )


def _entries(spec: ShardSpec, limits: ReadLimits) -> Iterator[Read | Record]:
    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        yield from _read_file(spec, fs, ref.path, ref.size, limits)


def _read_file(
    spec: ShardSpec, fs: Any, path: str, size: int, limits: ReadLimits
) -> Iterator[Read | Record]:
    # warcio tolerates damage silently: a cut gzip member ends iteration without an error
    # and a cut record reads short. We check both, so a damaged crawl never looks complete.
    count = 0
    locator = spec.locator(path)
    expect_arc = path.lower().endswith((".arc", ".arc.gz"))
    try:
        with open_binary(fs, path) as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.format == "arc" and not expect_arc:
                    raise ValueError("not a WARC record (parsed as ARC)")
                if record.rec_type not in CONTENT_RECORDS:
                    continue
                count += 1
                yield _record(spec, locator, record, limits, records)
            if size and records.offset < size:
                raise ValueError(f"{size - records.offset} trailing bytes could not be parsed")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        message = f"WARC unreadable after {count} records: {type(exc).__name__}: {exc}"
        yield container_error(spec, path, "application/warc", "corrupt-file", message)


def _record(spec: ShardSpec, locator: str, record: Any, limits: ReadLimits, records: Any) -> Record:
    warc = record.rec_headers
    record_id = (warc.get_header("WARC-Record-ID") or "").strip("<>")
    target = warc.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    declared = ""
    meta: dict[str, Any] = {
        **spec.meta,
        "warc_record_id": record_id,
        "warc_type": record.rec_type,
        "warc_date": warc.get_header("WARC-Date"),
        "warc_file": locator,
    }
    if http is not None:
        meta["http_status"] = http.get_statuscode()
        meta["http_headers"] = [[name, value] for name, value in http.headers]
        declared = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    bounded = read_bounded(record.content_stream(), limits.max_item_bytes)
    data = bounded.data
    media_type = sniff_media_type(data[:8192], target.split("?")[0]) if data else ""
    if declared and (not media_type or media_type == "text/plain"):
        media_type = declared
    problems: tuple[tuple[str, str], ...] = ()
    if data is None:
        problems = (("oversize", oversize_message(bounded.size, limits)),)
    missing = getattr(record.raw_stream, "limit", 0)
    if not record_id:  # only now: asking for the offset reads the record to its end
        record_id = f"offset={records.get_record_offset()}"
    if missing:
        problems += (("truncated-record", f"record ends {missing} bytes before its length"),)
    item_id = make_item_id(spec.source, f"{locator}#{record_id}")
    return item_id, target, media_type or "application/octet-stream", bounded, meta, problems
