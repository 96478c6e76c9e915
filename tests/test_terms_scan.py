"""terms-review in a scan: a source's vendor agreement and terms file feed findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.detectors.base import DetectorContext
from clearance.detectors.signals.terms_review import TermsReviewDetector
from clearance.model.errors import ConfigError
from clearance.model.item import Item
from clearance.runs.store import RunStore
from clearance.sources.manifest import Source, load_manifest
from helpers import run_scan
from terms_samples import text_pdf

AGREEMENTS = Path(__file__).resolve().parent / "data" / "terms" / "agreements"


def _corpus(tmp_path: Path, agreement: bytes, name: str = "vendor.pdf") -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(3):
        (data / f"doc{i}.txt").write_text(f"record {i}\n", encoding="utf-8")
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / name).write_bytes(agreement)
    (tmp_path / "site-terms.md").write_text(
        "# Terms\n\nYou may not scrape or crawl this website.\n", encoding="utf-8"
    )
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n"
        "  - name: licensed\n    path: data\n    kind: licensed\n"
        f"    vendor_agreement: contracts/{name}\n"
        "    terms: site-terms.md\n"
        "  - name: other\n    path: data\n",
        encoding="utf-8",
    )
    return manifest


def test_scan_emits_clause_findings_for_every_item_of_the_source(tmp_path: Path) -> None:
    agreement = (AGREEMENTS / "restrictive-vendor.md").read_bytes()
    manifest = _corpus(tmp_path, agreement, "vendor.md")
    summary = run_scan([str(manifest)], tmp_path / "run",
                       detectors=("terms-review", "source-audit"))  # fmt: skip
    assert summary.items == 6
    rows = RunStore(tmp_path / "run").findings().to_pylist()
    review = [r for r in rows if r["detector"] == "terms-review"]
    by_item: dict[str, set[tuple[str, str]]] = {}
    for r in review:
        by_item.setdefault(r["item_id"], set()).add((r["value"], r["rule"].split("/")[1]))
    assert set(by_item) == {f"licensed:doc{i}.txt" for i in range(3)}  # not the other source
    first = by_item["licensed:doc0.txt"]
    assert all(found == first for found in by_item.values())
    assert ("prohibition/ai-training", "prohibits") in first
    assert ("prohibition/scraping", "prohibits") in first  # from the terms file
    assert ("data/deletion", "requires") in first
    # the vendor indemnifies: no gap reported; and every finding is of kind terms
    assert ("risk/indemnity-missing", "missing") not in first
    assert {r["kind"] for r in review} == {"terms"}
    ai = next(r for r in review if r["value"] == "prohibition/ai-training")
    assert ai["evidence"].startswith("vendor agreement vendor.md § 2.1(a):")
    # source-audit still records that the agreement is on file; terms-review never does
    audit = {r["rule"] for r in rows if r["detector"] == "source-audit"}
    assert "source/vendor-agreement" in audit
    assert not any(r["value"] == "vendor-agreement" for r in review)


def test_unreviewable_agreement_is_an_error_finding(tmp_path: Path) -> None:
    manifest = _corpus(tmp_path, text_pdf([["secret terms"]], user_password="pw"))
    run_scan([str(manifest)], tmp_path / "run", detectors=("terms-review",))
    rows = RunStore(tmp_path / "run").findings().to_pylist()
    errors = [r for r in rows if r["kind"] == "error"]
    assert len(errors) == 3 and {r["rule"] for r in errors} == {"terms/encrypted"}
    # the terms file was still reviewed, and gaps are judged on what could be read
    assert any(r["value"] == "prohibition/scraping" for r in rows)


def test_terms_file_is_resolved_next_to_the_manifest(tmp_path: Path) -> None:
    manifest = _corpus(tmp_path, b"You may use the data for commercial purposes.", "v.txt")
    source = load_manifest(manifest).sources[0]
    assert source.terms == str(tmp_path / "site-terms.md")
    assert load_manifest(manifest).sources[1].terms is None


def test_missing_agreement_fails_at_start() -> None:
    detector = TermsReviewDetector()
    source = Source(name="s", path="x", vendor_agreement="/no/such/file.pdf")
    with pytest.raises(ConfigError, match="vendor_agreement"):
        detector.configure(DetectorContext.build([source]))


def test_remote_terms_and_plain_names_are_left_to_source_audit() -> None:
    detector = TermsReviewDetector()
    source = Source(name="s", path="x", terms="https://example.org/terms",
                    vendor_agreement="s3://bucket/agreement.pdf")  # fmt: skip
    detector.configure(DetectorContext.build([source]))
    item = Item.from_bytes(source="s", locator="a", uri="a", media_type="text/plain", data=b"")
    assert list(detector.detect(item)) == []


def test_a_dataset_cards_gated_prompt_is_reviewed_once_per_prompt() -> None:
    detector = TermsReviewDetector()
    detector.configure(DetectorContext.build([Source(name="hf", path="x")]))
    card = {
        "license": "other",
        "extra_gated_prompt": "By accessing this dataset you agree that you will not use it "
        "for commercial purposes and will not use it to train machine learning models.",
    }
    items = [
        Item.from_bytes(
            source="hf",
            locator=f"r{i}",
            uri=f"r{i}",
            media_type="text/plain",
            data=b"",
            meta={"hf_card": card},
        )
        for i in range(2)
    ]
    first, second = (list(detector.detect(it)) for it in items)
    assert {(f.value, f.rule.split("/")[1]) for f in first} == {
        ("grant/commercial-use", "prohibits"),
        ("prohibition/ai-training", "prohibits"),
    }
    assert [f.item_id for f in second] == ["hf:r1", "hf:r1"]
    assert all(f.evidence.startswith("card extra_gated_prompt:") for f in first)
    assert len(detector._prompts) == 1  # reviewed once
    assert not any(f.value.endswith("-missing") for f in first)  # a prompt is not a contract


def test_all_categories_on_request(tmp_path: Path) -> None:
    agreement = AGREEMENTS / "restrictive-vendor.md"
    source = Source(name="s", path="x", vendor_agreement=str(agreement))
    item = Item.from_bytes(source="s", locator="a", uri="a", media_type="text/plain", data=b"")
    default, everything = TermsReviewDetector(), TermsReviewDetector()
    default.configure(DetectorContext.build([source]))
    everything.configure(DetectorContext.build([source], terms_all_categories=True))
    few = {f.value for f in default.detect(item)}
    many = {f.value for f in everything.detect(item)}
    assert "data/territory" not in few and "data/territory" in many
    assert few < many and "prohibition/ai-training" in few


def test_an_agreement_that_forbids_training_blocks_commercial_training(tmp_path: Path) -> None:
    from clearance.policy import builtin_policy, decide_run, read_decisions

    agreement = (AGREEMENTS / "restrictive-vendor.md").read_bytes()
    manifest = _corpus(tmp_path, agreement, "vendor.md")
    run_scan([str(manifest)], tmp_path / "run", detectors=("terms-review", "source-audit"))
    decide_run(tmp_path / "run", builtin_policy("commercial-training"))
    decisions = {d.item_id: d for d in read_decisions(tmp_path / "run")}
    licensed = decisions["licensed:doc0.txt"]
    assert licensed.status.value == "blocked"
    rules = {r.rule_id for r in licensed.reasons}
    assert {"agreement-prohibits-ai-training", "agreement-limits-use"} <= rules
    assert "agreement-prohibits-ai-training" not in {
        r.rule_id for r in decisions["other:doc0.txt"].reasons
    }
