"""The ``pii-text`` detector: personal data in text items, one finding per span.

Evidence is masked (``mask``): a report of personal data must not itself be personal data.
"""

from __future__ import annotations

from collections.abc import Iterator

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.lines import LineCounter
from clearance.detectors.pii.mask import mask, mask_email, mask_name
from clearance.detectors.pii.phone import DEFAULT_REGIONS
from clearance.detectors.pii.scan import PiiSpan, scan_text
from clearance.model.finding import Finding
from clearance.model.item import Item


def masked(span: PiiSpan, value: str) -> str:
    """The evidence for a span: entity, rule detail and the masked value."""
    if span.entity == "EMAIL":
        return mask_email(value)
    if span.entity == "PERSON":
        return mask_name(value)
    return mask(value)


@register
class PiiTextDetector(Detector):
    name = "pii-text"
    version = "1.0"
    description = (
        "personal data in text: email, phone, payment card, IBAN, SSN, national ids, IP, "
        "dates of birth, person names (validated; evidence masked)"
    )
    media_types = ("text-like",)
    time_budget_s = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.regions: tuple[str, ...] = DEFAULT_REGIONS
        self.persons = True

    def configure(self, context: DetectorContext) -> None:
        regions = context.option("pii_regions")
        if regions:
            self.regions = tuple(str(r).upper() for r in regions)
        self.persons = bool(context.option("pii_persons", True))

    def detect(self, item: Item) -> Iterator[Finding]:
        text = item.text
        lines = LineCounter(text)
        for span in scan_text(text, persons=self.persons, regions=self.regions):
            value = text[span.start : span.end]
            yield self.finding(
                item,
                kind="pii",
                value=span.entity,
                confidence=span.confidence,
                rule=span.rule,
                evidence=masked(span, value),
                start=span.start,
                end=span.end,
                line=lines.line_at(span.start),
            )
