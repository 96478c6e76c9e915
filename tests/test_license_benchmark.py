"""The license benchmark's scorer and helpers (benchmarks/license_bench), so the benchmark
cannot silently rot: the benchmark itself is slow and stays out of ``make test``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from license_bench import labelled, ours, scancode_run, scoring


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MIT AND Apache-2.0", "Apache-2.0 AND MIT"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("gpl-2.0+ WITH classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
        ("mit", "MIT"),
        ("MIT AND (Apache-2.0 AND BSD-3-Clause)", "BSD-3-Clause AND MIT AND Apache-2.0"),
        ("MIT OR MIT", "MIT"),
        ("LicenseRef-scancode-Foo AND MIT", "MIT AND licenseref-scancode-foo"),
        ("(MIT OR Apache-2.0) AND Zlib", "Zlib AND (Apache-2.0 OR MIT)"),
        ("", None),
    ],
)
def test_equivalent_expressions_compare_equal(a: str, b: str | None) -> None:
    assert scoring.same_expression(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MIT OR Apache-2.0", "MIT AND Apache-2.0"),
        ("GPL-2.0-only", "GPL-2.0-or-later"),
        ("GPL-2.0", "GPL-2.0+"),
        ("MIT", ""),
        ("BSD-3-Clause", "BSD-2-Clause"),
    ],
)
def test_different_expressions_do_not(a: str, b: str) -> None:
    assert not scoring.same_expression(a, b)


def test_unparseable_expression_compares_as_text_and_never_raises() -> None:
    assert scoring.canonical("MIT AND (") == "mit and ("
    assert scoring.classify("MIT", "MIT AND (") == "wrong"


@pytest.mark.parametrize(
    ("expected", "detected", "outcome"),
    [
        ("MIT", "MIT", "correct"),
        ("", "", "correct"),  # a negative left alone
        ("MIT", "", "miss"),
        ("Apache-2.0 AND MIT", "", "miss"),
        ("MIT", "LicenseRef-scancode-unknown-license-reference", "unknown"),
        ("", "LicenseRef-scancode-other-permissive", "unknown"),
        ("MIT", "Apache-2.0", "wrong"),
        ("", "GPL-2.0-only", "wrong"),  # a license on a negative is confidently wrong
        ("MIT", "MIT AND LicenseRef-scancode-unknown-license-reference", "wrong"),
        ("GPL-2.0-or-later", "GPL-2.0-only", "wrong"),
        ("LicenseRef-scancode-unknown", "LicenseRef-scancode-unknown", "correct"),
    ],
)
def test_classify_separates_wrong_specific_from_miss(
    expected: str, detected: str, outcome: str
) -> None:
    assert scoring.classify(expected, detected) == outcome


def test_score_tallies_overall_per_category_and_specific_labels() -> None:
    records = [
        {"path": "a", "expected": "MIT", "category": "license-text"},
        {"path": "b", "expected": "Apache-2.0", "category": "license-text"},
        {"path": "c", "expected": "", "category": "negative"},
        {"path": "d", "expected": "LicenseRef-scancode-unknown", "category": "rule-generic"},
    ]
    detected = {"a": "mit", "b": "MIT", "c": ""}  # "d" absent: nothing detected
    result = scoring.score(records, detected)
    overall = result["overall"]
    assert (overall["n"], overall["correct"], overall["wrong"], overall["miss"]) == (4, 2, 1, 1)
    assert overall["accuracy"] == 0.5
    assert overall["wrong_specific_rate"] == 0.25
    assert result["categories"]["license-text"]["accuracy"] == 0.5
    assert result["specific_labels"]["n"] == 3  # rule-generic left out
    assert result["outcomes"] == {"a": "correct", "b": "wrong", "c": "correct", "d": "miss"}


def test_holders_normalise_and_agree() -> None:
    assert scoring.normalise_holder("Example, Inc.") == scoring.normalise_holder("example")
    assert scoring.normalise_holder("Sebastián Ramírez") == "sebastian ramirez"
    assert scoring.normalise_holder("The Python Software Foundation.") == (
        "python software foundation"
    )
    ours_ = {"x": ["Jane Doe", "Example Ltd."], "y": ["Someone Else"], "z": []}
    theirs = {"x": ["Example Ltd", "jane doe"], "y": ["Another Person"], "z": []}
    result = scoring.holder_agreement(ours_, theirs, ["x", "y", "z"])
    assert result["files_with_holders"] == 2
    assert result["files_agreeing"] == 1
    assert result["precision"] == result["recall"] == 2 / 3


def test_ours_combines_distinct_values_with_and() -> None:
    assert ours.combine(["MIT", "mit", "Apache-2.0"]) == "Apache-2.0 AND MIT"
    assert ours.combine(["GPL-2.0+", "MIT OR Apache-2.0"]) == (
        "GPL-2.0-or-later AND (MIT OR Apache-2.0)"
    )
    assert ours.combine([]) == ""
    assert scoring.same_expression(ours.combine(["MIT", "Apache-2.0"]), "MIT AND Apache-2.0")


def test_front_matter_of_a_scancode_rule() -> None:
    text = "---\nlicense_expression: mit\nis_license_notice: yes\n---\n\nPermission is hereby\n"
    meta, body = labelled.front_matter(text)
    assert meta == {"license_expression": "mit", "is_license_notice": True}
    assert body.strip() == "Permission is hereby"


def test_scancode_keys_become_spdx_ids() -> None:
    db = labelled.LicenseDB({"acme-1.0": {"key": "acme-1.0", "is_generic": True}})
    assert db.to_spdx("gpl-2.0-plus WITH classpath-exception-2.0") == (
        "GPL-2.0-or-later WITH Classpath-exception-2.0"
    )
    assert db.to_spdx("(mit or apache-2.0) and bsd-new") == "(MIT OR Apache-2.0) AND BSD-3-Clause"
    assert db.to_spdx("acme-1.0") == "LicenseRef-scancode-acme-1.0"
    assert db.generic_keys == frozenset({"licenseref-scancode-acme-1.0"})


def test_sample_is_stratified_and_seeded() -> None:
    entries = [labelled.Entry(f"big/{i}", "MIT", "big", "t") for i in range(100)]
    entries += [labelled.Entry(f"mid/{i}", "MIT", "mid", "t") for i in range(30)]
    entries += [labelled.Entry(f"small/{i}", "", "small", "t") for i in range(5)]
    chosen = labelled.sample(entries, 45, seed=1)
    counts = {c: sum(e.category == c for e in chosen) for c in ("big", "mid", "small")}
    assert counts == {"big": 20, "mid": 20, "small": 5}
    assert chosen == labelled.sample(entries, 45, seed=1)
    assert chosen != labelled.sample(entries, 45, seed=2)
    assert len(labelled.sample(entries, None, seed=1)) == 135


def test_scancode_json_is_parsed_per_file() -> None:
    # The shape of scancode-toolkit-mini 32.5.0 --license --copyright --timing --json-pp output.
    data = {
        "files": [
            {"path": "in", "type": "directory", "detected_license_expression_spdx": None},
            {
                "path": "in/a.py",
                "type": "file",
                "detected_license_expression_spdx": "MIT OR Apache-2.0",
                "holders": [{"holder": "Jane Doe", "start_line": 1, "end_line": 1}],
                "scan_timings": {"licenses": 0.09, "copyrights": 0.1},
                "scan_errors": [],
            },
            {
                "path": "in/sub/b.txt",
                "type": "file",
                "detected_license_expression_spdx": None,
                "holders": [],
                "scan_timings": {"licenses": 0.01, "copyrights": 0.0},
                "scan_errors": ["boom"],
            },
        ]
    }
    parsed = scancode_run.parse(data)
    assert parsed["detected"] == {"a.py": "MIT OR Apache-2.0", "sub/b.txt": ""}
    assert parsed["holders"] == {"a.py": ["Jane Doe"], "sub/b.txt": []}
    assert parsed["license_scan_s"] == pytest.approx(0.1)
    assert parsed["file_errors"] == 1


def test_package_files_with_bundled_licenses_do_not_fit_a_single_label() -> None:
    mit = "The MIT License\n\nPermission is hereby granted, free of charge, to any person ...\n"
    bsd = "Redistribution and use in source and binary forms, with or without modification ...\n"
    assert labelled.fits_label(mit, "MIT")
    assert not labelled.fits_label(mit + "\nThird-party code:\n" + bsd, "MIT")
    assert labelled.fits_label(bsd, "BSD-3-Clause")
    mpl = "Mozilla Public License Version 2.0 ... the GNU General Public License, Version 2.0"
    assert labelled.fits_label(mpl, "MPL-2.0")
    isc = "Permission to use, copy, modify, and/or distribute this software for any purpose"
    assert labelled.fits_label(isc, "ISC")
    assert not labelled.fits_label(isc, "MIT")
