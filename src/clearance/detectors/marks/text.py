"""Word marks in text (kind ``trademark``): the built-in starter list plus the run's lists.

Lists come from the scan option ``marks`` (a path, paths, or inline entries; applies to every
source) and the manifest field ``marks: FILE`` (that source only); ``builtin_marks: false``
turns the starter list off. Each finding: value = the mark and its owner (``Nike (Nike,
Inc.)``, see ``mark_value``), rule = how it is used
(``trademark/branding:symbol``, ``trademark/nominative:compatible``, ``trademark/mention``),
evidence = the sentence around it with owner and symbol. The guard runs this same detector
on model outputs (``instantiate(["trademark"])`` over ``Item.from_text``).
"""

from __future__ import annotations

from collections.abc import Iterator

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.lines import LineCounter
from clearance.detectors.marks.context import classify
from clearance.detectors.marks.marklist import (
    Mark,
    builtin_marks,
    load_marks_file,
    mark_value,
    marks_from_option,
    merged,
)
from clearance.detectors.marks.matcher import Hit, MarkMatcher
from clearance.model.finding import Finding
from clearance.model.item import Item

_SNIPPET = 60


@register
class TrademarkDetector(Detector):
    name = "trademark"
    version = "1.0"
    description = "word marks (built-in starter list + manifest/option lists), use in context"
    media_types = ("text-like",)
    time_budget_s = 5.0

    def __init__(self) -> None:
        super().__init__()
        self._default = MarkMatcher(builtin_marks())
        self._per_source: dict[str, MarkMatcher] = {}

    def configure(self, context: DetectorContext) -> None:
        base: list[Mark] = list(builtin_marks()) if context.option("builtin_marks", True) else []
        shared = merged(base, marks_from_option(context.option("marks")))
        self._default = MarkMatcher(shared)
        for source in context.sources:
            path = getattr(source, "marks", None)
            if path:
                self._per_source[source.name] = MarkMatcher(merged(shared, load_marks_file(path)))

    def matcher_for(self, item: Item) -> MarkMatcher:
        return self._per_source.get(item.source, self._default)

    def detect(self, item: Item) -> Iterator[Finding]:
        text = item.text
        lines = LineCounter(text)  # hits come in text order
        for hit in self.matcher_for(item).find(text):
            use = classify(text, hit)
            yield self.finding(
                item,
                kind="trademark",
                value=mark_value(hit.mark.mark, hit.mark.owner),
                confidence=use.confidence,
                rule=use.rule,
                evidence=_evidence(text, hit),
                start=hit.start,
                end=hit.end,
                line=lines.line_at(hit.start),
            )


def _evidence(text: str, hit: Hit) -> str:
    lo = max(0, hit.start - _SNIPPET)
    hi = min(len(text), (hit.symbol_end or hit.end) + _SNIPPET)
    snippet = " ".join(text[lo:hi].split())
    mark = hit.mark
    notes = [f"mark claimed by {mark.owner}"]
    if hit.spelling != mark.mark:
        notes.append(f"as {hit.spelling!r}")
    if hit.symbol:
        notes.append(f"with {hit.symbol}")
    if mark.classes:
        notes.append(f"classes {', '.join(mark.classes)}")
    if mark.origin != "builtin":
        notes.append(f"list {mark.origin}")
    return f"{'…' if lo else ''}{snippet}{'…' if hi < len(text) else ''}  [{'; '.join(notes)}]"
