"""decisions.parquet: one row per item, and its conversion to and from ``Decision``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from clearance.model.decision import Decision, Override, Reason, Status
from clearance.policy.schema import Policy

if TYPE_CHECKING:
    from clearance.policy.evaluate import Verdict

#: reasons, obligations and reliance are JSON arrays (the same few texts repeat over
#: millions of items: the engine writes them dictionary-encoded, so a decision costs an index)
DECISION_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("status", pa.string()),
        ("policy_status", pa.string()),
        ("purpose", pa.string()),
        ("policy", pa.string()),
        ("policy_version", pa.string()),
        ("license", pa.string()),
        ("rules", pa.string()),  # ids of the rules that fired, comma-separated
        (
            "reasons",
            pa.string(),
        ),  # JSON: [{rule_id, outcome, rationale, legal_reference, evidence}]
        ("obligations", pa.string()),  # JSON: [text]
        ("reliance", pa.string()),  # JSON: [reliance id]
        ("override_status", pa.string()),
        ("override_by", pa.string()),
        ("override_at", pa.string()),
        ("override_why", pa.string()),
        ("override_entry", pa.int64()),
    ]
)
_DICT = pa.dictionary(pa.int32(), pa.string())
_ENCODED = ("rules", "reasons", "obligations", "reliance")
MEMORY_SCHEMA = pa.schema(
    [pa.field(f.name, _DICT) if f.name in _ENCODED else f for f in DECISION_SCHEMA]
)


def verdict_table(
    policy: Policy, verdicts: Sequence[Verdict], group_of_item: np.ndarray, items: pa.Table
) -> pa.Table:
    """Spread per-signature verdicts over the items (``group_of_item[i]`` is item i's)."""
    index = pa.array(group_of_item.astype(np.int32))

    def encoded(texts: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(index, pa.array(texts, pa.string()))

    status = pa.array([v.status.value for v in verdicts], pa.string()).take(index)
    n = items.num_rows
    null = pa.nulls(n, pa.string())
    return pa.table(
        {
            "item_id": items.column("item_id"),
            "source": items.column("source"),
            "sha256": items.column("sha256"),
            "status": status,
            "policy_status": status,
            "purpose": pa.repeat(pa.scalar(policy.purpose), n),
            "policy": pa.repeat(pa.scalar(policy.id), n),
            "policy_version": pa.repeat(pa.scalar(policy.version), n),
            "license": pa.array([v.license for v in verdicts], pa.string()).take(index),
            "rules": encoded([v.rules_text for v in verdicts]),
            "reasons": encoded([v.reasons_json for v in verdicts]),
            "obligations": encoded([v.obligations_json for v in verdicts]),
            "reliance": encoded([v.reliance_json for v in verdicts]),
            "override_status": null,
            "override_by": null,
            "override_at": null,
            "override_why": null,
            "override_entry": pa.nulls(n, pa.int64()),
        },
        schema=MEMORY_SCHEMA,
    )


def row_to_decision(row: dict[str, Any]) -> Decision:
    override = None
    if row.get("override_status"):
        override = Override(
            by=row["override_by"],
            at=row["override_at"],
            why=row["override_why"],
            status=Status(row["override_status"]),
            entry=row.get("override_entry"),
        )
    return Decision(
        item_id=row["item_id"],
        status=Status(row["status"]),
        purpose=row["purpose"],
        policy=row["policy"],
        policy_version=row["policy_version"],
        reasons=tuple(
            Reason(
                rule_id=r["rule_id"],
                rationale=r["rationale"],
                legal_reference=r["legal_reference"],
                outcome=r["outcome"],
                evidence=tuple(r["evidence"] or ()),
            )
            for r in json.loads(row["reasons"] or "[]")
        ),
        obligations=tuple(json.loads(row["obligations"] or "[]")),
        override=override,
        policy_status=Status(row["policy_status"]),
        license=row["license"] or "",
        reliance=tuple(json.loads(row["reliance"] or "[]")),
    )
