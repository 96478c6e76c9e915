"""`clearance terms`: formats, purposes, unreadable files reported, usage errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clearance.cli import app
from terms_samples import GERMAN_TERMS, scanned_pdf

AGREEMENTS = Path(__file__).resolve().parent / "data" / "terms" / "agreements"
VENDOR = str(AGREEMENTS / "restrictive-vendor.md")
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["terms", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_json_has_categories_evidence_missing_and_assessment() -> None:
    code, out = invoke(VENDOR, "--purpose", "commercial-training", "--format", "json")
    assert code == 0, out
    (doc,) = json.loads(out)
    prohibition = doc["categories"]["prohibition/ai-training"]
    assert prohibition["present"] and prohibition["polarities"] == ["prohibits"]
    evidence = prohibition["evidence"][0]
    assert evidence["section"] == "2.1(a)" and "train, fine-tune" in evidence["quote"]
    assert doc["categories"]["grant/research-only"]["present"] is False
    assert doc["verdict"] == "conflict"
    assert {"target": "prohibition/ai-training", "verdict": "conflict"}.items() <= (
        doc["assessment"][0].items()
    )
    assert "Not legal advice" in doc["disclaimer"]


def test_markdown_and_table() -> None:
    code, md = invoke(VENDOR, "--format", "md")
    assert code == 0
    assert "| prohibition/ai-training | yes | prohibits |" in md
    assert "§ 2.1(a)" in md and "Not legal advice" in md
    code, table = invoke(VENDOR, "--purpose", "open-weights-release")
    assert code == 0
    assert "prohibition/ai-training" in table and "conflict" in table
    assert "Not legal advice" in table


def test_unreadable_and_foreign_files_are_reported_with_exit_0(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    german = tmp_path / "agb.txt"
    german.write_text(GERMAN_TERMS, encoding="utf-8")
    code, out = invoke(str(scan), str(german), "--format", "json")
    assert code == 0, out
    docs = {Path(d["file"]).name: d for d in json.loads(out)}
    assert docs["scan.pdf"]["status"] == "error" and "OCR" in docs["scan.pdf"]["error"]
    assert docs["agb.txt"]["status"] == "unsupported-language"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke(VENDOR, "--purpose", "nope")[0] == 2
    assert invoke(VENDOR, "--format", "xml")[0] == 2
    code, out = invoke(str(tmp_path / "missing.pdf"))
    assert code == 2 and "no such file" in out
