"""Clause review of each source's vendor agreement and terms file, fed into the scan.

The agreements are read once per worker process in ``configure`` and their findings cached
per source; ``detect`` only stamps the cached findings with the item id, so the per-item
cost is a list copy. ``source-audit`` records *that* an agreement is on file (its path and
sha256) and what ``terms`` the manifest declares; this detector records *what the text
says*: one ``terms`` finding per clause category that a purpose acts on (value = category,
e.g. ``prohibition/ai-training``; rule = ``terms-review/<polarity>/<pattern>``, with the most
restrictive polarity found), and one per missing clause (``risk/indemnity-missing``).
Missing clauses are judged over all of a source's texts together. The informational
categories (term, territory, liability caps...) stay in ``clearance terms`` unless the scan
option ``terms_all_categories`` is true: every finding is written once per item, so the
table stays small.

A Hugging Face card's ``extra_gated_prompt`` (the terms shown before access, which
``dataset-card`` quotes whole) is reviewed too, once per distinct prompt, for its clause
categories only: a short prompt is not a whole agreement, so no gaps are reported for it.
An agreement that cannot be reviewed (encrypted, scanned, not English, corrupt) gives an
``error`` finding, so its items go to review. Not legal advice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item
from clearance.sources.manifest import Source
from clearance.terms import CategoryResult, Review, review_bytes, review_path
from clearance.terms.review import missing_clauses
from clearance.terms.rules import load_purposes

_PLACEHOLDER = "<item>"


@register
class TermsReviewDetector(Detector):
    name = "terms-review"
    version = "1.0"
    description = (
        "Clauses of each source's vendor agreement and terms file (grants, prohibitions, "
        "missing indemnity...)"
    )
    media_types = ("*",)
    time_budget_s = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._findings: dict[str, tuple[Finding, ...]] = {}
        self._prompts: dict[str, tuple[Finding, ...]] = {}
        self._categories: frozenset[str] | None = scan_categories()

    def configure(self, context: DetectorContext) -> None:
        if context.option("terms_all_categories", False):
            self._categories = None
        for source in context.sources:
            files = agreement_files(source)
            if files:
                self._findings[source.name] = self._review_source(files)

    def detect(self, item: Item) -> Iterator[Finding]:
        for template in self._findings.get(item.source, ()):
            yield replace(template, item_id=item.item_id)
        card = item.meta.get("hf_card") if item.meta else None
        prompt = card.get("extra_gated_prompt") if isinstance(card, dict) else None
        if isinstance(prompt, str) and prompt.strip():
            for template in self._prompt_findings(prompt):
                yield replace(template, item_id=item.item_id)

    def _prompt_findings(self, prompt: str) -> tuple[Finding, ...]:
        cached = self._prompts.get(prompt)
        if cached is None:
            if len(self._prompts) >= 256:  # one run rarely has more distinct cards
                self._prompts.clear()
            review = review_bytes(prompt.encode("utf-8"), "extra_gated_prompt.txt")
            if review.status != "reviewed":
                cached = (
                    error_finding(
                        _PLACEHOLDER,
                        review.error_rule or "terms/unreadable",
                        f"card extra_gated_prompt: {review.error}",
                        detector=self.name,
                    ),
                )
            else:
                cached = tuple(
                    self._category_finding(c, "card extra_gated_prompt")
                    for c in review.categories
                    if c.present and (self._categories is None or c.category in self._categories)
                )
            self._prompts[prompt] = cached
        return cached

    def _review_source(self, files: list[tuple[str, str]]) -> tuple[Finding, ...]:
        out: list[Finding] = []
        reviewed: list[Review] = []
        for role, path in files:
            review = review_path(path)
            label = f"{role} {Path(path).name}"
            if review.status != "reviewed":
                out.append(
                    error_finding(
                        _PLACEHOLDER,
                        review.error_rule or "terms/unreadable",
                        f"{label}: {review.error}",
                        detector=self.name,
                    )
                )
                continue
            reviewed.append(review)
            for category in review.categories:
                if category.present and (
                    self._categories is None or category.category in self._categories
                ):
                    out.append(self._category_finding(category, label))
        if reviewed:
            merged = _merge([r.categories for r in reviewed])
            names = ", ".join(Path(r.name).name for r in reviewed)
            for gap in missing_clauses(merged):
                out.append(
                    self._finding(
                        value=gap.id,
                        confidence=0.6,
                        rule=f"terms-review/missing/{gap.id}",
                        evidence=f"{names}: {gap.message}",
                    )
                )
        return tuple(out)

    def _category_finding(self, category: CategoryResult, label: str) -> Finding:
        polarity = category.polarities[0]  # the most restrictive one found
        first = next(m for m in category.matches if m.polarity == polarity)
        where = f" {first.where}" if first.where else ""
        return self._finding(
            value=category.category,
            confidence=0.6 if polarity == "neutral" else 0.8,
            rule=f"terms-review/{polarity}/{first.rule}",
            evidence=f"{label}{where}: \u201c{first.quote}\u201d"
            + "".join(f" [{k}: {v}]" for k, v in first.details),
        )

    def _finding(self, **fields: object) -> Finding:
        return Finding(
            item_id=_PLACEHOLDER,
            detector=self.name,
            detector_version=self.version,
            kind="terms",
            **fields,  # type: ignore[arg-type]
        )


def scan_categories() -> frozenset[str]:
    """The categories some purpose acts on (purposes.yaml): the ones a scan records."""
    purposes = load_purposes()
    return frozenset(r.target for p in purposes.purposes.values() for r in p.rules)


def agreement_files(source: Source) -> list[tuple[str, str]]:
    """(role, path) of the source's local agreement files; remote ones are not fetched."""
    files: list[tuple[str, str]] = []
    if source.vendor_agreement and "://" not in source.vendor_agreement:
        if not Path(source.vendor_agreement).is_file():
            raise ConfigError("vendor_agreement: file not found", file=source.vendor_agreement)
        files.append(("vendor agreement", source.vendor_agreement))
    terms = source.terms
    same = bool(files) and terms is not None and Path(files[0][1]) == Path(terms or "")
    if terms and "://" not in terms and Path(terms).is_file() and not same:
        files.append(("terms", terms))
    return files


def _merge(groups: list[tuple[CategoryResult, ...]]) -> tuple[CategoryResult, ...]:
    """One CategoryResult per category with the matches of every text."""
    first = groups[0]
    return tuple(
        replace(cat, matches=tuple(m for g in groups for m in g[i].matches))
        for i, cat in enumerate(first)
    )
