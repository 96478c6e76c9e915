"""The IP dossier on the example run: golden Markdown (dates and temp paths normalised), the
public variant without confidential sections, HTML and a PDF printed by Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from clearance.provenance.dossier import build_dossier
from clearance.provenance.render import render_html, render_md, render_pdf
from helpers import EXAMPLES, FOUNDATION
from provenance_helpers import make_export
from test_cli import cli

GOLDEN = Path(__file__).parent / "data" / "provenance" / "dossier.golden.md"
#: a fixed detector list, so a new detector does not move the golden file
DETECTORS = (*FOUNDATION, "dataset-card", "noai", "robots-txt", "source-audit", "tdmrep")
CONFIDENTIAL = (
    "Data inventory by source",
    "Counsel decisions",
    "Open review items",
    "Confidentiality",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dossier")
    shutil.copytree(EXAMPLES, root / "examples")
    out = root / "runs" / "demo"
    result = cli(
        "scan",
        str(root / "examples" / "clearance.yaml"),
        "--out",
        str(out),
        "--workers",
        "1",
        "--detectors",
        ",".join(DETECTORS),
        "--purpose",
        "commercial-training",
    )
    assert result.returncode == 0, result.stderr
    (root / "export").mkdir()
    make_export(out, root / "export")
    return out


def normalise(text: str, root: Path) -> str:
    text = text.replace(str(root), "<root>")
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", "<date>", text)
    return re.sub(r"(Run fingerprint\*\*: )[0-9a-f]+", r"\1<fingerprint>", text)


def test_dossier_matches_the_golden_file(run: Path) -> None:
    text = normalise(render_md(build_dossier(run)), run.parent.parent)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_dossier_sections_say_what_the_run_shows(run: Path) -> None:
    text = render_md(build_dossier(run, run.parent.parent / "export"))
    for title in (
        "Data inventory by kind",
        "Licenses and their obligations",
        "Opt-outs honoured",
        "Personal data handling",
        "Fair-use / exception reliance worksheet",
        "Recommended model license terms",
        "Regulatory checklist",
        *CONFIDENTIAL,
    ):
        assert f"## {title}" in text
    assert "Cleared-data Merkle root" in text
    assert "robots:GPTBot" in text  # the opt-out the crawl declares
    assert "not triggered: no biometric findings" in text
    assert "Art. 53(1)(c)" in text and "unverified" in text
    assert "| share-alike | CC-BY-SA-4.0:" in text


def test_public_variant_omits_confidential_sections(run: Path) -> None:
    text = render_md(build_dossier(run, public=True))
    assert "(public, redacted)" in text
    for title in CONFIDENTIAL:
        assert f"## {title}" not in text
    for secret in ("hf-card-dataset", "posts.jsonl", "examples/", "crawl.warc.gz"):
        assert secret not in text
    assert "## Data inventory by kind" in text and "## Regulatory checklist" in text


def test_html_escapes_and_cli_writes_md(run: Path, tmp_path: Path) -> None:
    page = render_html(build_dossier(run))
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "[confidential]" in page
    out = tmp_path / "d.md"
    result = cli("dossier", str(run), "--format", "md", "--public", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "(public, redacted)" in out.read_text()


def test_pdf_is_printed_by_chromium(run: Path, tmp_path: Path) -> None:
    pdf = render_pdf(build_dossier(run), tmp_path / "dossier.pdf")
    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) >= 2
    assert "IP dossier" in text and "Regulatory checklist" in text


def test_counsel_override_and_reliance_reach_the_dossier_and_the_digest(
    run: Path, tmp_path: Path
) -> None:
    from clearance.provenance.record import decisions_digest

    copy = tmp_path / "runs" / "demo"
    shutil.copytree(run, copy)
    before = decisions_digest(copy)
    result = cli(
        "override",
        str(copy),
        "code:retry.go",
        "--status",
        "cleared",
        "--by",
        "B. Lawyer",
        "--reason",
        "author confirmed MIT in writing",
        "--purpose",
        "commercial-training",
    )
    assert result.returncode == 0, result.stderr
    decided = cli(
        "decide", str(copy), "--purpose", "commercial-training", "--rely-on", "us-fair-use"
    )
    assert decided.returncode == 0, decided.stderr
    after = decisions_digest(copy)
    assert after["sha256"] != before["sha256"]
    assert after["overrides"] == 1 and after["ledger_head"]["entry"] == 1
    text = render_md(build_dossier(copy))
    counsel = text.split("## Counsel decisions and overrides")[1].split("\n## ")[0]
    assert "1 decision(s) in this run carry counsel's override" in counsel
    assert "chain verified" in counsel
    assert "| 1 |" in counsel and "B. Lawyer" in counsel and "code:retry.go" in counsel
    worksheet = text.split("## Fair-use / exception reliance worksheet")[1].split("\n## ")[0]
    assert "us-fair-use" in worksheet and "not recorded" in worksheet
    public = render_md(build_dossier(copy, public=True))
    assert "B. Lawyer" not in public and "code:retry.go" not in public
