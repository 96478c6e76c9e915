from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.readers import ReadLimits
from helpers import EXAMPLES, problems, read_source


def _jsonl(path: Path, records: list[object]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_jsonl_one_item_per_record_with_meta_and_line_locators() -> None:
    reads = read_source(EXAMPLES / "posts.jsonl", fmt="jsonl")
    assert len(reads) == 13
    first = reads[0].item
    assert first.item_id == "src:posts.jsonl#L1"
    assert first.media_type == "text/plain" and first.text
    assert {"id", "url", "license", "lang"} <= set(first.meta) and "text" not in first.meta
    assert problems(reads) == {"src:posts.jsonl#L7": ["malformed-record"]}
    broken = next(r for r in reads if r.item.item_id.endswith("#L7"))
    assert broken.item.data.startswith(b'{"id"')  # the raw line is kept, nothing lost


def test_jsonl_configurable_text_field_and_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(
        b'{"content": "kept", "n": 1}\n'
        b'{"text": "wrong field"}\n'
        b"[1, 2]\n"
        b'{"content": 42}\n'
        b"\n"
        b'{"content": "caf\xe9"}\n'
    )
    reads = read_source(path, fmt="jsonl", text_field="content")
    assert reads[0].item.text == "kept" and reads[0].item.meta == {"n": 1}
    assert problems(reads) == {
        "src:d.jsonl#L2": ["missing-text-field"],
        "src:d.jsonl#L3": ["malformed-record"],
        "src:d.jsonl#L4": ["bad-text-field"],
        "src:d.jsonl#L6": ["decode"],
    }
    assert reads[-1].item.text == "caf\ufffd"


def test_jsonl_huge_line_is_an_error_and_following_lines_still_read(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "after"}) + "\n")
    reads = read_source(path, fmt="jsonl", limits=ReadLimits(max_item_bytes=1000))
    assert problems(reads) == {"src:d.jsonl#L1": ["oversize"]}
    assert reads[1].item.item_id == "src:d.jsonl#L2" and reads[1].item.text == "after"


def test_compressed_jsonl_and_truncated_gzip(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": f"record {i} " * 50}) + "\n" for i in range(200))
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "b.jsonl.bz2").write_bytes(bz2.compress(lines.encode()))
    reads = read_source(tmp_path)
    assert len(reads) == 400 and problems(reads) == {}
    blob = gzip.compress(lines.encode())
    (tmp_path / "a.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    reads = read_source(tmp_path / "a.jsonl.gz")
    found = problems(reads)
    assert found == {"src:a.jsonl.gz": ["corrupt-file"]}
    assert 0 < len(reads) - 1 < 200  # the records before the cut are kept


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60),
        min_size=1,
        max_size=40,
    ),
    target=st.integers(min_value=1, max_value=400),
)
def test_byte_range_shards_read_exactly_the_records_of_the_whole_file(
    tmp_path_factory: object, texts: list[str], target: int
) -> None:
    folder = tmp_path_factory.mktemp("split")  # type: ignore[attr-defined]
    path = folder / "d.jsonl"
    _jsonl(path, [{"text": t} for t in texts])
    whole = read_source(path, fmt="jsonl")
    split = read_source(path, fmt="jsonl", target_bytes=target)
    assert [(r.item.item_id, r.item.text) for r in split] == [
        (r.item.item_id, r.item.text) for r in whole
    ]
    assert [r.item.item_id for r in whole] == [
        f"src:d.jsonl#L{i}" for i in range(1, len(texts) + 1)
    ]


def test_csv_rows_are_items_and_ragged_rows_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b'id,text,lang\n1,hello,en\n2,"multi\nline",en\n3,short\n4,caf\xe9,fr\n')
    reads = read_source(path)
    assert [r.item.item_id for r in reads] == [
        "src:t.csv#L2",
        "src:t.csv#L3",
        "src:t.csv#L5",
        "src:t.csv#L6",
    ]
    assert reads[1].item.text == "multi\nline" and reads[0].item.meta == {"id": "1", "lang": "en"}
    assert problems(reads) == {"src:t.csv#L5": ["malformed-record"], "src:t.csv#L6": ["decode"]}


def test_parquet_rows_are_items_and_corrupt_file_is_reported(tmp_path: Path) -> None:
    table = pa.table({"text": ["a", "b", None], "score": [0.1, 0.2, 0.3]})
    pq.write_table(table, tmp_path / "d.parquet")
    reads = read_source(tmp_path / "d.parquet")
    assert [r.item.item_id for r in reads] == [f"src:d.parquet#row={i}" for i in range(3)]
    assert reads[1].item.meta == {"score": 0.2}
    assert problems(reads) == {"src:d.parquet#row=2": ["missing-text-field"]}
    blob = (tmp_path / "d.parquet").read_bytes()
    (tmp_path / "d.parquet").write_bytes(blob[:40] + b"\x00" * 50 + blob[90:])
    assert problems(read_source(tmp_path / "d.parquet")) == {"src:d.parquet": ["corrupt-file"]}


class _ReadOnly:
    """A stream with ``read`` but no ``readinto``, as some fsspec files are."""

    def __init__(self, data: bytes):
        self._data, self._at = data, 0

    def read(self, size: int) -> bytes:
        chunk = self._data[self._at : self._at + size]
        self._at += len(chunk)
        return chunk


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b"\n")),
    size=st.integers(min_value=0, max_value=400),
    block=st.integers(min_value=1, max_value=64),
)
def test_newlines_counted_block_by_block_as_bytes_count_counts_them(
    data: bytes, size: int, block: int
) -> None:
    """Planning counts the lines before each range of a large JSONL file: the count must be
    exact across buffer edges, for a stream that ends first, with or without readinto."""
    import io

    import clearance.readers.jsonl as jsonl

    saved = jsonl._COUNT_BLOCK
    jsonl._COUNT_BLOCK = block
    try:
        expected = data[:size].count(b"\n")
        assert jsonl.count_newlines(io.BytesIO(data), size) == expected
        assert jsonl.count_newlines(_ReadOnly(data), size) == expected  # type: ignore[arg-type]
    finally:
        jsonl._COUNT_BLOCK = saved
