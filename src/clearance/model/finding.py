"""What a detector saw in an item, with the evidence to show counsel."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final

#: the kinds the architecture names; detectors may add others, lower-case and dashed.
KNOWN_KINDS: Final = frozenset(
    {
        "license",
        "copyright",
        "optout",
        "terms",
        "pii",
        "face",
        "biometric",
        "secret",
        "logo",
        "trademark",
        "watermark",
        "verbatim",
        "duplicate",
        "error",
    }
)

EVIDENCE_MAX_CHARS: Final = 500


@dataclass(frozen=True)
class Finding:
    """One observation about one item.

    ``start``/``end`` are character offsets into the item's text (end exclusive), ``line`` is
    1-based, ``bbox`` is ``(x, y, width, height)`` in pixels for images; any may be ``None``.
    """

    item_id: str
    detector: str
    detector_version: str
    kind: str
    value: str
    confidence: float
    rule: str
    evidence: str = ""
    start: int | None = None
    end: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")
        if len(self.evidence) > EVIDENCE_MAX_CHARS:
            object.__setattr__(self, "evidence", self.evidence[: EVIDENCE_MAX_CHARS - 1] + "…")

    def to_row(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its recursive deep copy costs ~10x on the scan's hot path.
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row["bbox"] = list(self.bbox) if self.bbox is not None else None
        return row


def error_finding(item_id: str, rule: str, message: str, *, detector: str = "scan") -> Finding:
    """An item that could not be fully read or scanned; the policy sends it to review."""
    return Finding(
        item_id=item_id,
        detector=detector,
        detector_version="1",
        kind="error",
        value=rule,
        confidence=1.0,
        rule=rule,
        evidence=message,
    )
