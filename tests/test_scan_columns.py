"""The scan's column path (``fill_shard``) against the item-by-item readers (``read_shard``).

The scan fills items.parquet's columns without building an ``Item`` per record; guard, exports
and review still read items one by one. Both must give the same rows and the same problems.
"""

from __future__ import annotations

import gzip
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearance.detectors.base import Detector
from clearance.executors.batch import ScanConfig, scan_shard
from clearance.model.finding import Finding
from clearance.model.item import Item
from clearance.readers import ItemColumns, ReadLimits, ShardSpec, fill_shard, read_shard
from clearance.readers.columns import meta_json
from clearance.readers.plan import plan_sources
from clearance.runs.store import RunStore, open_run
from clearance.sources.manifest import Source
from helpers import EXAMPLES, run_scan


def _hostile_records(root: Path) -> Path:
    """Record files with every kind of bad record a reader must survive."""
    root.mkdir()
    lines = [
        b'{"text": "first", "id": 1, "nested": {"a": [1, 2.5, null]}}',
        b"not json at all",
        b"[1, 2, 3]",
        b'{"text": 42, "id": 2}',
        b'{"id": "no text field"}',
        b'{"text": "caf\xe9 is not UTF-8", "id": 3}',
        b"",
        b"   ",
        b'{"text": "' + b"y" * 3000 + b'"}',  # over the 2,000-byte limit used below
        b'{"text": "after the long line", "lang": "\xc3\xa9"}',
        b'{"text": "\\u00e9 escaped and \\n newline", "score": 0.25, "ok": true}',
    ]
    body = b"\n".join(lines) + b"\n"
    (root / "a.jsonl").write_bytes(body)
    (root / "b.jsonl.gz").write_bytes(gzip.compress(body))
    # a file over the shard size: split into byte ranges at newlines
    (root / "big.jsonl").write_text(
        "".join(json.dumps({"text": f"record {n} " * 20, "n": n}) + "\n" for n in range(400))
    )
    (root / "t.csv").write_bytes(
        b'id,text,extra\n1,hello,x\n2,"multi\nline",y\n3,short\n4,caf\xe9,z\n\n5,last,w\n'
    )
    table = pa.table(
        {
            "text": ["Copyright 2020 Jane Doe", None, "third"],
            "n": [1, 2, 3],
            "blob": [b"utf-8 ok", b"also ok", None],
        }
    )
    pq.write_table(table, root / "p.parquet")
    (root / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file")
    return root


def _hostile_files(root: Path) -> Path:
    """Loose files, archives and crawls with the problems the files and WARC fillers report."""
    import io
    import zipfile

    root.mkdir()
    (root / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (root / "utf16.txt").write_bytes("h\xe9llo".encode("utf-16"))
    (root / "cut.md").write_bytes("r\xe9sum\xe9 ".encode() * 10 + "\xe9".encode()[:1])
    (root / "ok.py").write_bytes("print('\xe9t\xe9')\n".encode())
    (root / "empty.txt").write_bytes(b"")
    (root / "big.txt").write_bytes("\xe9".encode() * 1500)  # over the 2,000-byte limit
    (root / "blob.bin").write_bytes(bytes(range(256)) * 4)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("inner/good.txt", "z\xe9ro".encode())
        archive.writestr("inner/bad.txt", b"\xff\xfe\xfd not utf-8")
        archive.writestr("../escape.txt", b"traversal")
    (root / "bundle.zip").write_bytes(out.getvalue())
    (root / "broken.zip").write_bytes(out.getvalue()[:60])
    crawl = gzip.decompress((EXAMPLES / "crawl.warc.gz").read_bytes())
    (root / "cut.warc").write_bytes(crawl[:-300])
    (root / "junk.warc.gz").write_bytes(gzip.compress(b"not a warc at all\r\n\r\n"))
    return root


def _shards(path: Path) -> list[ShardSpec]:
    source = Source(name="src", path=str(path))
    return plan_sources([source], target_bytes=16 * 1024)


def _rows_by_reads(
    spec: ShardSpec, limits: ReadLimits
) -> tuple[list[tuple[object, ...]], list[tuple[str, str, str]]]:
    rows: list[tuple[object, ...]] = []
    problems: list[tuple[str, str, str]] = []
    for read in read_shard(spec, limits):
        item = read.item
        meta = meta_json(item.meta)
        rows.append(
            (item.item_id, item.source, item.uri, item.media_type, item.sha256, item.size, meta)
        )
        problems += [(item.item_id, rule, message) for rule, message in read.problems]
        if item.is_text and item.loader is not None and item.decoded.problem:
            problems.append((item.item_id, "decode", item.decoded.problem))
    return rows, problems


@pytest.mark.parametrize("wanted", [False, True])
def test_columns_hold_the_same_rows_and_problems_as_item_by_item_reads(
    tmp_path: Path, wanted: bool
) -> None:
    limits = ReadLimits(max_item_bytes=2000)
    specs = _shards(_hostile_records(tmp_path / "records")) + _shards(EXAMPLES)
    specs += _shards(_hostile_files(tmp_path / "files"))
    assert {s.format for s in specs} >= {"jsonl", "csv", "parquet", "files", "warc"}
    assert any(s.byte_range for s in specs)  # the big file was split
    for spec in specs:
        expected_rows, expected_problems = _rows_by_reads(spec, limits)
        columns = ItemColumns(spec)
        handed = [i for i in fill_shard(spec, limits, lambda _: wanted, columns) if i is not None]
        assert list(zip(*columns.columns(), strict=True)) == expected_rows, spec
        found = [(f.item_id, f.value, f.evidence) for f in columns.findings]
        assert found == expected_problems, spec
        assert columns.bytes == sum(int(str(row[5])) for row in expected_rows)
        if wanted:  # every readable item is handed to the detectors, content intact
            reads = {r.item.item_id: r.item for r in read_shard(spec, limits)}
            assert [i.item_id for i in handed] == [
                i for i, item in reads.items() if item.loader is not None
            ]
            for item in handed:
                assert item.sha256 == reads[item.item_id].sha256
                assert item.data == reads[item.item_id].data
        else:
            assert handed == []


def test_bytes_that_are_not_utf8_in_record_fields_do_not_stop_the_scan(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "r.jsonl").write_bytes(b'{"text": "fine", "author": "Jos\xe9"}\n{"text": "next"}\n')
    pq.write_table(pa.table({"text": ["t"], "blob": [b"\xff\xfe raw"]}), data / "p.parquet")
    summary = run_scan([str(data)], tmp_path / "run", detectors=())
    assert summary.items == 3
    store = open_run(tmp_path / "run")
    items = {r["item_id"]: r for r in store.items().to_pylist()}
    assert json.loads(items["data:r.jsonl#L1"]["meta"]) == {"author": "Jos\udce9"}
    assert json.loads(items["data:p.parquet#row=0"]["meta"])["blob"].endswith(" raw")
    errors = {(r["item_id"], r["rule"]) for r in store.findings(kind="error").to_pylist()}
    assert errors == {("data:r.jsonl#L1", "decode"), ("data:p.parquet#row=0", "decode")}


@pytest.mark.parametrize(
    "meta",
    [
        {},
        {"id": 1, "url": "https://example.org/é", "score": 0.1, "ok": True, "none": None},
        {"nested": {"list": [1, 2.5, {"x": "y"}]}, "nan": float("nan"), "big": 10**30},
        {"bytes": b"\x00raw", "tuple": (1, 2), "quote": 'say "hi"\n\t\u2028'},
    ],
)
def test_meta_json_is_the_json_dumps_text(meta: dict[str, object]) -> None:
    expected = json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)
    assert meta_json(meta) == expected


class _Sleepy(Detector):
    name = "test-sleepy"
    version = "0"
    media_types = ("text/*",)
    time_budget_s = 0.05

    def detect(self, item: Item) -> Iterator[Finding]:
        if "slow" in item.text:
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline:
                pass
        yield self.finding(item, kind="test", value="seen", confidence=1.0, rule="seen")


def test_one_budget_clock_per_shard_times_out_the_slow_item_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.detectors import base

    monkeypatch.setitem(base._REGISTRY, _Sleepy.name, _Sleepy)
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "quick"}\n{"text": "slow one"}\n{"text": "quick again"}\n')
    (spec,) = _shards(path)
    store = RunStore(tmp_path / "run")
    store.prepare(resume=False, force=False)
    started = time.perf_counter()
    result = scan_shard(spec, ScanConfig(run_dir=store.location, detectors=(_Sleepy.name,)))
    assert time.perf_counter() - started < 3
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the clock is stopped after
    rows = store.shard_findings(spec.shard_id).to_pylist()
    assert [(r["item_id"].rsplit("#", 1)[1], r["rule"]) for r in rows] == [
        ("L1", "seen"),
        ("L2", "timeout"),
        ("L3", "seen"),
    ]
    assert result.errors == 1


def test_a_stop_request_ends_the_scan_at_the_next_shard_even_if_the_interrupt_was_lost(
    tmp_path: Path,
) -> None:
    """The Ctrl-C handler also sets STOP_REQUESTED: a KeyboardInterrupt swallowed inside a
    ``__del__`` must not let the scan run to the end."""
    from clearance.executors.local import run_local
    from clearance.interrupt import STOP_REQUESTED

    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(5):
        (folder / f"f{i}.txt").write_text(f"file {i}\n" * 50)
    shards = plan_sources([Source(name="s", path=str(folder))], target_bytes=1)
    assert len(shards) == 5
    store = RunStore(tmp_path / "run")
    store.prepare(resume=False, force=False)
    done: list[str] = []

    def on_done(result: object) -> None:
        done.append(str(result))
        if len(done) == 2:
            STOP_REQUESTED.set()  # as the signal handler does; its exception "was lost"

    try:
        with pytest.raises(KeyboardInterrupt):
            run_local(
                shards,
                ScanConfig(run_dir=store.location, detectors=()),
                workers=1,
                on_progress=lambda items, size: None,
                on_done=on_done,
            )
    finally:
        STOP_REQUESTED.clear()
    assert len(done) == 2
    assert len(store.done_shards()) == 2


def test_shard_spec_json_is_asdict_written_out() -> None:
    """``shard_id`` hashes ``to_json``: a field it forgot would make ``--resume`` reuse a shard
    scanned under other settings."""
    from dataclasses import asdict

    from clearance.readers.base import FileRef

    spec = ShardSpec(
        source="s",
        format="jsonl",
        root="/data",
        files=(FileRef("/data/a.jsonl", 10, 1.5), FileRef("/data/b.jsonl", 20, 2.5)),
        text_field="body",
        byte_range=(0, 10),
        first_line=3,
        meta={"split": {"name": "train"}},
    )
    assert spec.to_json() == asdict(spec)
    assert ShardSpec.from_json(spec.to_json()).shard_id == spec.shard_id
