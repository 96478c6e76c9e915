"""Source audit, the source-terms registry, dataset cards and declared vendor terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detectors.base import DetectorContext
from clearance.detectors.signals.dataset_card import DatasetCardDetector
from clearance.detectors.signals.source_audit import SourceAuditDetector
from clearance.detectors.signals.terms_registry import builtin_registry, parse_registry
from clearance.model.errors import ConfigError
from clearance.model.item import Item
from clearance.readers.hf import parse_front_matter
from clearance.sources.manifest import Source, load_manifest, parse_manifest
from helpers import run_scan
from media_samples import item


def _audit(source: Source | None, it: Item) -> set[tuple[str, str, str]]:
    detector = SourceAuditDetector()
    detector.configure(DetectorContext.build([source] if source else []))
    return {(f.kind, f.value, f.rule) for f in detector.detect(it)}


def _web(url: str, source: str = "crawl") -> Item:
    return Item.from_bytes(
        source=source, locator=f"c.warc#{url}", uri=url, media_type="text/html",
        data=b"<html></html>", meta={"warc_record_id": "urn:uuid:1"},
    )  # fmt: skip


# --- the registry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "entry", "pattern"),
    [
        ("www.nytimes.com", "nytimes", "nytimes.com"),
        ("nytimes.com", "nytimes", "nytimes.com"),
        ("photojournal.jpl.nasa.gov", "us-federal-government", "nasa.gov"),
        ("www.loc.gov", "library-of-congress", "loc.gov"),  # more specific than *.gov
        ("www.ca.gov", "us-gov-domain", "*.gov"),
        ("army.mil", "us-federal-government", "*.mil"),
        ("old.reddit.com", "reddit", "reddit.com"),
    ],
)
def test_registry_matches_most_specific_pattern(host: str, entry: str, pattern: str) -> None:
    match = builtin_registry().match_host(host)
    assert match is not None and (match.entry.id, match.pattern) == (entry, pattern)


@pytest.mark.parametrize("host", ["nytimes.com.evil.example", "notnytimes.com", "gov", "mil"])
def test_registry_does_not_match_lookalikes(host: str) -> None:
    assert builtin_registry().match_host(host) is None


def test_every_shipped_entry_is_cited_and_says_how_far_it_was_checked() -> None:
    for entry in builtin_registry().entries:
        assert entry.status in {"primary", "secondary", "unverified"}
        assert entry.citation and entry.read_on
        if entry.status != "unverified":
            assert entry.citation.startswith(("http://", "https://")), entry.id
        else:
            assert entry.ai_training == "unknown", f"{entry.id}: unread terms assert nothing"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("entries: {}\n", 1, "'entries' list"),
        ("entries:\n  - class: x\n", 2, "'patterns' must be"),
        (
            "entries:\n  - patterns: [a.com]\n    class: x\n  - patterns: [b.com]\n",
            4,
            "'class' is required",
        ),
        ("entries:\n  - patterns: ['*.*.com']\n    class: x\n", 2, "use a domain"),
        ("entries:\n  - patterns: [a.com]\n    class: x\n    status: sure\n", 2, "'status'"),
        ("entries: [\n", 2, "invalid YAML"),
    ],
)
def test_bad_registry_files_fail_with_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_registry(text, file="extra.yaml", builtin=False)
    assert caught.value.file == "extra.yaml" and caught.value.line == line


# --- origin classes ----------------------------------------------------------------------


def test_declared_kind_is_the_basis() -> None:
    source = Source(name="crawl", path="c.warc", kind="web-scraped")  # type: ignore[arg-type]
    found = _audit(source, _web("https://www.nytimes.com/2024/01/01/a.html"))
    assert found == {
        ("source", "web-scraped", "source-audit/declared"),
        ("terms", "news-publisher/prohibited", "terms-registry/nytimes"),
    }


def test_government_domain_is_inferred_with_its_caveat() -> None:
    detector = SourceAuditDetector()
    detector.configure(DetectorContext.build([Source(name="crawl", path="c.warc")]))
    findings = list(detector.detect(_web("https://www.noaa.gov/news/x")))
    origin = next(f for f in findings if f.kind == "source")
    assert (origin.value, origin.rule) == ("government", "source-audit/inferred-government")
    assert "17 U.S.C. § 105" in origin.evidence and "third-party material" in origin.evidence
    terms = next(f for f in findings if f.kind == "terms")
    assert terms.value == "government-us-federal/no-us-copyright"
    assert "https://sos.noaa.gov/copyright-information/" in terms.evidence


def test_state_gov_site_is_not_called_federal() -> None:
    found = _audit(None, _web("https://www.dmv.ca.gov/page"))
    assert ("terms", "government-us/varies", "terms-registry/us-gov-domain") in found
    detector = SourceAuditDetector()
    (origin, _) = detector.detect(_web("https://www.dmv.ca.gov/page"))
    assert origin.value == "government"
    assert "state and local" in origin.evidence and "§ 105" in origin.evidence


def test_declared_government_off_government_domain_is_noted() -> None:
    source = Source(name="gov", path="g", kind="government")  # type: ignore[arg-type]
    detector = SourceAuditDetector()
    detector.configure(DetectorContext.build([source]))
    (origin,) = detector.detect(_web("https://example.org/report", source="gov"))
    assert origin.value == "government"
    assert "is not on a known government domain" in origin.evidence


def test_unknown_origin_and_record_url_field() -> None:
    plain = item(b"text", "text/plain")
    assert _audit(None, plain) == {("source", "unknown", "source-audit/unknown")}
    record = item(b"text", "text/plain", url="https://x.com/someone/status/1")
    assert _audit(None, record) == {
        ("source", "web-scraped", "source-audit/inferred-web"),
        ("terms", "platform-api-terms/scraping-prohibited", "terms-registry/x-twitter"),
    }


def test_manifest_registry_entries_win_and_cite_the_file(tmp_path: Path) -> None:
    extra = tmp_path / "terms.yaml"
    extra.write_text(
        "entries:\n"
        "  - id: acme-license\n"
        "    patterns: [nytimes.com, acme.example]\n"
        "    class: licensed-partner\n"
        "    ai_training: licensed\n"
        "    summary: We hold a content license (contract 2024-17).\n"
    )
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n  - name: crawl\n    path: c.warc\n    kind: web-scraped\n"
        "    terms_registry: terms.yaml\n"
    )
    (source,) = load_manifest(manifest).sources
    assert source.terms_registry == str(extra)  # relative to the manifest
    detector = SourceAuditDetector()
    detector.configure(DetectorContext.build([source]))
    findings = list(detector.detect(_web("https://www.nytimes.com/a")))
    terms = next(f for f in findings if f.kind == "terms")
    assert (terms.value, terms.rule) == ("licensed-partner/licensed", "terms-registry/acme-license")
    assert str(extra) in terms.evidence and "declared" in terms.evidence


def test_vendor_agreement_and_declared_terms(tmp_path: Path) -> None:
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(b"%PDF-1.7 signed agreement")
    source = Source(
        name="vendor", path="v", kind="licensed", vendor_agreement=str(agreement),  # type: ignore[arg-type]
        terms="https://vendor.example/terms",
    )  # fmt: skip
    detector = SourceAuditDetector()
    detector.configure(DetectorContext.build([source]))
    it = Item.from_bytes(source="vendor", locator="a", uri="a", media_type="text/plain", data=b"x")
    findings = {f.rule: f for f in detector.detect(it)}
    assert findings["source/vendor-agreement"].kind == "terms"
    assert "sha256" in findings["source/vendor-agreement"].evidence
    assert findings["source/declared-terms"].value == "https://vendor.example/terms"
    assert findings["source-audit/declared"].value == "licensed"
    missing = Source(name="v2", path="v", vendor_agreement=str(tmp_path / "nope.pdf"))
    with pytest.raises(ConfigError, match="vendor_agreement: file not found"):
        SourceAuditDetector().configure(DetectorContext.build([missing]))


# --- dataset cards -----------------------------------------------------------------------

CARD = """---
license: other
license_name: Acme Research License
license_link: LICENSE.md
gated: manual
extra_gated_prompt: You agree not to use this dataset to train commercial models.
extra_gated_fields:
  Company: text
  I agree to the terms: checkbox
---
# Acme
"""


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("---\nlicense: cc-by-sa-4.0\n---\n", {("license", "CC-BY-SA-4.0", "hf-card/license")}),
        (
            "---\nlicense: [mit, odc-by]\n---\n",
            {("license", "MIT", "hf-card/license"), ("license", "ODC-By-1.0", "hf-card/license")},
        ),
        (
            "---\nlicense: openrail\n---\n",
            {("license", "LicenseRef-hf-openrail", "hf-card/license-unrecognised")},
        ),
        (
            "---\npretty_name: x\n---\n",
            {("terms", "no-license-declared", "hf-card/no-license")},
        ),
        (
            CARD,
            {
                ("license", "LicenseRef-Acme-Research-License", "hf-card/license-other"),
                ("terms", "access-manual", "hf-card/gated"),
                (
                    "terms",
                    "You agree not to use this dataset to train commercial models.",
                    "hf-card/terms-of-use",
                ),
            },
        ),
        ("---\nlicense: [unclosed\n---\n", {("error", "hf-card-invalid", "hf-card-invalid")}),
    ],
)
def test_dataset_card(card: str, expected: set[tuple[str, str, str]]) -> None:
    meta = parse_front_matter(card)
    it = item(b'{"text": "x"}', "text/plain", hf_card=meta)
    assert {(f.kind, f.value, f.rule) for f in DatasetCardDetector().detect(it)} == expected


def test_card_evidence_names_the_license_link_and_gate_fields() -> None:
    it = item(b"x", "text/plain", hf_card=parse_front_matter(CARD))
    findings = {f.rule: f for f in DatasetCardDetector().detect(it)}
    assert "license_link='LICENSE.md'" in findings["hf-card/license-other"].evidence
    assert "I agree to the terms" in findings["hf-card/gated"].evidence


def test_items_without_a_card_are_left_alone() -> None:
    assert list(DatasetCardDetector().detect(item(b"x", "text/plain"))) == []


# --- end to end on the example corpus ------------------------------------------------------


def test_example_corpus_signals_end_to_end(examples_copy: Path, tmp_path: Path) -> None:
    detectors = ("source-audit", "dataset-card", "exif-rights", "xmp-rights", "c2pa")
    summary = run_scan([str(examples_copy / "clearance.yaml")], tmp_path / "run",
                       detectors=detectors)  # fmt: skip
    assert summary.items == 39
    from clearance.runs.store import RunStore

    rows = RunStore(tmp_path / "run").findings().to_pylist()
    origins = [r for r in rows if r["kind"] == "source"]
    assert len(origins) == summary.items  # one origin finding per item
    by_item = {r["item_id"]: r["value"] for r in origins}
    assert by_item["images:photo-exif.jpg"] == "commissioned"
    crawl_terms = {r["value"] for r in rows if r["rule"] == "source/declared-terms"}
    assert crawl_terms == {"https://example.org/terms"}
    card = [r for r in rows if r["detector"] == "dataset-card"]
    assert card and {r["value"] for r in card} == {"CC-BY-SA-4.0"}
    exif = [r for r in rows if r["detector"] == "exif-rights"]
    assert {r["item_id"] for r in exif} == {"images:photo-exif.jpg"}
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "complete"


def test_manifest_fields_for_consent_are_checked_at_load() -> None:
    with pytest.raises(ConfigError, match="consent_records needs subject_field") as caught:
        parse_manifest(
            "version: 1\nsources:\n  - name: c\n    path: d\n    kind: customer\n"
            "    consent_records: consent.csv\n"
        )
    assert caught.value.line == 3


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(labels=st.lists(_LABEL, min_size=0, max_size=3), junk=_LABEL)
def test_registry_matching_is_by_whole_labels(labels: list[str], junk: str) -> None:
    registry = builtin_registry()
    prefix = ".".join(labels)
    host = f"{prefix}.nytimes.com" if prefix else "nytimes.com"
    match = registry.match_host(host)
    assert match is not None and match.entry.id == "nytimes"
    # the domain glued to another label, or used as a prefix, is someone else's site
    assert registry.match_host(f"{junk}nytimes.com") is None or junk == ""
    assert registry.match_host(f"nytimes.com.{junk}.example") is None


def test_bad_terms_registry_file_stops_the_scan_at_start(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("hello")
    (tmp_path / "terms.yaml").write_text("entries:\n  - patterns: [a.com]\n")
    manifest = tmp_path / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n  - name: d\n    path: data\n    terms_registry: terms.yaml\n"
    )
    with pytest.raises(ConfigError, match="'class' is required") as caught:
        run_scan([str(manifest)], tmp_path / "run")
    assert caught.value.file == str(tmp_path / "terms.yaml") and caught.value.line == 2
    assert not (tmp_path / "run").exists()
