"""Shard markers: written fast, read back as the values ``json`` would give."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance.readers import ShardSpec
from clearance.readers.base import FileRef
from clearance.runs.store import FINDING_SCHEMA, ITEM_SCHEMA, RunStore, _load_json, marker_json


def _same(a: Any, b: Any) -> bool:
    """Equal values, NaN equal to NaN (json writes NaN and reads it back)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _marker(files: tuple[FileRef, ...], meta: dict[str, Any]) -> dict[str, Any]:
    spec = ShardSpec(source="src", format="files", root="/data", files=files, meta=meta)
    return {"spec": spec.to_json(), "shard_id": spec.shard_id, "items": len(files), "seconds": 0.5}


_PATHS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_FILES = st.lists(
    st.builds(
        FileRef,
        path=_PATHS,
        size=st.integers(0, 2**40),
        mtime=st.floats(allow_nan=True, allow_infinity=True) | st.integers(0, 2**31),
    ),
    max_size=6,
).map(tuple)


@settings(max_examples=200, deadline=None)
@example(files=(FileRef("a", 1, float("nan")), FileRef("b", 2, 3.5)), card={})
@example(files=(FileRef("a", 1, 2.0), FileRef("bad-\udcff-name", 2, 3.5)), card={})  # not UTF-8
@given(files=_FILES, card=st.dictionaries(st.text(max_size=4), st.floats() | st.text(max_size=4)))
def test_marker_reads_back_as_json_dumps_would(
    files: tuple[FileRef, ...], card: dict[str, Any]
) -> None:
    marker = _marker(files, {"hf_card": card, "date": datetime.date(2024, 5, 1)})
    expected = json.loads(json.dumps(marker, default=str))
    text = marker_json(marker)
    assert _same(_load_json(text), expected)
    assert _same(json.loads(text), expected)  # any JSON reader, not only ours
    assert ShardSpec.from_json(_load_json(text)["spec"]).shard_id == marker["shard_id"]


def test_marker_of_plain_files_takes_the_fast_list() -> None:
    files = tuple(FileRef(f"/data/f{n}-é.txt", n, 1795911948.300638 + n) for n in range(3))
    text = marker_json(_marker(files, {}))
    assert text.startswith('{"spec": {"files": [{"path":"/data/f0-é.txt","size":0,')
    assert text.endswith("}\n")


@pytest.mark.parametrize(
    "text",
    ['{"a": NaN, "b": [Infinity, -Infinity]}', '{"p": "\\udcff"}', '{"n": 123456789012345678901}'],
)
def test_load_json_takes_what_msgspec_refuses(text: str) -> None:
    assert _same(_load_json(text), json.loads(text))


def test_markers_written_by_a_shard_are_read_back(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.prepare(resume=False, force=False)
    files = (FileRef("/data/a", 1, 2.5), FileRef("/data/\udcff", 2, float("nan")))
    marker = _marker(files, {"k": [1, 2]})
    store.write_shard(
        marker["shard_id"], ITEM_SCHEMA.empty_table(), FINDING_SCHEMA.empty_table(), marker
    )
    (back,) = store.markers()
    assert _same(back, json.loads(json.dumps(marker, default=str)))
    assert store.done_shards() == {marker["shard_id"]}
