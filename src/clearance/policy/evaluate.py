"""Apply a policy's rules to one item's facts: the worst outcome of the rules that fire wins.

Whatever the policy says, an item with an error finding or without a known, agreed license is
never cleared (the ``engine/*`` floor), because unknown is not clean.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from clearance.licenses import EffectiveTerms
from clearance.model.decision import Reason
from clearance.policy.facts import FindingSig, LicenseFacts, SourceInfo, license_facts
from clearance.policy.schema import (
    SEVERITY,
    FindingMatch,
    LicenseState,
    Outcome,
    Policy,
    Reliance,
    Rule,
    SourceMatch,
    TermsMatch,
    When,
)

#: the floor: states that can never be cleared, with what the engine says about them.
FLOOR = {
    LicenseState.NONE: "no license: nothing declared for the source and none found in the item",
    LicenseState.UNKNOWN: "a license key the knowledge base does not know; its terms are unknown",
    LicenseState.UNPARSEABLE: "a license expression that does not parse",
    LicenseState.CONFLICT: "the item's own license disagrees with the source's declaration",
}
FLOOR_REFERENCE = "clearance principle: unknown is not clean (ARCHITECTURE.md, Principles)"
_SCALAR_TERMS = (
    "commercial_use",
    "derivatives",
    "attribution",
    "share_alike",
    "non_commercial",
    "no_derivatives",
    "research_only",
    "ai_training",
    "confidence",
)


@dataclass(frozen=True)
class Verdict:
    """A decision without its item: what every item of one signature gets."""

    status: Outcome
    reasons: tuple[Reason, ...]
    obligations: tuple[str, ...]
    license: str
    reliance: tuple[str, ...]

    # decisions.parquet's encoded columns, computed once per cached verdict
    @cached_property
    def rules_text(self) -> str:
        return ",".join(r.rule_id for r in self.reasons)

    @cached_property
    def reasons_json(self) -> str:
        return _json(
            [
                {
                    "rule_id": r.rule_id,
                    "outcome": r.outcome,
                    "rationale": r.rationale,
                    "legal_reference": r.legal_reference,
                    "evidence": list(r.evidence),
                }
                for r in self.reasons
            ]
        )

    @cached_property
    def obligations_json(self) -> str:
        return _json(list(self.obligations))

    @cached_property
    def reliance_json(self) -> str:
        return _json(list(self.reliance))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _globs(patterns: Sequence[str] | None) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(fnmatch.translate(p) for p in patterns), re.IGNORECASE)


class _FindingTest:
    def __init__(self, match: FindingMatch):
        self.kinds = frozenset(match.kind) if match.kind else None
        self.value = _globs(match.value)
        self.value_not = _globs(match.value_not)
        self.rule = _globs(match.rule)
        self.min_confidence = match.min_confidence

    def __call__(self, f: FindingSig) -> bool:
        return (
            (self.kinds is None or f.kind in self.kinds)
            and f.confidence >= self.min_confidence
            and (self.value is None or self.value.match(f.value) is not None)
            and (self.value_not is None or self.value_not.match(f.value) is None)
            and (self.rule is None or self.rule.match(f.rule) is not None)
        )


class CompiledRule:
    def __init__(self, rule: Rule):
        self.rule = rule
        when: When = rule.when
        self.finding = _FindingTest(when.finding) if when.finding else None
        self.no_finding = _FindingTest(when.no_finding) if when.no_finding else None
        self.terms: TermsMatch | None = when.terms
        self.term_keys = _globs(when.terms.keys) if when.terms else None
        self.states = frozenset(when.license.state or ()) if when.license else None
        self.source: SourceMatch | None = when.source
        self.source_names = _globs(when.source.name) if when.source else None

    def kinds(self) -> set[str] | None:
        """The finding kinds this rule reads (None: any kind)."""
        out: set[str] = set()
        for test in (self.finding, self.no_finding):
            if test is not None:
                if test.kinds is None:
                    return None
                out |= test.kinds
        return out

    def thresholds(self) -> set[float]:
        return {t.min_confidence for t in (self.finding, self.no_finding) if t is not None}

    def match(
        self, source: SourceInfo, findings: Sequence[FindingSig], lic: LicenseFacts
    ) -> tuple[bool, list[str]]:
        """Whether the rule fires, and the evidence it rests on, in words."""
        evidence: list[str] = []
        if self.source is not None and not self._source_ok(source):
            return False, evidence
        if self.states is not None and not (self.states & lic.states):
            return False, evidence
        if self.states is not None:
            evidence.append(f"license: {lic.note or lic.expression or 'none'}")
        if self.terms is not None:
            if lic.terms is None or not self._terms_ok(lic.terms):
                return False, evidence
            evidence += _clauses(self.terms, lic.terms)
        if self.no_finding is not None and any(self.no_finding(f) for f in findings):
            return False, evidence
        if self.finding is not None:
            hits = [f for f in findings if self.finding(f)]
            if not hits:
                return False, evidence
            evidence += [f.describe() for f in hits[:10]]
            if len(hits) > 10:
                evidence.append(f"and {len(hits) - 10} more findings")
        return True, evidence

    def _source_ok(self, source: SourceInfo) -> bool:
        m = self.source
        assert m is not None
        if self.source_names is not None and not self.source_names.match(source.name):
            return False
        if m.kind is not None and source.kind not in {k.value for k in m.kind}:
            return False
        for name in ("license", "terms", "consent", "vendor_agreement"):
            wanted = getattr(m, name)
            if wanted is not None and (getattr(source, name) is not None) != (wanted == "set"):
                return False
        return True

    def _terms_ok(self, terms: EffectiveTerms) -> bool:
        m = self.terms
        assert m is not None
        for name in _SCALAR_TERMS:
            wanted = getattr(m, name)
            if wanted is not None and getattr(terms, name) not in wanted:
                return False
        if m.kind is not None and not set(terms.kinds) & set(m.kind):
            return False
        if m.mau_limit is not None and (terms.mau_limit is not None) != (m.mau_limit == "set"):
            return False
        if m.output_terms is not None and bool(terms.output_terms) != (m.output_terms == "set"):
            return False
        keys = self.term_keys
        return keys is None or any(keys.match(k) for k in terms.relied_on)


def _clauses(match: TermsMatch, terms: EffectiveTerms) -> list[str]:
    """The knowledge base's evidence for each tested term, from the licenses relied on."""
    out: list[str] = []
    for name in (*_SCALAR_TERMS, "mau_limit", "output_terms"):
        wanted = getattr(match, name, None)
        if wanted is None or name == "confidence":
            continue
        for record in terms.licenses:
            value = getattr(record, name)
            if isinstance(wanted, list) and value not in wanted:
                continue  # this license is not the one the condition is about
            if wanted == "set" and not value:
                continue
            for ev in record.evidence.get(name, ())[:1]:
                where = f" {ev.section}" if ev.section else ""
                said = f": \u201c{ev.quote[:200]}\u201d" if ev.quote else f": {ev.note}"
                flag = "" if ev.verified else " (unverified)"
                out.append(f"{record.key}{where}{said}{flag} [{ev.source}]")
    return out


class CompiledPolicy:
    """A policy ready to evaluate, with the reliances counsel chose."""

    def __init__(self, policy: Policy, rely_on: Sequence[str] = ()):
        self.policy = policy
        self.rules = [CompiledRule(r) for r in policy.rules]
        known = {r.id: r for r in policy.reliances}
        unknown = [r for r in rely_on if r not in known]
        if unknown:
            from clearance.model.errors import ConfigError

            offered = ", ".join(known) or "none"
            raise ConfigError(
                f"policy {policy.id} offers no reliance {unknown} (offers: {offered})"
            )
        self.reliances: list[Reliance] = [known[r] for r in rely_on]
        self.relieved = {rid for r in self.reliances for rid in r.applies_to}
        self._tests: dict[str, list[_FindingTest]] = {}

    def kinds(self) -> set[str] | None:
        """Finding kinds any rule reads (None: all), plus license and error."""
        out = {"license", "error"}
        for rule in self.rules:
            kinds = rule.kinds()
            if kinds is None:
                return None
            out |= kinds
        return out

    def finding_tests(self, kind: str) -> list[_FindingTest]:
        """The finding/no_finding tests that could match a finding of ``kind``."""
        cached = self._tests.get(kind)
        if cached is None:
            cached = self._tests[kind] = [
                test
                for rule in self.rules
                for test in (rule.finding, rule.no_finding)
                if test is not None and (test.kinds is None or kind in test.kinds)
            ]
        return cached

    def thresholds(self) -> list[float]:
        found = {0.0, self.policy.min_license_confidence}
        for rule in self.rules:
            found |= rule.thresholds()
        return sorted(found)

    def evaluate(self, source: SourceInfo, findings: Sequence[FindingSig]) -> Verdict:
        lic = license_facts(source.license, findings, self.policy.min_license_confidence)
        reasons: list[Reason] = []
        obligations: list[str] = []
        worst: Outcome | None = None
        relied: list[str] = []
        for compiled in self.rules:
            fired, evidence = compiled.match(source, findings, lic)
            if not fired:
                continue
            rule = compiled.rule
            outcome = rule.outcome
            if outcome is Outcome.BLOCKED and rule.id in self.relieved:
                outcome = Outcome.REVIEW
                for reliance in self.reliances:
                    if rule.id in reliance.applies_to and reliance.id not in relied:
                        relied.append(reliance.id)
            reasons.append(
                Reason(
                    rule_id=rule.id,
                    rationale=rule.rationale,
                    legal_reference=rule.legal_reference,
                    outcome=outcome.value,
                    evidence=tuple(evidence),
                )
            )
            obligations += _render(rule.obligations, source, lic)
            if worst is None or SEVERITY[outcome] > SEVERITY[worst]:
                worst = outcome
        status = worst if worst is not None else Outcome(self.policy.default)
        if status is Outcome.CLEARED:
            status = self._floor(findings, lic, reasons)
        fired_ids = {r.rule_id for r in reasons}
        for rid in relied:
            reliance = next(r for r in self.reliances if r.id == rid)
            moved = ", ".join(r for r in reliance.applies_to if r in fired_ids)
            reasons.append(
                Reason(
                    rule_id=f"reliance/{rid}",
                    rationale=f"{reliance.description} (moved from blocked to review: {moved})",
                    legal_reference=reliance.legal_reference,
                    outcome=Outcome.REVIEW.value,
                )
            )
        return Verdict(
            status, tuple(reasons), tuple(dict.fromkeys(obligations)), lic.expression, tuple(relied)
        )

    @staticmethod
    def _floor(findings: Sequence[FindingSig], lic: LicenseFacts, reasons: list[Reason]) -> Outcome:
        errors = [f for f in findings if f.kind == "error"]
        if errors:
            reasons.append(
                Reason(
                    rule_id="engine/error",
                    rationale="the item could not be fully read or scanned; what was not "
                    "seen cannot be cleared",
                    legal_reference=FLOOR_REFERENCE,
                    outcome=Outcome.REVIEW.value,
                    evidence=tuple(f.describe() for f in errors[:10]),
                )
            )
        for state, words in FLOOR.items():
            if state in lic.states:
                reasons.append(
                    Reason(
                        rule_id=f"engine/{state.value}-license",
                        rationale=words,
                        legal_reference=FLOOR_REFERENCE,
                        outcome=Outcome.REVIEW.value,
                        evidence=(lic.note,) if lic.note else (),
                    )
                )
        floored = errors or (lic.states & FLOOR.keys())
        return Outcome.REVIEW if floored else Outcome.CLEARED


def _render(templates: Sequence[str], source: SourceInfo, lic: LicenseFacts) -> list[str]:
    out: list[str] = []
    terms = lic.terms
    records = terms.licenses if terms is not None else ()
    values: dict[str, Any] = {
        "license": lic.expression or "none",
        "licenses": ", ".join(r.key for r in records) or "none",
        "license_urls": ", ".join(r.url for r in records if r.url) or "none",
        "source": source.name,
        "source_kind": source.kind,
    }
    for template in templates:
        if template.strip() == "{output_terms}":
            out += [f"{r.key}: {t}" for r in records for t in r.output_terms]
            continue
        try:
            out.append(template.format(**values))
        except (KeyError, IndexError, ValueError):
            out.append(template)
    return out
