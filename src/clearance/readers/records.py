"""Helpers shared by the record readers (JSONL, CSV, Parquet): one item per record."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from clearance.model.item import Item
from clearance.readers.base import Read, ShardSpec

_SURROGATES = re.compile("[\udc80-\udcff]")


def record_read(
    spec: ShardSpec,
    locator: str,
    uri: str,
    record: Mapping[str, Any],
    problems: list[tuple[str, str]],
) -> Read:
    """Build the item for one record: its text field is the content, the rest is meta."""
    fields = dict(record)
    text = fields.pop(spec.text_field, None)
    meta: dict[str, Any] = {**spec.meta, **fields} if spec.meta else fields
    if text is None:
        problems.append(("missing-text-field", f"record has no {spec.text_field!r} field"))
        text = ""
    elif not isinstance(text, str):
        problems.append(("bad-text-field", f"{spec.text_field!r} is {type(text).__name__}"))
        text = json.dumps(text, ensure_ascii=False, default=str)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8 in the input
        problems.append(("decode", "invalid UTF-8 in record; bad bytes replaced with U+FFFD"))
        text = _SURROGATES.sub("\ufffd", text)
        data = text.encode("utf-8", "replace")
    item = Item.from_text(
        source=spec.source, locator=locator, uri=uri, text=text, data=data, meta=meta
    )
    return Read(item, tuple(problems))


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
