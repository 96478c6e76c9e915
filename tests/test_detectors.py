from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pytest

from clearance.detectors import base
from clearance.detectors.base import Detector, instantiate, registry, resolve
from clearance.detectors.dedup.exact_duplicate import ExactDuplicateDetector
from clearance.detectors.license.spdx_tag import SpdxTagDetector
from clearance.executors.batch import _run_detectors
from clearance.model import ConfigError, Finding, Item, MissingDependency
from helpers import DATA


def _item(text: str, media_type: str = "text/plain") -> Item:
    return Item.from_bytes(
        source="s", locator="f", uri="f", media_type=media_type, data=text.encode()
    )


def _tags(text: str, media_type: str = "text/plain") -> list[tuple[str, str, float, int | None]]:
    detector = SpdxTagDetector()
    item = _item(text, media_type)
    assert detector.handles(item)
    return [(f.value, f.rule, f.confidence, f.line) for f in detector.detect(item)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("// SPDX-License-Identifier: MIT\n", [("MIT", "spdx-tag", 1.0, 1)]),
        ("x\n# SPDX-License-Identifier: apache-2.0\n", [("Apache-2.0", "spdx-tag", 1.0, 2)]),
        ("/* SPDX-License-Identifier: GPL-2.0+ */", [("GPL-2.0-or-later", "spdx-tag", 1.0, 1)]),
        (
            "<!-- SPDX-License-Identifier: (MIT OR Apache-2.0) -->",
            [("MIT OR Apache-2.0", "spdx-tag", 1.0, 1)],
        ),
        ("spdx-license-identifier: bsd-3-clause", [("BSD-3-Clause", "spdx-tag", 1.0, 1)]),
        (
            "SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note",
            [("GPL-2.0-only WITH Linux-syscall-note", "spdx-tag", 1.0, 1)],
        ),
        (
            "SPDX-License-Identifier: LicenseRef-Acme-EULA",
            [("LicenseRef-Acme-EULA", "spdx-tag", 1.0, 1)],
        ),
        (
            "SPDX-License-Identifier: Acme-Proprietary-1.0",
            [("LicenseRef-scancode-unknown-spdx", "spdx-tag/unknown-license", 0.4, 1)],
        ),
        ("SPDX-License-Identifier: MIT AND (", [("MIT AND (", "spdx-tag/unparseable", 0.2, 1)]),
        ("SPDX-License-Identifier:", [("", "spdx-tag/unparseable", 0.2, 1)]),
        ("The MIT License, no tag here", []),
        ("SPDX-FileCopyrightText: 2024 Someone", []),
    ],
)
def test_spdx_tag_table(text: str, expected: list[tuple[str, str, float, int]]) -> None:
    assert _tags(text) == expected


def test_spdx_tag_span_points_at_the_expression() -> None:
    text = "line one\n// SPDX-License-Identifier: MPL-2.0 */\n"
    (finding,) = SpdxTagDetector().detect(_item(text))
    assert text[finding.start : finding.end] == "MPL-2.0"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pcg_extras_header.hpp", ["Apache-2.0 OR MIT"]),
        ("tomli_re_header.py", ["MIT"]),
        ("pyahocorasick_header.py", ["LicenseRef-scancode-public-domain"]),
    ],
)
def test_spdx_tag_on_real_file_headers(name: str, expected: list[str]) -> None:
    text = (DATA / "real" / name).read_text()
    assert [v for v, _, _, _ in _tags(text, "text/x-c")] == expected


def test_spdx_tag_skips_binary_items() -> None:
    assert not SpdxTagDetector().handles(_item("x", "image/png"))


def test_exact_duplicate_groups_identical_bytes_only() -> None:
    items = pa.table(
        {
            "item_id": ["a", "b", "c", "d", "e"],
            "sha256": ["h1", "h2", "h1", "h1", ""],  # "" = content not read: never a duplicate
        }
    )
    findings = list(ExactDuplicateDetector().detect_run(items))
    assert sorted(f.item_id for f in findings) == ["a", "c", "d"]
    first = next(f for f in findings if f.item_id == "a")
    assert first.kind == "duplicate" and first.value == "h1"
    assert first.evidence == "same bytes as 2 other item(s): c, d"


def test_exact_duplicate_findings_come_in_one_order_whatever_the_row_order() -> None:
    """Two scans of one corpus must write the same findings file: the order depends neither
    on the order of the items nor on how the grouping's threads meet them."""
    ids = [f"item-{i:04d}" for i in range(3000)]
    digests = [f"h{i % 700:03d}" for i in range(3000)]
    orders = []
    for seed in range(4):
        rows = list(zip(ids, digests, strict=True))
        random.Random(seed).shuffle(rows)
        table = pa.table({"item_id": [r[0] for r in rows], "sha256": [r[1] for r in rows]})
        found = list(ExactDuplicateDetector().detect_run(table))
        orders.append([(f.value, f.item_id) for f in found])
    assert orders[0] == sorted(orders[0]) and len(orders[0]) == 3000
    assert all(order == orders[0] for order in orders)


def test_registry_lists_builtins_and_rejects_unknown_names() -> None:
    assert {"spdx-tag", "exact-duplicate"} <= set(registry())
    with pytest.raises(ConfigError, match=r"unknown detector.*nope"):
        resolve(["nope"])
    assert resolve([""]) == []


class _Slow(Detector):
    name = "test-slow"
    version = "0"
    media_types = ("text/*",)
    time_budget_s = 0.05

    def detect(self, item: Item) -> Iterator[Finding]:
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            pass
        yield from ()


class _Broken(Detector):
    name = "test-broken"
    version = "0"
    media_types = ("text/*",)

    def detect(self, item: Item) -> Iterator[Finding]:
        raise RuntimeError("bug in detector")


def test_timeout_and_crash_become_error_findings_not_crashes() -> None:
    started = time.perf_counter()
    findings = _run_detectors(
        [_Slow(), _Broken(), SpdxTagDetector()], _item("SPDX-License-Identifier: MIT")
    )
    assert time.perf_counter() - started < 2
    assert [(f.detector, f.kind, f.rule) for f in findings] == [
        ("test-slow", "error", "timeout"),
        ("test-broken", "error", "detector-failed"),
        ("spdx-tag", "license", "spdx-tag"),
    ]
    assert "bug in detector" in findings[1].evidence


def test_missing_optional_dependency_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    class _NeedsModel(Detector):
        name = "test-needs-model"
        version = "0"
        requires: ClassVar[tuple[str, ...]] = ("surely_not_installed_module",)
        extra = "faces"

    monkeypatch.setitem(base._REGISTRY, _NeedsModel.name, _NeedsModel)
    with pytest.raises(MissingDependency, match=r"pip install 'clearance\[faces\]'"):
        instantiate(["test-needs-model"])


def test_detectors_do_not_see_withheld_content(tmp_path: Path) -> None:
    item = Item(
        item_id="s:x",
        source="s",
        uri="x",
        media_type="text/plain",
        sha256="",
        size=10**9,
        loader=None,
    )
    assert _run_detectors([SpdxTagDetector()], item) == []


def test_detectors_are_configured_with_the_run_sources_and_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clearance.detectors.base import DetectorContext
    from clearance.sources.manifest import Source

    seen: list[DetectorContext] = []

    class Configured(Detector):
        name = "test-configured"
        version = "1"

        def configure(self, context: DetectorContext) -> None:
            seen.append(context)

    monkeypatch.setitem(base._REGISTRY, Configured.name, Configured)

    source = Source(name="crawl", path="/data/crawl.warc.gz", kind="web-scraped")
    context = DetectorContext.build([source], fetch_robots=True)
    instantiate(["test-configured"], context)
    assert seen == [context]
    assert context.source("crawl") == source and context.source("other") is None
    assert context.option("fetch_robots") is True and context.option("missing", 3) == 3
    assert hash(context) == hash(DetectorContext.build([source], fetch_robots=True))
