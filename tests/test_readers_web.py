from __future__ import annotations

import gzip
import json
from pathlib import Path

import fsspec

from clearance.runs import open_run
from helpers import EXAMPLES, problems, read_source, run_scan


def test_warc_response_records_become_items_with_http_headers() -> None:
    reads = read_source(EXAMPLES / "crawl.warc.gz", fmt="warc")
    uris = [r.item.uri for r in reads]
    assert uris == [
        "https://example.org/robots.txt",
        "https://example.org/",
        "https://example.org/articles/tide-pools",
        "https://example.org/gallery/",
        "https://example.com/recipes/lentil-soup",
        "https://example.com/reports/annual-2024",
    ]
    assert problems(reads) == {}
    by_uri = {r.item.uri: r.item for r in reads}
    recipe = by_uri["https://example.com/recipes/lentil-soup"]
    headers = {k.lower(): v for k, v in recipe.meta["http_headers"]}
    assert headers["x-robots-tag"] == "noai"
    assert recipe.meta["http_status"] == "200"
    assert recipe.media_type == "text/html"
    assert recipe.item_id.startswith("src:crawl.warc.gz#urn:uuid:")
    assert b"<html" in recipe.data.lower()
    assert by_uri["https://example.org/robots.txt"].media_type == "text/plain"


def test_truncated_warc_keeps_earlier_records_and_reports_the_file(tmp_path: Path) -> None:
    blob = (EXAMPLES / "crawl.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(blob[: len(blob) - 300])
    reads = read_source(tmp_path / "cut.warc.gz")
    found = problems(reads)
    assert found == {"src:cut.warc.gz": ["corrupt-file"]}
    assert 1 <= len(reads) - 1 <= 6


def test_garbage_warc_is_one_error_item(tmp_path: Path) -> None:
    (tmp_path / "junk.warc.gz").write_bytes(gzip.compress(b"not a warc at all\r\n\r\n"))
    assert problems(read_source(tmp_path / "junk.warc.gz")) == {
        "src:junk.warc.gz": ["corrupt-file"]
    }


def test_hf_folder_attaches_card_fields_and_reads_data_files_as_records() -> None:
    reads = read_source(EXAMPLES / "hf-dataset")
    ids = [r.item.item_id for r in reads]
    assert "src:README.md" in ids
    records = [r.item for r in reads if r.item.item_id.startswith("src:data/train.jsonl#L")]
    assert len(records) == 5
    card = records[0].meta["hf_card"]
    assert card["license"] == "cc-by-sa-4.0"
    assert problems(reads) == {}


def test_fsspec_memory_url_is_scanned_like_a_local_folder(tmp_path: Path) -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe("/corpus/a.py", b"# SPDX-License-Identifier: MIT\n")
    fs.pipe("/corpus/sub/b.jsonl", (json.dumps({"text": "one"}) + "\n").encode())
    try:
        summary = run_scan(["memory://corpus"], tmp_path / "run")
    finally:
        fs.rm("/corpus", recursive=True)
    assert summary.items == 2
    items = open_run(tmp_path / "run").items().to_pylist()
    assert {i["item_id"] for i in items} == {"corpus:a.py", "corpus:sub/b.jsonl#L1"}
    findings = open_run(tmp_path / "run").findings(kind="license").to_pylist()
    assert [(f["item_id"], f["value"]) for f in findings] == [("corpus:a.py", "MIT")]


def test_warc_record_cut_short_is_flagged_not_passed_as_complete(tmp_path: Path) -> None:
    raw = gzip.decompress((EXAMPLES / "crawl.warc.gz").read_bytes())
    (tmp_path / "cut.warc").write_bytes(raw[:-300])
    reads = read_source(tmp_path / "cut.warc")
    found = problems(reads)
    assert list(found.values()) == [["truncated-record"]]
    assert reads[-1].item.uri == "https://example.com/reports/annual-2024"
