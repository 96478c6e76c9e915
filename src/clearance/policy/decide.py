"""``clearance decide`` as a library call: read a run, apply the policy and the ledger's
overrides, write decisions.parquet and a ``decisions`` section in run.json."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from clearance.model.decision import Decision
from clearance.model.errors import ConfigError
from clearance.policy.engine import Engine
from clearance.policy.facts import sources_by_name
from clearance.policy.ledger import ledger_for
from clearance.policy.schema import Policy
from clearance.policy.table import DECISION_SCHEMA, row_to_decision
from clearance.runs.store import open_run


@dataclass(frozen=True)
class DecideSummary:
    run_dir: str
    policy: str
    policy_version: str
    purpose: str
    items: int
    counts: dict[str, int]
    overridden: int
    signatures: int
    seconds: float
    ledger: str
    reliance: tuple[str, ...]


def decide_run(
    run: str | Path,
    policy: Policy,
    *,
    rely_on: Sequence[str] = (),
    ledger: str | Path | None = None,
    engine: Engine | None = None,
    executor: str = "local",
    address: str | None = None,
) -> DecideSummary:
    """``executor="ray"`` decides shard by shard on a Ray cluster (see decide_ray)."""
    started = time.perf_counter()
    store = open_run(run)
    info = store.read_run_json()
    engine = engine or Engine(policy, rely_on)
    book = ledger_for(run, ledger)  # None: a run on object storage and no --ledger
    has_book = book is not None and book.exists()
    overrides = book.overrides(policy.purpose) if book is not None and has_book else {}
    head = book.head() if book is not None and has_book else (0, "")
    if executor not in ("local", "ray"):
        raise ConfigError(f"unknown engine {executor!r}; choose local or ray")
    if executor == "ray":
        from clearance.policy.decide_ray import decide_on_ray

        table, engine.stats.signatures, engine.stats.overridden = decide_on_ray(
            store.location, engine.policy, rely_on, sources_by_name(info), overrides, address
        )
    else:
        table = engine.decide(
            store.items(columns=["item_id", "source", "sha256"]),
            store.findings(columns=["item_id", "kind", "value", "rule", "confidence"]),
            sources_by_name(info),
            overrides,
        )
    store.write_decisions(table)
    counts = Counter(table.column("status").to_pylist()) if table.num_rows else Counter()
    seconds = time.perf_counter() - started
    summary = DecideSummary(
        run_dir=str(run),
        policy=policy.id,
        policy_version=policy.version,
        purpose=policy.purpose,
        items=table.num_rows,
        counts={s: counts.get(s, 0) for s in ("cleared", "review", "blocked")},
        overridden=engine.stats.overridden,
        signatures=engine.stats.signatures,
        seconds=round(seconds, 3),
        ledger=str(book.path) if book is not None else "",
        reliance=tuple(rely_on),
    )
    info["decisions"] = {
        "decided": datetime.now(UTC).isoformat(timespec="seconds"),
        "policy": policy.id,
        "policy_version": policy.version,
        "purpose": policy.purpose,
        "reliance": list(rely_on),
        "counts": summary.counts,
        "overridden": summary.overridden,
        "signatures": summary.signatures,
        "seconds": summary.seconds,
        "ledger": {
            "path": str(book.path.resolve()) if book is not None else None,
            "head_entry": head[0],
            "head_hash": head[1],
        },
    }
    store.write_run_json(info)
    return summary


def read_decisions(run: str | Path) -> list[Decision]:
    return [row_to_decision(r) for r in open_run(run).decisions(DECISION_SCHEMA).to_pylist()]


def decision_for(run: str | Path, item_id: str) -> Decision | None:
    table = open_run(run).decisions(DECISION_SCHEMA)
    rows = table.filter(pc.equal(table.column("item_id"), item_id)).to_pylist()
    return row_to_decision(rows[0]) if rows else None


def status_counts(run: str | Path) -> dict[str, Any]:
    table = open_run(run).decisions(DECISION_SCHEMA)
    counts = Counter(table.column("status").to_pylist())
    return {s: counts.get(s, 0) for s in ("cleared", "review", "blocked")}
