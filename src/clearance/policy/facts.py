"""What the engine knows about an item: its source's declarations, the findings that matter to
the policy, and the license terms those add up to.

Effective license = the source's declared license AND every item-level license finding at or
above the policy's confidence threshold. Item evidence can only add constraints (AND never
frees anything); an item license whose keys the declaration does not name is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from clearance.licenses import EffectiveTerms, evaluate, lookup, normalise_expression
from clearance.licenses.expressions import _licensing
from clearance.policy.schema import LicenseState


@dataclass(frozen=True)
class SourceInfo:
    """A source as the run recorded it (run.json ``sources``)."""

    name: str
    kind: str = "unknown"
    license: str | None = None
    terms: str | None = None
    consent: str | None = None
    vendor_agreement: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourceInfo:
        return cls(
            name=str(data["name"]),
            kind=str(data.get("kind") or "unknown"),
            license=data.get("license") or None,
            terms=data.get("terms") or None,
            consent=data.get("consent") or None,
            vendor_agreement=data.get("vendor_agreement") or None,
        )


def sources_by_name(run_json: Mapping[str, Any]) -> dict[str, SourceInfo]:
    return {s["name"]: SourceInfo.from_json(s) for s in run_json.get("sources", [])}


@dataclass(frozen=True, order=True)
class FindingSig:
    """A finding as the policy sees it. ``confidence`` is rounded down to the highest policy
    threshold it reaches, so items whose findings differ only below a threshold share a
    decision."""

    kind: str
    value: str
    rule: str
    confidence: float

    def describe(self) -> str:
        return f"{self.kind} {self.value!r} ({self.rule}, confidence >= {self.confidence:g})"


@dataclass(frozen=True)
class LicenseFacts:
    states: frozenset[LicenseState]
    expression: str  # the effective expression ("" when none)
    declared: str | None
    found: tuple[str, ...]  # item-level expressions relied on
    terms: EffectiveTerms | None  # None when there is no license or it does not parse
    note: str = ""


@lru_cache(maxsize=65536)
def _keys(expression: str) -> frozenset[str]:
    try:
        return frozenset(_licensing().license_keys(expression))
    except Exception:  # unparseable: handled by the caller
        return frozenset()


def _wrap(expression: str) -> str:
    return f"({expression})" if " " in expression else expression


def license_facts(
    declared: str | None, findings: Iterable[FindingSig], min_confidence: float
) -> LicenseFacts:
    found = tuple(
        sorted(
            {f.value for f in findings if f.kind == "license" and f.confidence >= min_confidence}
        )
    )
    return _license_facts(declared, found)


@lru_cache(maxsize=65536)
def _license_facts(declared: str | None, found: tuple[str, ...]) -> LicenseFacts:
    parts = ([declared] if declared else []) + list(found)
    if not parts:
        return LicenseFacts(frozenset({LicenseState.NONE}), "", declared, found, None)
    bad = [p for p in parts if normalise_expression(p).error is not None]
    if bad:
        return LicenseFacts(
            frozenset({LicenseState.UNPARSEABLE}),
            " AND ".join(_wrap(p) for p in parts),
            declared,
            found,
            None,
            note=f"does not parse as SPDX: {', '.join(repr(b) for b in bad)}",
        )
    unique = dict.fromkeys(normalise_expression(p).expression for p in parts)
    expression = " AND ".join(_wrap(p) for p in unique)
    terms = evaluate(expression)
    states: set[LicenseState] = set()
    note = ""
    if terms.error is not None:
        states.add(LicenseState.UNPARSEABLE)
        note = terms.error
    elif terms.unknown_keys:
        states.add(LicenseState.UNKNOWN)
        note = f"not in the knowledge base: {', '.join(terms.unknown_keys)}"
    else:
        states.add(LicenseState.KNOWN)
    if declared and found:
        # the item's own license, after its OR choices, against every key the source names
        declared_keys = {lookup(k).key for k in _keys(normalise_expression(declared).expression)}
        extra = sorted({k for f in found for k in evaluate(f).relied_on} - declared_keys)
        if extra:
            states.add(LicenseState.CONFLICT)
            note = (note + "; " if note else "") + (
                f"source declares {declared} but the item itself says {' AND '.join(found)}"
            )
    return LicenseFacts(
        frozenset(states), terms.expression, declared, found, terms if terms.ok else None, note
    )
