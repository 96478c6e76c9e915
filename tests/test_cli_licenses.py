"""`clearance licenses`: the table, one expression with its evidence, JSON, bad input."""

from __future__ import annotations

import json
import subprocess
import sys


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearance", "licenses", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": ""},
    )


def test_no_argument_lists_the_curated_licenses() -> None:
    result = cli()
    assert result.returncode == 0, result.stderr
    for key in ("CC-BY-NC-SA-4.0", "GPL-3.0-only", "LicenseRef-llama3.1", "CC0-1.0"):
        assert key in result.stdout
    assert "700,000,000" in result.stdout  # the Llama MAU limit


def test_expression_shows_terms_and_quoted_evidence() -> None:
    result = cli("CC-BY-NC-4.0 OR MIT")
    assert result.returncode == 0, result.stderr
    assert "relied on: MIT" in result.stdout
    assert "The above copyright notice and this permission notice shall be included" in (
        " ".join(result.stdout.split())
    )
    assert "https://spdx.org/licenses/MIT.html" in result.stdout


def test_key_shows_unverified_and_derived_honestly() -> None:
    result = cli("Beerware")
    assert result.returncode == 0
    assert "derived" in result.stdout
    assert "unverified" in result.stdout


def test_json_carries_evidence() -> None:
    result = cli("GPL-2.0-or-later WITH Classpath-exception-2.0", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["expression"] == "GPL-2.0-or-later WITH Classpath-exception-2.0"
    assert data["exceptions"][0]["key"] == "Classpath-exception-2.0"
    assert data["share_alike"] == "file"
    record = data["licenses"][0]
    assert record["key"] == "GPL-2.0-or-later"
    assert record["evidence"]["share_alike"][0]["quote"]
    assert record["evidence"]["share_alike"][0]["source"].startswith("https://")


def test_json_listing_is_every_curated_record() -> None:
    result = cli("--json")
    data = json.loads(result.stdout)
    assert len(data) >= 150
    assert all(r["confidence"] == "curated" for r in data)


def test_unparseable_expression_exits_2_with_a_message() -> None:
    result = cli("MIT AND (")
    assert result.returncode == 2
    assert "cannot parse license expression" in result.stderr
    assert result.stdout == ""
