"""clearance summary --eu-ai-act, and the export of Parquet and CSV sources."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from clearance.cli import app
from clearance.exporters.eu_summary import TODO, build_summary, render_summary
from clearance.exporters.export import export_run
from clearance.model.errors import ConfigError
from exporters_fixtures import example_run, scan_and_decide
from helpers import EXAMPLES, read_source, tree_digest


def _crawl_corpus(tmp: Path) -> Path:
    shutil.copy(EXAMPLES / "crawl.warc.gz", tmp / "crawl.warc.gz")
    (tmp / "clearance.yaml").write_text(
        "version: 1\nsources:\n  - name: crawl\n    path: crawl.warc.gz\n"
        "    kind: web-scraped\n    format: warc\n    license: CC-BY-4.0\n"
    )
    return tmp / "clearance.yaml"


def test_summary_sections_and_human_parts(tmp_path: Path) -> None:
    run = example_run(tmp_path)
    summary = build_summary(run)
    assert summary["template"]["published"] == "2025-07-24"
    assert summary["template"]["legal_basis"] == "Regulation (EU) 2024/1689, Art. 53(1)(d)"
    assert set(summary) >= {"general_information", "data_sources", "data_processing"}
    names = {s["name"]: s for s in summary["data_sources"]["sources"]}
    assert names["crawl"]["category"].startswith("2.3")
    assert names["code"]["items_used"] == 5  # cleared items only
    # the one cleared scraped post (MIT, line 5) counts by the host of its `url` field
    top = summary["data_sources"]["top_domains"]
    assert top == [{"domain": "example.com", "items": 1, "bytes": 126, "share": 1.0}]
    text = render_summary(summary, "md")
    for heading in ("## 1. General information", "## 2. List of data sources",
                    "## 3. Relevant data processing aspects", "TDM opt-outs"):  # fmt: skip
        assert heading in text
    assert text.count(TODO) >= 5
    assert json.loads(render_summary(summary, "json")) == summary


def test_summary_top_domains_by_share(tmp_path: Path) -> None:
    run = scan_and_decide(_crawl_corpus(tmp_path), tmp_path / "run", "research-only")
    domains = build_summary(run)["data_sources"]["top_domains"]
    assert domains, "cleared crawl pages give domains"
    assert {d["domain"] for d in domains} <= {"example.org", "example.com"}
    assert abs(sum(d["share"] for d in domains) - 1.0) < 1e-3
    assert domains == sorted(domains, key=lambda d: -d["bytes"])


def test_summary_reports_optouts_and_their_decisions(tmp_path: Path) -> None:
    from clearance.runs.store import FINDING_SCHEMA
    from exporters_fixtures import example_run as _run

    run = _run(tmp_path)
    row = {f.name: None for f in FINDING_SCHEMA}
    row.update(
        item_id="crawl:crawl.warc.gz#urn:uuid:c611dcf7-6ece-5f51-b150-626aedf61db1",
        detector="optout", detector_version="1", kind="optout", value="robots:GPTBot",
        confidence=1.0, evidence="Disallow: /", rule="robots/disallow",
    )  # fmt: skip
    pq.write_table(
        pa.Table.from_pylist([row], FINDING_SCHEMA), run / "findings.parquet" / "run-opt.parquet"
    )
    optouts = build_summary(run)["data_processing"]["tdm_opt_outs"]
    assert optouts["items_with_signal"] == 1
    assert optouts["signals"] == {"robots/disallow": 1}
    assert optouts["decisions_of_those_items"] == {"review": 1}
    assert optouts["honoured"] is True


def test_cli_summary(tmp_path: Path) -> None:
    run = example_run(tmp_path)
    cli = CliRunner()
    result = cli.invoke(app, ["summary", str(run), "--eu-ai-act", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["draft"] is True
    bad = cli.invoke(app, ["summary", str(run)])  # main() maps ConfigError to exit 2
    assert isinstance(bad.exception, ConfigError) and "--eu-ai-act" in str(bad.exception)


def _records_corpus(tmp: Path) -> Path:
    corpus = tmp / "records"
    corpus.mkdir()
    table = pa.table(
        {
            "id": list(range(5)),
            "text": [
                f"row {i}" if i != 3 else "SPDX-License-Identifier: GPL-3.0-only" for i in range(5)
            ],
            "lang": ["en"] * 5,
        }
    )
    pq.write_table(table, corpus / "rows.parquet")
    with open(corpus / "rows.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "note"])
        writer.writerows([[1, "plain, with comma", "a"], [2, 'multi\nline "quoted"', "b"]])
    (corpus / "clearance.yaml").write_text(
        "version: 1\nsources:\n"
        "  - name: table\n    path: rows.parquet\n    kind: licensed\n    format: parquet\n"
        "    license: MIT\n"
        "  - name: sheet\n    path: rows.csv\n    kind: licensed\n    format: csv\n"
        "    license: MIT\n"
    )
    return corpus


def test_parquet_and_csv_export_keep_their_format(tmp_path: Path) -> None:
    corpus = _records_corpus(tmp_path)
    before = tree_digest(corpus)
    run = scan_and_decide(corpus / "clearance.yaml", tmp_path / "run", "commercial-training")
    out = tmp_path / "out"
    summary = export_run(run, out)
    assert tree_digest(corpus) == before
    manifest = [json.loads(x) for x in (out / "MANIFEST.jsonl").read_text().splitlines()]
    ids = {m["item_id"] for m in manifest}
    assert "sheet:rows.csv#L2" in ids and "sheet:rows.csv#L3" in ids
    exported = pq.read_table(out / "data/table/rows.parquet")
    original = pq.read_table(corpus / "rows.parquet")
    assert exported.schema == original.schema
    kept = [i for i in range(5) if f"table:rows.parquet#row={i}" in ids]
    assert exported.to_pylist() == original.take(kept).to_pylist()
    assert summary.items == len(manifest)
    with open(out / "data/sheet/rows.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["id", "text", "note"], ["1", "plain, with comma", "a"],
                    ["2", 'multi\nline "quoted"', "b"]]  # fmt: skip
    reread = read_source(out / "data/sheet/rows.csv", fmt="csv")
    by_sha = {m["exported_sha256"] for m in manifest}
    assert {r.item.sha256 for r in reread} <= by_sha
