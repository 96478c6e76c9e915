from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clearance.runs.store import FINDING_SCHEMA
from clearance.sources import load_manifest
from helpers import FOUNDATION, run_scan


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearance", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={
            "COLUMNS": "200",
            "PATH": os.environ.get("PATH", ""),
            "CLEARANCE_CACHE_DIR": os.environ["CLEARANCE_CACHE_DIR"],
        },
    )


@pytest.fixture
def scanned(examples_copy: Path, tmp_path: Path) -> Path:
    # The foundation's detectors: these counts check the CLI, not later detectors.
    run_scan([str(examples_copy / "clearance.yaml")], tmp_path / "run", detectors=FOUNDATION)
    return tmp_path / "run"


def test_help_teaches_the_flow() -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in ("init", "scan", "show", "findings", "detectors"):
        assert command in result.stdout
    assert "Not legal advice" in result.stdout


def test_init_drafts_a_manifest_that_loads_and_refuses_to_overwrite(
    examples_copy: Path,
) -> None:
    (examples_copy / "clearance.yaml").unlink()
    result = cli("init", str(examples_copy))
    assert result.returncode == 0, result.stderr
    manifest = load_manifest(examples_copy / "clearance.yaml")
    formats = {s.name: (s.format, s.kind.value) for s in manifest.sources}
    assert formats["hf-dataset"] == ("hf", "unknown")
    assert formats["posts"] == ("jsonl", "unknown")
    assert formats["crawl"] == ("warc", "unknown")
    assert formats["code"] == ("auto", "unknown")
    assert formats["sources"] == ("files", "unknown")
    assert formats["make_examples"] == ("files", "unknown")
    again = cli("init", str(examples_copy))
    assert again.returncode == 2 and "--force" in again.stderr


def test_scan_json_summary_and_exit_code_for_item_errors(
    examples_copy: Path, tmp_path: Path
) -> None:
    result = cli(
        "scan",
        str(examples_copy / "clearance.yaml"),
        "--out",
        str(tmp_path / "r"),
        "--json",
        "--fail-on-errors",
    )
    assert result.returncode == 3, result.stderr
    summary = json.loads(result.stdout)
    assert summary["items"] == 39 and summary["errors"] == 2


def test_bad_manifest_exits_2_with_file_and_line(tmp_path: Path) -> None:
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text("version: 1\nsources:\n  - name: a\n    path: .\n    kind: pirated\n")
    result = cli("scan", str(manifest), "--out", str(tmp_path / "r"))
    assert result.returncode == 2
    assert f"{manifest}:5: sources.0.kind" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


def test_show_json_counts(scanned: Path) -> None:
    result = cli("show", str(scanned), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["items"] == 39
    assert summary["by_kind"]["license"] == {"findings": 19, "items": 11}
    assert summary["error_rules"] == {"decode": 1, "malformed-record": 1}
    assert summary["media_types"]["image/png"] == 2
    sources = {s["name"]: s for s in summary["sources"]}
    assert sources["posts"]["items"] == 13 and sources["essays"]["license"] == "CC0-1.0"


def test_show_table_reads_well(scanned: Path) -> None:
    result = cli("show", str(scanned))
    assert result.returncode == 0
    assert "39 items" in result.stdout and "Errors: these items go to review" in result.stdout
    assert "Not legal advice" in result.stdout


def test_findings_jsonl_carries_every_parquet_column(scanned: Path) -> None:
    result = cli("findings", str(scanned), "--kind", "license", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 19
    assert {r["detector"] for r in rows} == {"spdx-tag", "license-text", "cc-url"}
    assert all(list(r) == FINDING_SCHEMA.names for r in rows)
    assert {r["value"] for r in rows} >= {"MIT", "Apache-2.0", "GPL-2.0-or-later"}


def test_findings_csv_and_table(scanned: Path) -> None:
    result = cli("findings", str(scanned), "--format", "csv", "--kind", "error")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["rule"] for r in rows] == ["decode", "malformed-record"]
    table = cli("findings", str(scanned), "--kind", "duplicate")
    assert "wordcount_vendored.py" in table.stdout
    # evidence in brackets is shown as text, not swallowed as Rich markup
    assert "Invalid" in cli("findings", str(scanned), "--kind", "license").stdout


def test_not_a_run_is_a_clear_error(tmp_path: Path) -> None:
    result = cli("show", str(tmp_path))
    assert result.returncode == 1 and "not a clearance run" in result.stderr


def test_detectors_lists_builtins() -> None:
    rows = json.loads(cli("detectors", "--json").stdout)
    assert {r["name"] for r in rows} >= {"spdx-tag", "exact-duplicate", "copyright"}
