"""One-time set-up is not charged to an item's time budget: spdx-tag and cc-url consult the
license-text index (built on first use, tens of seconds on a new machine, then cached), so
they load it when configured, before the first item."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from clearance.detectors.license.cc_url import CreativeCommonsUrlDetector
from clearance.detectors.license.spdx_tag import SpdxTagDetector
from clearance.detectors.license.textmatch import index as license_index
from clearance.runs.store import open_run
from clearance.scan import ScanOptions, scan


def test_a_cold_index_build_is_not_an_item_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = license_index.load, []

    def cold_load() -> license_index.LicenseIndex:  # a first build: longer than the budget
        if not calls:
            time.sleep(0.6)
        calls.append(1)
        return real()

    monkeypatch.setattr(license_index, "load", cold_load)
    for detector in (SpdxTagDetector, CreativeCommonsUrlDetector):
        monkeypatch.setattr(detector, "time_budget_s", 0.3)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("# SPDX-License-Identifier: MIT\nprint('hello')\n")
    (tree / "b.md").write_text(
        "Photos licensed under https://creativecommons.org/licenses/by/4.0/\n"
    )
    scan([str(tree)], tmp_path / "run", ScanOptions(workers=1, detectors=("spdx-tag", "cc-url")))
    findings = open_run(tmp_path / "run").findings(columns=["kind", "value", "rule"]).to_pylist()
    assert [f for f in findings if f["kind"] == "error"] == []
    assert {(f["value"], f["rule"]) for f in findings} >= {
        ("MIT", "spdx-tag"),
        ("CC-BY-4.0", "cc-url/mention"),
    }
    assert calls  # the index was consulted
