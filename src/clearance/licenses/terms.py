"""What a license lets you do, term by term, with the clause each term rests on.

A term is never a guess presented as fact: every value comes with an ``Evidence`` (the clause
quoted verbatim, where it sits, where the text came from) and the record says how it was
obtained (``Confidence``): read from the license text (curated), mapped from the ScanCode
LicenseDB category (derived), or not known at all (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SOFTWARE = "software"
    CONTENT = "content"
    DATA = "data"
    MODEL = "model"
    PUBLIC_DOMAIN_DEDICATION = "public-domain-dedication"
    TERMS_OF_SERVICE = "terms-of-service"
    UNKNOWN = "unknown"


class Tri(StrEnum):
    """A yes/no term that may not be known."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Derivatives(StrEnum):
    YES = "yes"
    PRIVATE_ONLY = "private-only"  # may adapt, may not share the adaptation (CC BY-ND 4.0)
    NO = "no"
    UNKNOWN = "unknown"


class ShareAlike(StrEnum):
    """How far a copyleft / share-alike condition reaches, weakest first."""

    NONE = "none"
    FILE = "file"  # the licensed files only (MPL-2.0, EPL-2.0, LGPL in practice)
    STRONG = "strong"  # the whole derived work (GPL, CC BY-SA)
    NETWORK = "network"  # also when offered over a network (AGPL-3.0)
    DATA = "data"  # derived databases (ODbL, CDLA-Sharing)
    UNKNOWN = "unknown"


class AiTraining(StrEnum):
    PERMITTED = "permitted"  # the text expressly allows it
    SILENT = "silent"  # the text does not address it; the general grant governs
    CONDITIONAL = "conditional"  # allowed under conditions stated in the text
    PROHIBITED = "prohibited"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    CURATED = "curated"  # terms read from the license text, clauses quoted
    DERIVED = "derived"  # mapped from the ScanCode LicenseDB category, terms not read
    UNKNOWN = "unknown"  # nothing known about this key


TERM_NAMES: tuple[str, ...] = (
    "commercial_use",
    "derivatives",
    "attribution",
    "share_alike",
    "non_commercial",
    "no_derivatives",
    "research_only",
    "ai_training",
    "output_terms",
    "mau_limit",
)
"""The terms a curated record must give evidence for."""


@dataclass(frozen=True)
class Evidence:
    """Why a term has its value: the clause, where it sits, where the text came from.

    ``quote`` is verbatim from the license text (whitespace collapsed), checked by the tests
    against a local copy (``text`` names it when it is not the record's own text), or ``None``
    when the value rests on ``note`` alone (e.g. "no NonCommercial condition in the text").
    ``verified`` is False when the clause was looked for and not found, or the record is
    derived: such a value is inferred (from the license's name or the ScanCode category), not
    read.
    """

    source: str
    section: str = ""
    quote: str | None = None
    accessed: str = ""
    note: str = ""
    verified: bool = True
    text: str = ""  # the local copy the quote is checked against, when not the record's own


@dataclass(frozen=True, kw_only=True)
class TermValues:
    """The terms themselves (``TERM_NAMES``), shared by a license's record and by the combined
    terms of an expression, so both always carry the same list."""

    commercial_use: Tri = Tri.UNKNOWN
    derivatives: Derivatives = Derivatives.UNKNOWN
    attribution: Tri = Tri.UNKNOWN
    share_alike: ShareAlike = ShareAlike.UNKNOWN
    non_commercial: Tri = Tri.UNKNOWN
    no_derivatives: Tri = Tri.UNKNOWN
    research_only: Tri = Tri.UNKNOWN
    ai_training: AiTraining = AiTraining.UNKNOWN
    output_terms: tuple[str, ...] = ()
    mau_limit: int | None = None
    confidence: Confidence = Confidence.UNKNOWN

    def term_values(self) -> dict[str, Any]:
        """``{term name: value}`` for every name in ``TERM_NAMES``."""
        return {name: getattr(self, name) for name in TERM_NAMES}


@dataclass(frozen=True, kw_only=True)
class LicenseTerms(TermValues):
    """The knowledge base record of one license key."""

    key: str
    name: str
    kind: Kind = Kind.UNKNOWN
    evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict, hash=False)
    category: str = ""  # the ScanCode LicenseDB category, where the index has the key
    aliases: tuple[str, ...] = ()
    url: str = ""  # the canonical text
    notes: str = ""

    def unverified_terms(self) -> tuple[str, ...]:
        """Terms whose value rests on no checked clause (to be read as weaker than the rest)."""
        if self.confidence != Confidence.CURATED:
            return TERM_NAMES
        return tuple(
            name
            for name in TERM_NAMES
            if not self.evidence.get(name) or not any(e.verified for e in self.evidence[name])
        )
