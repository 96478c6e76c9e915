"""The claims check as one object: ``ClaimsChecker(...).check(text) -> list[Claim]``."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clearance.detectors.base import Detector, instantiate, registry
from clearance.guard.claims.detect import Claim, ClaimFinder
from clearance.guard.claims.entities import EntityFinder, Name, load_names
from clearance.guard.claims.rules import ClaimsPolicy, Lexicon, builtin_lexicon
from clearance.guard.claims.support import References
from clearance.model.finding import Finding
from clearance.model.item import Item

#: the PII branch's text detector; its ``pii``/``PERSON`` findings name persons
PERSON_DETECTOR = "pii-text"


def person_spans(findings: Iterable[Finding]) -> list[tuple[int, int]]:
    return [
        (f.start, f.end)
        for f in findings
        if f.kind == "pii" and f.value == "PERSON" and f.start is not None and f.end is not None
    ]


@dataclass
class ClaimsChecker:
    """Rules, entities, references and policy for the ``claims`` check. Thread-safe."""

    policy: ClaimsPolicy = field(default_factory=ClaimsPolicy.load)
    names: Sequence[Name] = ()
    references: References | None = None
    lexicon: Lexicon = field(default_factory=builtin_lexicon)
    person_detector: Detector | None = None

    def __post_init__(self) -> None:
        self.finder = ClaimFinder(
            self.lexicon, EntityFinder(self.lexicon, self.names), self.policy.negation_window
        )

    @classmethod
    def create(
        cls,
        *,
        policy: str | Path | None = None,
        names: Iterable[str | Path] = (),
        references: Iterable[str | Path] = (),
        reference_index: str | Path | None = None,
        person_detector: str | None = PERSON_DETECTOR,
    ) -> ClaimsChecker:
        """From files; ``person_detector`` is used when registered (else our heuristic)."""
        refs_list = list(references)
        refs = (
            References.load(refs_list, reference_index)
            if refs_list or reference_index is not None
            else None
        )
        detector = None
        if person_detector and person_detector in registry():
            item_level, _ = instantiate([person_detector])
            detector = item_level[0] if item_level else None
        return cls(
            policy=ClaimsPolicy.load(policy),
            names=[n for path in names for n in load_names(path)],
            references=refs,
            person_detector=detector,
        )

    def check(
        self,
        text: str,
        *,
        findings: Iterable[Finding] | None = None,
        output_id: str = "output",
        ran: Collection[str] = (),
    ) -> list[Claim]:
        """Claims with verdicts. ``findings`` from the guard's own detectors are reused for
        PERSON spans when the person detector already ran on this output (``ran`` names the
        detectors that did). The person detector runs only when a sentence holds a
        predicate: a clean output costs the rules' whole-text passes alone."""
        if self.person_detector is None:
            claims = self.finder.find(text)
        else:
            claims = self.finder.find(
                text, lazy_persons=lambda: self._persons(text, findings, output_id, ran)
            )
        for claim in claims:
            if self.references is not None:
                claim.reference = self.references.support(
                    claim, self.lexicon, self.policy.window_words
                )
                claim.supported = claim.reference is not None
            claim.state = _state(claim)
            claim.verdict = self.policy.verdict(claim.category, claim.state)  # type: ignore[arg-type]
        return claims

    def _persons(
        self, text: str, findings: Iterable[Finding] | None, output_id: str, ran: Collection[str]
    ) -> list[tuple[int, int]] | None:
        if self.person_detector is None:
            return None
        if findings is not None:
            name = self.person_detector.name
            reused = [f for f in findings if f.detector == name]
            if reused or name in ran:
                return person_spans(reused)
        item = Item.from_text(
            source="output",
            locator=output_id,
            uri=f"output:{output_id}",
            text=text,
            data=text.encode("utf-8", "surrogatepass"),
        )
        try:
            return person_spans(self.person_detector.detect(item))
        except Exception:  # a detector bug: fall back to our own heuristic, never crash
            return None


def _state(claim: Claim) -> str:
    if claim.fiction:
        return "fiction"
    if claim.negated:
        return "negated"
    if claim.supported:
        return "supported"
    if claim.hedged:
        return "hedged"
    return "unsupported"
