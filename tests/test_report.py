"""clearance report: one model, three renderings; golden JSON on the example corpus; the HTML
page opens offline and renders in Debian's chromium."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.exporters.render import render
from clearance.exporters.report_model import NOT_LEGAL_ADVICE, build_report
from exporters_fixtures import GOLDEN, example_run, normalise
from helpers import EXAMPLES


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_run(tmp_path_factory.mktemp("report"))


def test_report_json_matches_golden(run: Path) -> None:
    got = normalise(build_report(run), run, EXAMPLES.parent)
    golden = GOLDEN / "report.golden.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(golden.read_text())


def test_report_counts_agree_with_decisions(run: Path) -> None:
    r = build_report(run)
    assert sum(r["overview"]["status"].values()) == r["overview"]["items"] == 39
    assert sum(s["items"] for s in r["sources"]) == 39
    blocked = {e["rule_id"]: e for e in r["top_reasons"]["blocked"]}
    assert blocked["non-commercial"]["examples"] == ["essays:field-notes-cc-by-nc.txt"]
    assert any("CC BY-NC 4.0" in ref for ref in r["legal_references"])
    assert r["provenance"]["decisions_sha256"] and r["provenance"]["detectors"]


def test_three_renderings_carry_the_same_content(run: Path) -> None:
    r = build_report(run)
    md, html = render(r, "md"), render(r, "html")
    assert json.loads(render(r, "json")) == r
    for text in (md, html):
        assert "Not legal advice" in text
        for rule in r["rules"]:
            assert rule["rule_id"] in text
        for source in r["sources"]:
            assert source["name"] in text
        assert r["provenance"]["decisions_sha256"] in text
    assert NOT_LEGAL_ADVICE in md


def test_html_is_self_contained(run: Path) -> None:
    html = render(build_report(run), "html")
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") == 3  # no personal data in the demo: that chart says so in words
    for table in ("sources", "top-blocked", "top-review", "evidence", "rules", "provenance"):
        assert f'id="{table}"' in html


def test_personal_data_values_never_shown(tmp_path: Path) -> None:
    """pii findings count by type; their evidence never reaches the report."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from clearance.runs.store import FINDING_SCHEMA

    run = example_run(tmp_path)
    row = {f.name: None for f in FINDING_SCHEMA}
    row.update(
        item_id="posts:posts.jsonl#L8", detector="pii", detector_version="1", kind="pii",
        value="email", confidence=0.9, evidence="write to s****@example.com", rule="pii/email",
    )  # fmt: skip
    pq.write_table(
        pa.Table.from_pylist([row], FINDING_SCHEMA), run / "findings.parquet" / "run-pii.parquet"
    )
    r = build_report(run)
    assert {"kind": "pii", "type": "email", "findings": 1} in r["personal_data"]
    for fmt in ("json", "md", "html"):
        assert "s****@example.com" not in render(r, fmt)
    assert render(r, "html").count("<svg") == 4


def test_cli_report_writes_each_format(run: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    for fmt in ("html", "md", "json"):
        out = tmp_path / f"r.{fmt}"
        result = cli.invoke(app, ["report", str(run), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "Not legal advice" in out.read_text()
    bad = cli.invoke(app, ["report", str(run), "--format", "pdf"])
    assert bad.exit_code != 0


def test_html_renders_in_chromium(run: Path, tmp_path: Path) -> None:
    """A real browser draws the page offline (.ci/run installs Debian's chromium)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is needed for this test: apt-get install -y chromium"
    page = tmp_path / "report.html"
    page.write_text(render(build_report(run), "html"))
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a drawn page, not a blank one (a blank 1280x2000 is ~10 KB)
