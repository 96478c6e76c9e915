"""Customer data mapped to consent records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.detectors.base import DetectorContext
from clearance.detectors.signals.consent import ConsentDetector, load_consent_records, mask
from clearance.model.errors import ConfigError
from clearance.model.item import Item
from clearance.scan import ScanOptions, scan
from clearance.sources.manifest import Source

CSV = """subject_id,scope,withdrawn,expires
cust-001,ai-training;analytics,,
cust-002,analytics|support,,
cust-003,ai_training,2024-05-01,
cust-004,all,,2000-01-01
cust-005,Model Training,no,2999-12-31
"""


def _detector(tmp_path: Path, text: str = CSV, name: str = "consent.csv") -> ConsentDetector:
    records = tmp_path / name
    records.write_text(text)
    source = Source(
        name="crm", path="crm.jsonl", kind="customer",  # type: ignore[arg-type]
        consent_records=str(records), subject_field="customer.id",
    )  # fmt: skip
    detector = ConsentDetector()
    detector.configure(DetectorContext.build([source]))
    return detector


def _record(subject: object, source: str = "crm") -> Item:
    meta = {"customer": {"id": subject}} if subject is not None else {}
    return Item.from_bytes(
        source=source, locator=f"crm.jsonl#L{subject}", uri="crm.jsonl",
        media_type="text/plain", data=b"support ticket text", meta=meta,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("subject", "value", "rule"),
    [
        ("cust-001", "consent-covers-ai-training", "consent/ok"),
        ("cust-002", "consent-scope-excludes-ai-training", "consent/out-of-scope"),
        ("cust-003", "consent-withdrawn", "consent/withdrawn"),
        ("cust-004", "consent-expired", "consent/expired"),
        ("cust-005", "consent-covers-ai-training", "consent/ok"),  # "Model Training" tokens
        ("cust-999", "no-consent-record", "consent/missing"),
        (None, "no-subject-id", "consent/no-subject-id"),
    ],
)
def test_consent_outcomes(tmp_path: Path, subject: str | None, value: str, rule: str) -> None:
    (finding,) = _detector(tmp_path).detect(_record(subject))
    assert (finding.kind, finding.value, finding.rule) == ("consent", value, rule)


def test_scope_tokens_are_normalised_but_not_guessed(tmp_path: Path) -> None:
    text = "customer_id,scope\nc1, ML_Training ; support\nc2,training\n"
    detector = _detector(tmp_path, text)
    (first,) = detector.detect(_record("c1"))
    (second,) = detector.detect(_record("c2"))  # "training" alone may mean staff training
    assert first.rule == "consent/ok" and second.rule == "consent/out-of-scope"


def test_subject_ids_never_appear_in_clear(tmp_path: Path) -> None:
    detector = _detector(tmp_path)
    for subject in ("cust-001", "cust-002", "cust-999"):
        (finding,) = detector.detect(_record(subject))
        assert subject not in finding.evidence
        assert mask(subject) in finding.evidence


def test_evidence_points_at_the_record_line(tmp_path: Path) -> None:
    (finding,) = _detector(tmp_path).detect(_record("cust-002"))
    assert finding.evidence.endswith(f"{tmp_path / 'consent.csv'}:3)")


def test_jsonl_records_and_later_rows_replace_earlier(tmp_path: Path) -> None:
    rows = [
        {"subject_id": "u1", "scope": ["ai-training"]},
        {"subject_id": "u2", "scope": ["ai-training"]},
        {"subject_id": "u1", "scope": ["ai-training"], "withdrawn": True},
    ]
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    detector = _detector(tmp_path, text, "consent.jsonl")
    assert [f.rule for f in detector.detect(_record("u1"))] == ["consent/withdrawn"]
    assert [f.rule for f in detector.detect(_record("u2"))] == ["consent/ok"]


def test_customer_source_without_records_flags_every_item() -> None:
    source = Source(name="crm", path="p", kind="customer", consent="contract")  # type: ignore[arg-type]
    detector = ConsentDetector()
    detector.configure(DetectorContext.build([source]))
    (finding,) = detector.detect(_record("x"))
    assert (finding.value, finding.rule) == ("no-consent-records", "consent/no-records")
    assert "declared basis: contract" in finding.evidence


def test_other_sources_are_not_checked(tmp_path: Path) -> None:
    assert list(_detector(tmp_path).detect(_record("cust-001", source="web"))) == []


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("c.csv", "id,purpose\na,b\n", 1, "needs an id column"),
        ("c.csv", "subject_id,scope\n,ai-training\n", 2, "no subject id"),
        ("c.csv", "subject_id,scope,expires\na,ai-training,soon\n", 2, "not an ISO date"),
        ("c.csv", "subject_id,scope\na,b,c\n", 2, "more fields than the header"),
        ("c.csv", "subject_id,scope,withdrawn\na,b,maybe\n", 2, "withdrawn: not an ISO date"),
        ("c.jsonl", '{"subject_id": "a", "scope": []}\n{"subject_id": \n', 2, "not valid JSON"),
        ("c.jsonl", '["a"]\n', 1, "must be a JSON object"),
        ("c.jsonl", '{"subject_id": "a"}\n', 1, "no 'scope'"),
    ],
)
def test_malformed_records_fail_with_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_consent_records(str(path))
    assert caught.value.file == str(path) and caught.value.line == line


def test_missing_records_file_fails_the_scan_at_start(tmp_path: Path) -> None:
    data = tmp_path / "crm.jsonl"
    data.write_text('{"text": "hello", "customer_id": "a"}\n')
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n  - name: crm\n    path: crm.jsonl\n    kind: customer\n"
        "    consent_records: missing.csv\n    subject_field: customer_id\n"
    )
    with pytest.raises(ConfigError, match="consent records file not found") as caught:
        scan([str(manifest)], tmp_path / "run", ScanOptions(workers=1))
    assert caught.value.file == str(tmp_path / "missing.csv")
    assert not (tmp_path / "run").exists()


def test_scan_of_a_customer_jsonl(tmp_path: Path) -> None:
    data = tmp_path / "crm.jsonl"
    data.write_text(
        '{"text": "ticket one", "customer_id": "cust-001"}\n'
        '{"text": "ticket two", "customer_id": "cust-002"}\n'
        '{"text": "ticket three"}\n'
    )
    (tmp_path / "consent.csv").write_text(CSV)
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n  - name: crm\n    path: crm.jsonl\n    kind: customer\n"
        "    format: jsonl\n    consent_records: consent.csv\n    subject_field: customer_id\n"
    )
    scan([str(manifest)], tmp_path / "run", ScanOptions(workers=1, detectors=("consent",)))
    from clearance.runs.store import RunStore

    rows = RunStore(tmp_path / "run").findings().to_pylist()
    assert sorted(r["rule"] for r in rows) == [
        "consent/no-subject-id",
        "consent/ok",
        "consent/out-of-scope",
    ]
