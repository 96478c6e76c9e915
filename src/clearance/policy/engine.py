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
from clearance.policy.table import DECISION_SCHEMA, verdict_table

_SEP = "\x1f"
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
        """``items`` needs item_id, source, sha256; ``findings`` the finding columns."""
        self.stats = DecideStats(items=items.num_rows)
        n = items.num_rows
        if n == 0:
            return DECISION_SCHEMA.empty_table()
        findings = self._relevant(findings)
        self.stats.findings_read = findings.num_rows
        item_pos = pc.index_in(findings.column("item_id"), value_set=items.column("item_id"))
        keep = pc.is_valid(item_pos)
        findings = findings.filter(keep)
        item_pos_np = pc.filter(item_pos, keep).to_numpy(zero_copy_only=False).astype(np.int64)
        conf = findings.column("confidence").to_numpy(zero_copy_only=False)
        band_idx = np.searchsorted(self.thresholds, conf, side="right") - 1
        band_idx = np.maximum(band_idx, 0)
        keys = pc.binary_join_element_wise(
            pc.fill_null(findings.column("kind"), ""),
            pc.fill_null(findings.column("value"), ""),
            pc.fill_null(findings.column("rule"), ""),
            pa.array(band_idx).cast(pa.string()),
            _SEP,
        )
        encoded = pc.dictionary_encode(keys).combine_chunks() if len(keys) else None
        triples = (
            encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            if encoded is not None
            else np.zeros(0, dtype=np.int64)
        )
        vocab: list[str] = encoded.dictionary.to_pylist() if encoded is not None else []
        sigs_all: list[FindingSig] = []
        if vocab:  # drop findings no rule can read (e.g. copyright holders, unique values)
            sigs_all = [self._sig(v) for v in vocab]
            useful = np.fromiter((self.relevant(f) for f in sigs_all), bool, len(vocab))
            mask = useful[triples]
            item_pos_np, triples = item_pos_np[mask], triples[mask]
        src = pc.dictionary_encode(items.column("source")).combine_chunks()
        src_idx = src.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        src_names: list[str] = src.dictionary.to_pylist()

        # unique (item, triple) pairs, sorted by item
        width = max(len(vocab), 1)
        pairs = np.unique(item_pos_np * width + triples)
        pair_item, pair_triple = pairs // width, pairs % width
        rng = np.random.default_rng(0x5EED)
        r1 = rng.integers(0, 2**63, size=width, dtype=np.int64).view(np.uint64) << np.uint64(1)
        r2 = rng.integers(0, 2**63, size=width, dtype=np.int64).view(np.uint64) << np.uint64(1)
        s1 = rng.integers(1, 2**63, size=len(src_names), dtype=np.int64).view(np.uint64)
        s2 = rng.integers(1, 2**63, size=len(src_names), dtype=np.int64).view(np.uint64)
        h1, h2 = s1[src_idx].copy(), s2[src_idx].copy()
        if len(pairs):
            starts = np.flatnonzero(np.r_[True, pair_item[1:] != pair_item[:-1]])
            owners = pair_item[starts]
            h1[owners] ^= np.bitwise_xor.reduceat(r1[pair_triple], starts)
            h2[owners] ^= np.bitwise_xor.reduceat(r2[pair_triple], starts)
        else:
            starts = owners = np.zeros(0, dtype=np.int64)
        first, inverse = _group(h1, h2)
        self.stats.signatures = len(first)

        # exact finding sets of each group's first item, then its verdict
        slot = np.full(n, -1, dtype=np.int64)
        slot[owners] = np.arange(len(owners))
        ends = np.r_[starts[1:], len(pairs)] if len(starts) else starts
        verdicts: list[Verdict] = []
        for item in first.tolist():
            source = sources.get(src_names[src_idx[item]]) or SourceInfo(src_names[src_idx[item]])
            at = slot[item]
            found: list[FindingSig] = []
            if at >= 0:
                found = [sigs_all[t] for t in pair_triple[starts[at] : ends[at]].tolist()]
            verdicts.append(self.verdict(source, found))
        table = verdict_table(self.policy, verdicts, pa.array(inverse), items)
        return self._apply_overrides(table, overrides or {})

    def _sig(self, key: str) -> FindingSig:
        kind, value, rule, band = key.split(_SEP)
        return FindingSig(kind, value, rule, float(self.thresholds[int(band)]))

    def relevant(self, f: FindingSig) -> bool:
        """Whether the finding can change a verdict: exact, so dropping it changes nothing."""
        if f.kind == "error":
            return True
        if f.kind == "license" and f.confidence >= self.policy.min_license_confidence:
            return True
        return any(test(f) for test in self.compiled.finding_tests(f.kind))

    def _relevant(self, findings: pa.Table) -> pa.Table:
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


def _group(h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of the (h1, h2) pairs: (index of each group's first row, group of each row)."""
    _, first, inverse = np.unique(h1, return_index=True, return_inverse=True)
    if np.array_equal(h2, h2[first][inverse]):
        return first, inverse
    both = np.ascontiguousarray(np.stack([h1, h2], axis=1)).view(np.dtype((np.void, 16))).ravel()
    _, first, inverse = np.unique(both, return_index=True, return_inverse=True)
    return first, inverse
