"""Decide every item of a run, fast: items with the same signature get the same decision.

An item's signature is its source plus the set of (kind, value, rule, confidence band) of the
findings the policy reads. Corpora repeat a few hundred signatures over millions of items, so
the engine evaluates each signature once (cached across calls) and spreads the verdict over
the items with pyarrow ``take``. Signatures are grouped with two independent 64-bit set
hashes computed in numpy (XOR of per-finding random words); the rules then run on the exact
finding set of each group's first item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearance.model.decision import Override
from clearance.policy.evaluate import CompiledPolicy, Verdict
from clearance.policy.facts import FindingSig, SourceInfo
from clearance.policy.schema import Policy
from clearance.policy.signatures import ALWAYS, BY_VALUE, NEVER, group_items
from clearance.policy.table import MEMORY_SCHEMA, verdict_table

_FINDING_COLUMNS = ["item_id", "kind", "value", "rule", "confidence"]


@dataclass
class DecideStats:
    items: int = 0
    findings_read: int = 0
    signatures: int = 0
    evaluated: int = 0  # signatures not found in the cache
    overridden: int = 0


class Engine:
    """A compiled policy and its verdict cache (exact key: source + finding set)."""

    def __init__(self, policy: Policy, rely_on: Sequence[str] = (), *, cache: bool = True):
        self.compiled = CompiledPolicy(policy, rely_on)
        self.policy = policy
        self.thresholds = np.array(self.compiled.thresholds(), dtype=np.float64)
        self.kinds = self.compiled.kinds()
        self.use_cache = cache
        self._cache: dict[tuple[SourceInfo, tuple[FindingSig, ...]], Verdict] = {}
        self.stats = DecideStats()

    def verdict(self, source: SourceInfo, findings: Sequence[FindingSig]) -> Verdict:
        key = (source, tuple(sorted(set(findings))))
        if self.use_cache:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        self.stats.evaluated += 1
        verdict = self.compiled.evaluate(source, key[1])
        if self.use_cache:
            self._cache[key] = verdict
        return verdict

    def band(self, confidence: float) -> float:
        """The highest policy threshold ``confidence`` reaches."""
        at = int(np.searchsorted(self.thresholds, confidence, side="right")) - 1
        return float(self.thresholds[max(at, 0)])

    # -- a whole run ------------------------------------------------------------------
    def decide(
        self,
        items: pa.Table,
        findings: pa.Table,
        sources: Mapping[str, SourceInfo],
        overrides: Mapping[str, Override] | None = None,
    ) -> pa.Table:
        """``items`` needs item_id, source, sha256; ``findings`` item_id, kind, value, rule,
        confidence. One row per item, in the items' order."""
        self.stats = DecideStats(items=items.num_rows, findings_read=findings.num_rows)
        if items.num_rows == 0:
            return MEMORY_SCHEMA.empty_table()
        findings = self._readable(findings)
        groups = group_items(items, findings, self.thresholds, self.relevance, self.value_matters)
        self.stats.signatures = len(groups.first)
        verdicts = [
            self.verdict(sources.get(name) or SourceInfo(name), found)
            for name, found in zip(groups.source_of_group, groups.findings, strict=True)
        ]
        table = verdict_table(self.policy, verdicts, groups.inverse, items)
        return self._apply_overrides(table, overrides or {})

    def relevance(self, kind: str, rule: str, band: float) -> int:
        """Whether findings of this kind, rule and confidence band can change a verdict."""
        if kind == "error" or (kind == "license" and band >= self.policy.min_license_confidence):
            return ALWAYS
        candidates = [
            t
            for t in self.compiled.finding_tests(kind)
            if t.min_confidence <= band and (t.rule is None or t.rule.match(rule))
        ]
        if not candidates:
            return NEVER
        if any(t.value is None and t.value_not is None for t in candidates):
            return ALWAYS
        return BY_VALUE

    def value_matters(self, f: FindingSig) -> bool:
        return any(test(f) for test in self.compiled.finding_tests(f.kind))

    def relevant(self, f: FindingSig) -> bool:
        """Whether one finding can change a verdict (dropping the others changes nothing)."""
        level = self.relevance(f.kind, f.rule, f.confidence)
        return level == ALWAYS or (level == BY_VALUE and self.value_matters(f))

    def _readable(self, findings: pa.Table) -> pa.Table:
        findings = findings.select(_FINDING_COLUMNS)
        if self.kinds is None or findings.num_rows == 0:
            return findings
        return findings.filter(pc.is_in(findings.column("kind"), pa.array(sorted(self.kinds))))

    def _apply_overrides(self, table: pa.Table, overrides: Mapping[str, Override]) -> pa.Table:
        if not overrides:
            return table
        keys = list(overrides)
        pos = pc.index_in(table.column("sha256"), value_set=pa.array(keys, pa.string()))
        hit = pc.is_valid(pos)
        self.stats.overridden = int(pc.sum(hit).as_py() or 0)
        if not self.stats.overridden:
            return table
        chosen = [overrides[k] for k in keys]
        pos = pc.fill_null(pos, 0)

        def pick(values: list[object], typ: pa.DataType) -> pa.Array:
            picked = pa.array(values, typ).take(pos)
            return pc.if_else(hit, picked, pa.nulls(len(table), typ))

        columns = {
            "override_status": pick([o.status.value for o in chosen], pa.string()),
            "override_by": pick([o.by for o in chosen], pa.string()),
            "override_at": pick([o.at for o in chosen], pa.string()),
            "override_why": pick([o.why for o in chosen], pa.string()),
            "override_entry": pick([o.entry for o in chosen], pa.int64()),
        }
        for name, column in columns.items():
            table = table.set_column(table.schema.get_field_index(name), name, column)
        status = pc.if_else(hit, columns["override_status"], table.column("policy_status"))
        return table.set_column(table.schema.get_field_index("status"), "status", status)
