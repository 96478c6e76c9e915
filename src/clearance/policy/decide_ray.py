"""``decide`` on a Ray cluster: one task per scanned shard, the same ``Engine.decide``.

Why by shard: a decision depends only on the item's own findings, its source and counsel's
overrides, so the run's shards (already the unit of the scan) split the work exactly. The
run-level findings (duplicates) are read once and each task keeps those of its items.

When it pays: rarely on CPU. The columnar engine decides ~0.6-1 M items per CPU second
(benchmarks/RESULTS.md, policy engine), so even 100 M items take minutes on one core; what
one machine runs out of first is memory, since the local path reads every item and finding
of the run at once. Per-shard tasks bound each worker's memory to one shard; the driver still
gathers the decisions table (about 1/5 the size of the findings) to write it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from clearance.executors.ray_engine import MAX_RETRIES, connect, require_ray
from clearance.policy.engine import Engine
from clearance.policy.facts import SourceInfo
from clearance.policy.schema import Policy
from clearance.runs.store import RunStore

ITEM_COLUMNS = ["item_id", "source", "sha256"]
FINDING_COLUMNS = ["item_id", "kind", "value", "rule", "confidence"]


def _decide_shard(
    run_dir: str,
    shard: str,
    policy: Policy,
    rely_on: Sequence[str],
    sources: Mapping[str, SourceInfo],
    overrides: Mapping[str, Any],
    run_findings: pa.Table,
) -> tuple[pa.Table, int, int]:
    store = RunStore(run_dir)
    items = store.shard_items(shard, columns=ITEM_COLUMNS)
    own = store.shard_findings(shard, columns=FINDING_COLUMNS)
    ids = items.column("item_id")
    extra = run_findings.filter(pc.is_in(run_findings.column("item_id"), value_set=ids))
    engine = Engine(policy, rely_on)
    table = engine.decide(items, pa.concat_tables([own, extra]), dict(sources), dict(overrides))
    return table, engine.stats.signatures, engine.stats.overridden


def decide_on_ray(
    run: str | Path,
    policy: Policy,
    rely_on: Sequence[str],
    sources: Mapping[str, SourceInfo],
    overrides: Mapping[str, Any],
    address: str | None = None,
) -> tuple[pa.Table, int, int]:
    """(decisions, signatures summed over shards, overridden) for every item of ``run``."""
    ray = require_ray()
    connect(address)
    store = RunStore(run)
    run_findings = store.run_findings(columns=FINDING_COLUMNS)
    task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(_decide_shard)
    shared = [ray.put(x) for x in (policy, tuple(rely_on), dict(sources), dict(overrides))]
    findings_ref = ray.put(run_findings)
    refs = [
        task.remote(store.location, shard, *shared, findings_ref)
        for shard in sorted(store.done_shards())
    ]
    parts = ray.get(refs)
    tables = [t for t, _, _ in parts if t.num_rows]
    if not tables:
        return (
            Engine(policy, rely_on).decide(
                store.items(columns=ITEM_COLUMNS),
                store.findings(columns=FINDING_COLUMNS),
                dict(sources),
                dict(overrides),
            ),
            0,
            0,
        )
    table = pa.concat_tables(tables)
    return table, sum(s for _, s, _ in parts), sum(o for _, _, o in parts)
