"""Group a run's items by signature, columnar: source + the set of findings the policy reads.

Everything per finding is numpy/pyarrow work on integer codes; Python runs once per distinct
(kind, rule, confidence band), once per distinct value where a rule tests values, and once per
distinct signature. Two independent 64-bit set hashes (XOR of random words, after removing
duplicate findings) group the items; each group's finding set is then rebuilt exactly from its
first item, so the rules always see exact sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearance.policy.facts import FindingSig

#: whether a (kind, rule, band) can matter: never, always, or depending on the value
NEVER, ALWAYS, BY_VALUE = 0, 1, 2


@dataclass(frozen=True)
class Groups:
    first: np.ndarray  # index of each group's first item
    inverse: np.ndarray  # group of each item
    findings: list[tuple[FindingSig, ...]]  # each group's exact finding set
    source_of_group: list[str]


def _codes(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(pc.fill_null(column, "")).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def group_items(
    items: pa.Table,
    findings: pa.Table,
    thresholds: np.ndarray,
    relevance: Callable[[str, str, float], int],
    value_matters: Callable[[FindingSig], bool],
) -> Groups:
    """``relevance(kind, rule, band)`` says NEVER / ALWAYS / BY_VALUE; ``value_matters`` then
    decides for one finding."""
    n = items.num_rows
    src_codes, src_names = _codes(items.column("source"))
    pos = pc.index_in(findings.column("item_id"), value_set=items.column("item_id"))
    keep = pc.is_valid(pos)
    if not pc.all(keep).as_py():
        findings, pos = findings.filter(keep), pc.filter(pos, keep)
    item_of = pos.to_numpy(zero_copy_only=False).astype(np.int64)
    sigs: list[FindingSig] = []
    triple = np.zeros(0, dtype=np.int64)
    if len(item_of):
        kind_c, kinds = _codes(findings.column("kind"))
        rule_c, rules = _codes(findings.column("rule"))
        conf = findings.column("confidence").to_numpy(zero_copy_only=False)
        band_c = np.maximum(np.searchsorted(thresholds, conf, side="right") - 1, 0)
        nb = len(thresholds)
        krb = (kind_c * len(rules) + rule_c) * nb + band_c
        krb_u, krb_inv = np.unique(krb, return_inverse=True)
        rel_u = np.array(
            [
                relevance(
                    kinds[k // (len(rules) * nb)], rules[(k // nb) % len(rules)], thresholds[k % nb]
                )
                for k in krb_u.tolist()
            ],
            dtype=np.int8,
        )
        rows = np.flatnonzero(rel_u[krb_inv] != NEVER)
        value_c, values = _codes(findings.column("value").take(pa.array(rows)))
        width_v = max(len(values), 1)
        key = krb[rows] * width_v + value_c
        key_u, key_inv = np.unique(key, return_inverse=True)
        rel_key = rel_u[np.searchsorted(krb_u, key_u // width_v)].tolist()
        for k in key_u.tolist():
            base, v = divmod(k, width_v)
            kb, b = divmod(base, nb)
            kd, r = divmod(kb, len(rules))
            sigs.append(FindingSig(kinds[kd], values[v], rules[r], float(thresholds[b])))
        useful = np.fromiter(
            (rel == ALWAYS or value_matters(sig) for sig, rel in zip(sigs, rel_key, strict=True)),
            dtype=bool,
            count=len(sigs),
        )
        sel = useful[key_inv]
        item_of, triple = item_of[rows][sel], key_inv[sel].astype(np.int64)

    width = max(len(sigs), 1)
    pairs = np.sort(item_of * width + triple)
    if len(pairs):
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # one per (item, finding)
    pair_item, pair_triple = pairs // width, pairs % width
    rng = np.random.default_rng(0x5EED)
    r1, r2 = (rng.integers(0, 2**63, size=width, dtype=np.int64).view(np.uint64) for _ in "12")
    s1, s2 = (
        rng.integers(1, 2**63, size=len(src_names), dtype=np.int64).view(np.uint64) for _ in "12"
    )
    h1, h2 = s1[src_codes], s2[src_codes]
    starts = np.flatnonzero(np.r_[True, pair_item[1:] != pair_item[:-1]]) if len(pairs) else pairs
    owners = pair_item[starts]
    if len(pairs):
        h1[owners] ^= np.bitwise_xor.reduceat(r1[pair_triple], starts)
        h2[owners] ^= np.bitwise_xor.reduceat(r2[pair_triple], starts)
    first, inverse = _group(h1, h2)

    slot = np.full(n, -1, dtype=np.int64)
    slot[owners] = np.arange(len(owners))
    ends = np.r_[starts[1:], len(pairs)] if len(starts) else starts
    sets: list[tuple[FindingSig, ...]] = []
    for item in first.tolist():
        at = slot[item]
        if at < 0:
            sets.append(())
        else:
            sets.append(tuple(sigs[t] for t in pair_triple[starts[at] : ends[at]].tolist()))
    return Groups(first, inverse, sets, [src_names[c] for c in src_codes[first].tolist()])


def _group(h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of each group's first row, group of each row) of the (h1, h2) pairs."""
    _, first, inverse = np.unique(h1, return_index=True, return_inverse=True)
    if np.array_equal(h2, h2[first][inverse]):
        return first, inverse
    both = np.ascontiguousarray(np.stack([h1, h2], axis=1)).view(np.dtype((np.void, 16))).ravel()
    _, first, inverse = np.unique(both, return_index=True, return_inverse=True)
    return first, inverse
