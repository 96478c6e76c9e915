"""Mark findings through the reference policy: review by default, block named owners,
agencies or marks, optionally clear nominative mentions."""

from __future__ import annotations

from clearance.detectors.base import instantiate
from clearance.detectors.marks.policy import MarkPolicy, owner_of
from clearance.model.finding import Finding
from clearance.model.item import Item


def text_findings(text: str) -> list[Finding]:
    (detector,), _ = instantiate(["trademark"])
    item = Item.from_text(source="s", locator="t", uri="t", text=text, data=text.encode())
    return list(detector.detect(item))


def watermark(value: str, rule: str) -> Finding:
    return Finding("s:i", "watermark", "1.0", "watermark", value, 0.9, rule, "OCR: 'x'")


def test_owner_is_read_from_evidence() -> None:
    (finding,) = text_findings("Nike® shoes")
    assert owner_of(finding) == "Nike, Inc."


def test_review_by_default_and_block_by_owner() -> None:
    findings = text_findings("Official Adidas shop, case for iPhone")
    assert MarkPolicy().decide(findings) == "review"
    assert MarkPolicy(block_owners=("adidas*",)).decide(findings) == "blocked"
    assert MarkPolicy(block_owners=("Apple Inc.",)).decide(findings) == "blocked"
    assert MarkPolicy(block_owners=("Samsung*",)).decide(findings) == "review"


def test_nominative_mentions_can_be_cleared() -> None:
    nominative = text_findings("A charger compatible with iPhone")
    branding = text_findings("Apple® chargers")
    policy = MarkPolicy(clear_nominative=True)
    assert policy.decide(nominative) == "cleared"
    assert policy.decide(branding) == "review"


def test_watermarks_review_unless_the_agency_is_blocked() -> None:
    policy = MarkPolicy(block_agencies=("Getty Images", "iStock"))
    assert policy.decide([watermark("Getty Images", "watermark/agency")]) == "blocked"
    assert policy.decide([watermark("Getty Images", "watermark/agency-fuzzy")]) == "blocked"
    assert policy.decide([watermark("Alamy", "watermark/agency")]) == "review"
    assert policy.decide([watermark("preview", "watermark/overlay")]) == "review"
    assert policy.decide([]) == "cleared"


def test_other_kinds_are_left_to_other_rules() -> None:
    other = Finding("s:i", "spdx-tag", "1", "license", "MIT", 1.0, "spdx")
    assert MarkPolicy().status(other) is None
    assert MarkPolicy(block_marks=("mit",)).decide([other]) == "cleared"
