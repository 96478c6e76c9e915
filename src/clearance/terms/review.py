"""Review one agreement: read, check the language, segment, classify, find gaps, assess.

``review_path`` never raises for a bad document: an unreadable, encrypted, image-only,
over-size or non-English file gives a ``Review`` whose ``status`` says so, because a review
that silently returned "no clauses" would read as a clean agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from clearance.terms.classify import Match, classify
from clearance.terms.errors import TermsError
from clearance.terms.language import LanguageGuess, guess_language
from clearance.terms.readers import MAX_BYTES, Document, read_bytes, read_path
from clearance.terms.rules import VERDICTS, load_purposes, load_rules
from clearance.terms.segment import segment

NOT_LEGAL_ADVICE: Final = (
    "Not legal advice: rule-based reading aid; counsel must read the agreement itself."
)
_POLARITY_ORDER: Final = ("prohibits", "limits", "requires", "grants", "disclaims", "neutral")


@dataclass(frozen=True)
class CategoryResult:
    category: str
    group: str
    title: str
    matches: tuple[Match, ...]

    @property
    def present(self) -> bool:
        return bool(self.matches)

    @property
    def polarities(self) -> tuple[str, ...]:
        seen = {m.polarity for m in self.matches}
        return tuple(p for p in _POLARITY_ORDER if p in seen)


@dataclass(frozen=True)
class Missing:
    id: str
    message: str


@dataclass(frozen=True)
class Assessment:
    target: str
    verdict: str
    why: str
    evidence: tuple[Match, ...] = ()


@dataclass(frozen=True)
class Review:
    name: str
    status: str  # "reviewed" | "unsupported-language" | "error"
    format: str = ""
    pages: int | None = None
    language: LanguageGuess | None = None
    error: str = ""
    error_rule: str = ""
    notes: tuple[str, ...] = ()
    categories: tuple[CategoryResult, ...] = ()
    missing: tuple[Missing, ...] = ()
    purpose: str | None = None
    assessments: tuple[Assessment, ...] = field(default=())

    @property
    def verdict(self) -> str:
        """The worst assessment verdict; "review" when the text could not be reviewed."""
        if self.status != "reviewed":
            return "review"
        found = {a.verdict for a in self.assessments}
        return next((v for v in VERDICTS if v in found), "no-finding")

    def present(self) -> dict[str, CategoryResult]:
        return {c.category: c for c in self.categories if c.present}


def review_path(
    path: str | Path, *, purpose: str | None = None, max_bytes: int = MAX_BYTES
) -> Review:
    try:
        document = read_path(path, max_bytes=max_bytes)
    except TermsError as exc:
        return Review(str(path), "error", error=str(exc), error_rule=exc.rule)
    return review_document(document, purpose=purpose)


def review_bytes(data: bytes, name: str, *, purpose: str | None = None) -> Review:
    try:
        document = read_bytes(data, name)
    except TermsError as exc:
        return Review(name, "error", error=str(exc), error_rule=exc.rule)
    return review_document(document, purpose=purpose)


def review_document(document: Document, *, purpose: str | None = None) -> Review:
    purposes = load_purposes()
    if purpose is not None and purpose not in purposes.purposes:
        raise ValueError(f"unknown purpose {purpose!r}; known: {', '.join(purposes.purposes)}")
    language = guess_language(document.text)
    base = Review(
        document.name,
        "reviewed",
        format=document.format,
        pages=document.pages,
        language=language,
        notes=document.notes,
        purpose=purpose,
    )
    if not language.supported:
        name = language.language if language.language != "unknown" else "not recognised"
        return _replace(
            base,
            status="unsupported-language",
            error=(
                f"the text does not read as English (language: {name}; English function "
                f"words {language.english_ratio:.0%} of {language.words} words); the clause "
                "rules are English only, so no clause can be reported present or missing"
            ),
            error_rule="terms/unsupported-language",
        )
    rules = load_rules()
    matches = classify(rules, segment(document))
    categories = tuple(
        CategoryResult(c.id, c.group, c.title, tuple(m for m in matches if m.category == c.id))
        for c in rules.categories
    )
    missing = missing_clauses(categories)
    review = _replace(base, categories=categories, missing=missing)
    if purpose is not None:
        review = _replace(review, assessments=assess(review, purpose))
    return review


def _replace(review: Review, **changes: object) -> Review:
    from dataclasses import replace

    return replace(review, **changes)  # type: ignore[arg-type]


def missing_clauses(categories: tuple[CategoryResult, ...]) -> tuple[Missing, ...]:
    """The gaps (missing-clause rules) of one text, or of several texts' merged categories."""
    by_id = {c.category: c for c in categories}
    out: list[Missing] = []
    for rule in load_purposes().missing:
        if rule.only_if_present and not by_id[rule.only_if_present].present:
            continue
        satisfied = any(
            (not rule.unless_polarities or m.polarity in rule.unless_polarities)
            and (rule.unless_mentions is None or rule.unless_mentions.search(m.quote))
            for cid in rule.unless_categories
            for m in by_id[cid].matches
        )
        if not satisfied:
            out.append(Missing(rule.id, rule.message))
    return tuple(out)


def assess(review: Review, purpose: str) -> tuple[Assessment, ...]:
    """Apply a purpose's rules: each category (or gap) found gives its verdict and evidence."""
    spec = load_purposes().purposes[purpose]
    by_id = {c.category: c for c in review.categories}
    missing = {m.id for m in review.missing}
    out: list[Assessment] = []
    for rule in spec.rules:
        if rule.target in missing:
            out.append(Assessment(rule.target, rule.verdict, rule.why))
            continue
        result = by_id.get(rule.target)
        if result is None:
            continue
        hits = tuple(
            m for m in result.matches if not rule.polarities or m.polarity in rule.polarities
        )
        if hits:
            out.append(Assessment(rule.target, rule.verdict, rule.why, hits[:3]))
    return tuple(out)


def purposes() -> dict[str, str]:
    return {pid: p.description for pid, p in load_purposes().purposes.items()}
