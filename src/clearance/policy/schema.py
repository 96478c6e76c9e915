"""The policy file: a purpose and rules over findings, source declarations and license terms.

Strict like the manifest: unknown keys, misspelt term names and values the knowledge base does
not know fail at load with the file, the line and the rule id, because a rule that silently
never fires would clear data nobody meant to clear.
"""

from __future__ import annotations

import re
import string
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from clearance.licenses import AiTraining, Confidence, Derivatives, Kind, ShareAlike, Tri
from clearance.sources.manifest import SourceKind

#: what an obligation template may name
PLACEHOLDERS = frozenset(
    {"license", "licenses", "license_urls", "source", "source_kind", "output_terms"}
)
_ID = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,79}$")


class Outcome(StrEnum):
    CLEARED = "cleared"
    REVIEW = "review"
    BLOCKED = "blocked"


#: how bad an outcome is; the worst fired rule decides.
SEVERITY = {Outcome.CLEARED: 0, Outcome.REVIEW: 1, Outcome.BLOCKED: 2}


class LicenseState(StrEnum):
    """What the engine made of an item's license evidence."""

    KNOWN = "known"  # every key in the knowledge base
    NONE = "none"  # no declaration and no item-level license finding
    UNKNOWN = "unknown"  # some key the knowledge base does not know
    UNPARSEABLE = "unparseable"  # an expression that does not parse
    CONFLICT = "conflict"  # the item's own license differs from the source declaration


def _listify(value: Any) -> Any:
    """``kind: optout`` and ``kind: [optout, terms]`` mean the same."""
    if value is None or isinstance(value, list):
        return value
    return [value]


Strs = Annotated[list[str] | None, BeforeValidator(_listify)]
SetOrUnset = Literal["set", "unset"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FindingMatch(_Strict):
    """Matches one finding. Lists are alternatives; ``*`` and ``?`` are shell wildcards."""

    kind: Strs = None
    value: Strs = None
    value_not: Strs = None
    rule: Strs = None
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)


def _tri(value: Any) -> Any:
    # YAML reads a bare yes/no as a boolean; the knowledge base spells them as words.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [_tri(v) for v in value]
    return value


TriList = Annotated[list[Tri] | None, BeforeValidator(_listify), BeforeValidator(_tri)]
KindList = Annotated[list[Kind] | None, BeforeValidator(_listify)]
DerivativesList = Annotated[list[Derivatives] | None, BeforeValidator(_listify)]
ShareAlikeList = Annotated[list[ShareAlike] | None, BeforeValidator(_listify)]
AiTrainingList = Annotated[list[AiTraining] | None, BeforeValidator(_listify)]
ConfidenceList = Annotated[list[Confidence] | None, BeforeValidator(_listify)]


class TermsMatch(_Strict):
    """Conditions over the effective license terms (``clearance.licenses.evaluate``).

    Every given term must hold; a list means any of these values.
    """

    kind: KindList = None
    commercial_use: TriList = None
    derivatives: DerivativesList = None
    attribution: TriList = None
    share_alike: ShareAlikeList = None
    non_commercial: TriList = None
    no_derivatives: TriList = None
    research_only: TriList = None
    ai_training: AiTrainingList = None
    confidence: ConfidenceList = None
    output_terms: SetOrUnset | None = None
    mau_limit: SetOrUnset | None = None
    keys: Strs = None  # wildcards over the keys relied on, e.g. "*openrail*"


class LicenseMatch(_Strict):
    state: Annotated[list[LicenseState] | None, BeforeValidator(_listify)] = None


class SourceMatch(_Strict):
    """Conditions over what the manifest declared for the item's source."""

    name: Strs = None
    kind: Annotated[list[SourceKind] | None, BeforeValidator(_listify)] = None
    license: SetOrUnset | None = None
    terms: SetOrUnset | None = None
    consent: SetOrUnset | None = None
    vendor_agreement: SetOrUnset | None = None


class When(_Strict):
    """All given parts must hold. ``finding`` holds when some finding matches, ``no_finding``
    when none does. An empty ``when`` always holds."""

    finding: FindingMatch | None = None
    no_finding: FindingMatch | None = None
    terms: TermsMatch | None = None
    license: LicenseMatch | None = None
    source: SourceMatch | None = None


class Rule(_Strict):
    id: str
    when: When = Field(default_factory=When)
    outcome: Outcome
    rationale: str = Field(min_length=1)
    legal_reference: str = ""
    #: templates: {license} {licenses} {license_urls} {source} {source_kind}; a template that
    #: is exactly "{output_terms}" becomes one obligation per output term of the licenses.
    obligations: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("rule id: lower-case letters, digits, '.', '_', '/' or '-'")
        return value

    @field_validator("obligations")
    @classmethod
    def _placeholders(cls, templates: list[str]) -> list[str]:
        for template in templates:
            try:
                names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
            except ValueError as exc:
                raise ValueError(f"obligation {template!r}: {exc}") from None
            unknown = names - PLACEHOLDERS
            if unknown:
                raise ValueError(
                    f"obligation {template!r}: unknown placeholder(s) {sorted(unknown)}; "
                    f"use {sorted(PLACEHOLDERS)}"
                )
        return templates


class Reliance(_Strict):
    """A legal position counsel may choose to rely on (``--rely-on ID``): the named rules'
    ``blocked`` becomes ``review``, and the decision records the reliance."""

    id: str
    description: str = Field(min_length=1)
    legal_reference: str = Field(min_length=1)
    applies_to: list[str] = Field(min_length=1)


class Policy(_Strict):
    id: str
    version: str
    purpose: str
    kind: Literal["policy", "overlay"] = "policy"
    description: str = ""
    #: license findings below this confidence are clues, not assertions, and are ignored.
    min_license_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    #: the status when no review/blocked rule fired and no cleared rule fired either.
    default: Literal["cleared", "review"] = "cleared"
    rules: list[Rule] = Field(default_factory=list)
    reliances: list[Reliance] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        for reliance in self.reliances:
            missing = [r for r in reliance.applies_to if r not in seen]
            if missing:
                raise ValueError(f"reliance {reliance.id!r} names unknown rules: {missing}")
        return self

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)
