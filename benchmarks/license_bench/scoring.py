"""One scorer for both tools: expected vs detected SPDX expressions, and copyright holders.

Expressions are compared after normalising both sides with ``license-expression`` (SPDX
symbols, so ``GPL-2.0+`` is ``GPL-2.0-or-later``; ``simplify()`` sorts and de-duplicates, so
``MIT AND Apache-2.0`` equals ``Apache-2.0 AND MIT``; ``LicenseRef-`` ids compare
case-insensitively). Each file gets one outcome:

* ``correct``: the normalised expressions are equal (both empty for a negative);
* ``miss``: something was expected, nothing was detected;
* ``unknown``: only generic/unknown keys were detected (ScanCode's ``unknown-license-reference``,
  ``other-permissive``...), i.e. "some license, not said which", when that was not expected;
* ``wrong``: a specific license expression was detected that is not the expected one (on a
  negative too): the confidently wrong answer the ``wrong-specific`` rate counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from license_expression import get_spdx_licensing

OUTCOMES = ("correct", "miss", "unknown", "wrong")

#: ScanCode LicenseDB keys flagged ``is_unknown`` or ``is_generic`` (licensedcode/data/licenses
#: of scancode-toolkit-mini 32.5.0), as SPDX LicenseRefs; the labelled-set builder reads the
#: same flags from the wheel and passes its own set when it has one.
GENERIC_KEYS = frozenset(
    f"licenseref-scancode-{key}"
    for key in (
        "agpl-generic-additional-terms",
        "commercial-license",
        "free-unknown",
        "generic-cla",
        "generic-exception",
        "generic-export-compliance",
        "generic-tos",
        "generic-trademark",
        "gpl-generic-additional-terms",
        "no-license",
        "other-copyleft",
        "other-permissive",
        "patent-disclaimer",
        "proprietary-license",
        "public-domain",
        "public-domain-disclaimer",
        "unknown",
        "unknown-license-reference",
        "unknown-spdx",
        "unpublished-source",
        "us-govt-public-domain",
        "warranty-disclaimer",
    )
)

_REF = re.compile(r"\b((?:LicenseRef|DocumentRef)-[\w.+:-]+)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _licensing() -> Any:
    return get_spdx_licensing()


@lru_cache(maxsize=65536)
def _parse(expression: str) -> tuple[str, frozenset[str]]:
    text = _REF.sub(lambda m: m.group(1).lower(), expression.strip())
    if not text:
        return "", frozenset()
    licensing = _licensing()
    try:
        parsed = licensing.parse(text, validate=False, strict=False, simple=False)
    except Exception:  # unparseable: compare the raw text
        raw = " ".join(text.split()).casefold()
        return raw, frozenset({raw})
    if parsed is None:
        return "", frozenset()
    simplified = parsed.simplify()
    keys = frozenset(s.key.casefold() for s in licensing.license_symbols(simplified))
    return simplified.render("{symbol.key}").casefold(), keys


def canonical(expression: str | None) -> str:
    """The comparison form of an expression ("" for none)."""
    return _parse(expression or "")[0]


def license_keys(expression: str | None) -> frozenset[str]:
    """The license and exception ids in an expression, case-folded."""
    return _parse(expression or "")[1]


def same_expression(a: str | None, b: str | None) -> bool:
    return canonical(a) == canonical(b)


def classify(
    expected: str | None, detected: str | None, generic: frozenset[str] = GENERIC_KEYS
) -> str:
    """One of OUTCOMES for a file (see the module docstring)."""
    if same_expression(expected, detected):
        return "correct"
    keys = license_keys(detected)
    if not keys:
        return "miss"
    if keys <= generic:
        return "unknown"
    return "wrong"


@dataclass
class Tally:
    """Outcome counts for a group of files."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def rate(self, outcome: str) -> float:
        return self.counts[outcome] / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            **{o: self.counts[o] for o in OUTCOMES},
            "accuracy": self.rate("correct"),
            "wrong_specific_rate": self.rate("wrong"),
            "miss_rate": self.rate("miss"),
            "unknown_rate": self.rate("unknown"),
        }


def score(
    records: Sequence[Mapping[str, Any]],
    detected: Mapping[str, str],
    generic: frozenset[str] = GENERIC_KEYS,
) -> dict[str, Any]:
    """Tallies overall, per category and for labels naming a specific license.

    ``records`` have ``path``, ``expected`` and ``category``; ``detected`` maps path to the
    detected expression ("" or absent: nothing found).
    """
    overall, specific = Tally(), Tally()
    per_category: dict[str, Tally] = {}
    outcomes: dict[str, str] = {}
    for record in records:
        outcome = classify(record["expected"], detected.get(record["path"], ""), generic)
        outcomes[record["path"]] = outcome
        overall.add(outcome)
        per_category.setdefault(record["category"], Tally()).add(outcome)
        if record["category"] != "rule-generic":
            specific.add(outcome)
    return {
        "overall": overall.as_dict(),
        "specific_labels": specific.as_dict(),
        "categories": {k: per_category[k].as_dict() for k in sorted(per_category)},
        "outcomes": outcomes,
    }


_CORPORATE = re.compile(r"(?:\s+(?:inc|incorporated|ltd|limited|llc|corp|corporation|co|gmbh))+$")


def normalise_holder(holder: str) -> str:
    """Case-folded, accent- and punctuation-free holder name without "the" or a trailing
    corporate suffix (ScanCode reports "Sebastian Ramirez" for "Sebastián Ramírez")."""
    text = unicodedata.normalize("NFKD", holder.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", " ", text).strip()
    text = re.sub(r"^the\s+", "", text)
    return _CORPORATE.sub("", text).strip()


def holder_agreement(
    ours: Mapping[str, Iterable[str]], theirs: Mapping[str, Iterable[str]], paths: Iterable[str]
) -> dict[str, Any]:
    """Per-file agreement of normalised holder sets; precision/recall against ``theirs``."""
    files = agree = matched = n_ours = n_theirs = 0
    for path in paths:
        a = {h for h in map(normalise_holder, ours.get(path, ())) if h}
        b = {h for h in map(normalise_holder, theirs.get(path, ())) if h}
        if not a and not b:
            continue
        files += 1
        agree += a == b
        matched += len(a & b)
        n_ours += len(a)
        n_theirs += len(b)
    return {
        "files_with_holders": files,
        "files_agreeing": agree,
        "agreement": agree / files if files else 0.0,
        "holders_ours": n_ours,
        "holders_theirs": n_theirs,
        "precision": matched / n_ours if n_ours else 0.0,
        "recall": matched / n_theirs if n_theirs else 0.0,
    }
