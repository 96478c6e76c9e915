"""Rule-based clause classification: which categories a clause speaks to, and how.

Each sentence is matched against every pattern; an ``auto`` pattern reads its polarity from
the words before the match (back to the sentence start, a contrast word like "but", or the
list lead "You may not:"): an odd count of negators and "except" words prohibits ("you may
not use the data to train" / "any purpose except training"), an even non-zero count grants
("may not ... except to train"), a permission word grants, otherwise the pattern's default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from clearance.terms.rules import Category, Cues, Pattern, Rules
from clearance.terms.segment import Clause

_SENTENCE: Final = re.compile(
    r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\bU\.S)(?<!\bNo)(?<=[.!?])\s+(?=[A-Z0-9(\"\u201c\u2018])"
)
QUOTE_MAX: Final = 320
MAX_SENTENCE: Final = 2_000


@dataclass(frozen=True)
class Match:
    category: str
    polarity: str
    rule: str
    quote: str
    section: str
    page: int | None
    clause: int
    #: (name, text) read from the sentence, e.g. ("cap", "the fees paid in the last 12 months")
    details: tuple[tuple[str, str], ...] = ()

    @property
    def where(self) -> str:
        parts = []
        if self.section:
            parts.append(f"§ {self.section}" if self.section[:1].isdigit() else self.section)
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for part in _SENTENCE.split(text):
        part = part.strip()
        while len(part) > MAX_SENTENCE:  # a runaway "sentence" (no punctuation) is cut
            out.append(part[:MAX_SENTENCE])
            part = part[MAX_SENTENCE:]
        if part:
            out.append(part)
    return out


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> int:
    return sum(len(p.findall(text)) for p in patterns)


def _scope(cues: Cues, prefix: str) -> str:
    """The part of the prefix that governs the match: after the last contrast word."""
    cut = 0
    for pattern in cues.contrasts:
        for m in pattern.finditer(prefix):
            cut = max(cut, m.end())
    return prefix[cut:]


def polarity_of(cues: Cues, pattern: Pattern, prefix: str, suffix: str) -> str:
    if pattern.polarity != "auto":
        return pattern.polarity
    scope = _scope(cues, prefix)
    if any(p.search(scope) for p in cues.unrestricted):
        return "grants"
    flips = _count(cues.negators, scope) + _count(cues.exceptors, scope)
    flips += any(p.search(scope) for p in cues.restriction_before)
    if any(p.search(suffix) for p in cues.after_negators):
        flips += 1
    if flips % 2 == 1:
        return "prohibits"
    if flips or any(p.search(scope) for p in cues.permissions):
        return "grants"
    return pattern.default


def _quote(sentence: str, start: int, end: int) -> str:
    if len(sentence) <= QUOTE_MAX:
        return sentence
    left = max(0, min(start - 100, len(sentence) - QUOTE_MAX))
    text = sentence[left : left + QUOTE_MAX]
    return ("…" if left else "") + text + ("…" if left + QUOTE_MAX < len(sentence) else "")


def classify_clause(rules: Rules, clause: Clause) -> list[Match]:
    matches: list[Match] = []
    lead = clause.lead.rstrip(":") + " " if clause.lead else ""
    for sentence in sentences(clause.text):
        found: list[Match] = []
        defines = any(p.search(sentence) for p in rules.cues.definition)
        seen: set[tuple[str, str]] = set()
        for category in rules.categories:
            if defines and category.skip_definitions:
                continue
            if category.unless is not None and category.unless.search(sentence):
                continue
            for pattern in category.patterns:
                if defines and pattern.skip_definitions:
                    continue
                m = pattern.regex.search(sentence)
                if m is None:
                    continue
                prefix = lead + sentence[: m.start()]
                polarity = polarity_of(rules.cues, pattern, prefix, sentence[m.end() :])
                if polarity == "prohibits" and category.negated_polarity:
                    polarity = category.negated_polarity
                if category.decided_only and polarity not in ("grants", "prohibits"):
                    continue
                target = _target(category, polarity)
                if target is None or (target, polarity) in seen:
                    continue
                seen.add((target, polarity))
                quote = _quote(sentence, m.start(), m.end())
                if lead and not sentence.startswith(clause.lead):
                    quote = f"[{clause.lead.strip()}] {quote}"
                found.append(
                    Match(
                        target,
                        polarity,
                        pattern.id,
                        quote,
                        clause.section,
                        clause.page,
                        clause.index,
                        _details(category, sentence),
                    )
                )
                break  # the first pattern of a category that matches wins
        polar = {m.category for m in found if m.polarity != "neutral"}
        matches.extend(m for m in found if m.polarity != "neutral" or m.category not in polar)
    return matches


def _details(category: Category, sentence: str) -> tuple[tuple[str, str], ...]:
    out = []
    for name, regex in category.details:
        m = regex.search(sentence)
        if m is not None:
            text = next((g for g in m.groups() if g), m.group(0))
            out.append((name, " ".join(text.split())[:200]))
    return tuple(out)


def _target(category: Category, polarity: str) -> str | None:
    """Where a match belongs; None when it says nothing the category is about."""
    if polarity == "prohibits" and category.when_prohibited:
        return category.when_prohibited
    if category.group == "prohibition" and polarity != "prohibits":
        return None  # "you may crawl" is not a prohibition of crawling
    return category.id


def classify(rules: Rules, clauses: list[Clause]) -> list[Match]:
    out: list[Match] = []
    for clause in clauses:
        out.extend(classify_clause(rules, clause))
    return out
