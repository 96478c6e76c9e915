"""Helpers shared by the record readers (JSONL, CSV, Parquet): one item per record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from hashlib import sha256
from typing import Any

from clearance.model.item import Item, make_item_id
from clearance.readers.base import Read, ShardSpec
from clearance.readers.columns import PROGRESS_ROWS, ItemColumns, Wants, meta_json

#: lone surrogates: bytes that were not UTF-8 (``surrogateescape``) or a ``\\ud800``-style
#: escape without its pair; either way not text, and Arrow refuses them
_SURROGATES = re.compile("[\ud800-\udfff]")


def record_read(
    spec: ShardSpec,
    locator: str,
    uri: str,
    record: Mapping[str, Any],
    problems: list[tuple[str, str]],
) -> Read:
    """Build the item for one record: its text field is the content, the rest is meta."""
    fields = dict(record)
    text, data, meta = _record_parts(spec, fields.pop(spec.text_field, None), fields, problems)
    item = Item.from_text(
        source=spec.source, locator=locator, uri=uri, text=text, data=data, meta=meta
    )
    return Read(item, tuple(problems))


def add_record(
    columns: ItemColumns,
    locator: str,
    uri: str,
    text: Any,
    fields: dict[str, Any],
    problems: list[tuple[str, str]],
    want: bool,
) -> Item | None:
    """``record_read`` as one row of ``columns``, for a record whose text field (``text``,
    None when absent) was taken out of ``fields``; the item only when ``want``."""
    spec = columns.spec
    text, data, meta = _record_parts(spec, text, fields, problems)
    item_id = make_item_id(spec.source, locator)
    digest = sha256(data).hexdigest()
    columns.add_row(item_id, spec.source, uri, "text/plain", digest, len(data), meta_json(meta))
    if problems:
        columns.add_problems(item_id, tuple(problems))
    if not want:
        return None
    return Item.from_text(
        source=spec.source, locator=locator, uri=uri, text=text, data=data, meta=meta, sha256=digest
    )


def _record_parts(
    spec: ShardSpec, text: Any, fields: dict[str, Any], problems: list[tuple[str, str]]
) -> tuple[str, bytes, dict[str, Any]]:
    """The text, its UTF-8 bytes and the meta of a record whose text field was ``text``."""
    meta: dict[str, Any] = {**spec.meta, **fields} if spec.meta else fields
    if text is None:
        problems.append(("missing-text-field", f"record has no {spec.text_field!r} field"))
        text = ""
    elif not isinstance(text, str):
        problems.append(("bad-text-field", f"{spec.text_field!r} is {type(text).__name__}"))
        text = json.dumps(text, ensure_ascii=False, default=str)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        problems.append(("decode", "invalid UTF-8 in record; bad bytes replaced with U+FFFD"))
        text = _SURROGATES.sub("\ufffd", text)
        data = text.encode("utf-8")
    return text, data, meta


#: what a record reader yields: a parsed record ``(locator, record, problems)``, or a ``Read``
#: for what could not be parsed (a malformed row, a broken file).
RecordOrRead = tuple[str, dict[str, Any], list[tuple[str, str]]] | Read


def reads_of(spec: ShardSpec, uri: str, rows: Iterable[RecordOrRead]) -> Iterator[Read]:
    """The item-by-item view of a record reader's rows."""
    for row in rows:
        yield row if isinstance(row, Read) else record_read(spec, row[0], uri, row[1], row[2])


def fill_records(
    columns: ItemColumns, wants: Wants, uri: str, rows: Iterable[RecordOrRead]
) -> Iterator[Item | None]:
    """The columnar view of a record reader's rows (JSONL, CSV, Parquet): an ``Item`` only
    where a detector reads, and ``None`` every ``PROGRESS_ROWS`` rows.

    This loop runs once per record of every record file, so the common row (a string text
    field, no problem) is appended here inline (``ItemColumns.add_row`` without a call per
    row); ``add_record`` takes the others.
    """
    spec = columns.spec
    source, text_field, spec_meta = spec.source, spec.text_field, spec.meta
    want_text = wants("text/plain")
    add_id, add_source = columns.item_id.append, columns.source.append
    add_uri, add_type = columns.uri.append, columns.media_type.append
    add_digest, add_size, add_meta = columns.sha256.append, columns.size.append, columns.meta.append
    for rows_done, row in enumerate(rows, 1):
        item: Item | None = None
        if isinstance(row, Read):
            item = columns.add_wanted(row, wants)
        else:
            locator, fields, problems = row
            text = fields.pop(text_field, None)
            data = None
            if type(text) is str and not problems:
                try:
                    data = text.encode("utf-8")
                except UnicodeEncodeError:  # lone surrogates: add_record says so
                    data = None
            if data is None:
                item = add_record(columns, locator, uri, text, fields, problems, want_text)
            else:
                meta = {**spec_meta, **fields} if spec_meta else fields
                digest = sha256(data).hexdigest()
                add_id(make_item_id(source, locator))
                add_source(source)
                add_uri(uri)
                add_type("text/plain")
                add_digest(digest)
                add_size(len(data))
                add_meta(meta_json(meta))
                columns.bytes += len(data)
                if want_text:
                    item = Item.from_text(
                        source=source,
                        locator=locator,
                        uri=uri,
                        text=text,
                        data=data,
                        meta=meta,
                        sha256=digest,
                    )
        if item is not None:
            yield item
        elif not rows_done % PROGRESS_ROWS:
            yield None


def raw_read(spec: ShardSpec, locator: str, uri: str, raw: bytes, rule: str, message: str) -> Read:
    """A record that could not be parsed: its raw bytes are kept so nothing is lost."""
    item = Item.from_bytes(
        source=spec.source,
        locator=locator,
        uri=uri,
        media_type="application/octet-stream",
        data=raw,
        meta=dict(spec.meta),
    )
    return Read(item, ((rule, message),))
