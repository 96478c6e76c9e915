"""decisions.parquet: one row per item, and its conversion to and from ``Decision``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from clearance.model.decision import Decision, Override, Reason, Status
from clearance.policy.schema import Policy

REASON_TYPE = pa.struct(
    [
        ("rule_id", pa.string()),
        ("outcome", pa.string()),
        ("rationale", pa.string()),
        ("legal_reference", pa.string()),
        ("evidence", pa.list_(pa.string())),
    ]
)

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
        ("reasons", pa.list_(REASON_TYPE)),
        ("obligations", pa.list_(pa.string())),
        ("reliance", pa.list_(pa.string())),
        ("override_status", pa.string()),
        ("override_by", pa.string()),
        ("override_at", pa.string()),
        ("override_why", pa.string()),
        ("override_entry", pa.int64()),
    ]
)


def _reason_row(reason: Reason) -> dict[str, Any]:
    return {
        "rule_id": reason.rule_id,
        "outcome": reason.outcome,
        "rationale": reason.rationale,
        "legal_reference": reason.legal_reference,
        "evidence": list(reason.evidence),
    }


def verdict_table(
    policy: Policy, verdicts: Sequence[Any], group_of_item: pa.Array, items: pa.Table
) -> pa.Table:
    """Spread per-signature verdicts over the items (``group_of_item[i]`` is item i's)."""
    per_group = pa.table(
        {
            "status": pa.array([v.status.value for v in verdicts], pa.string()),
            "license": pa.array([v.license for v in verdicts], pa.string()),
            "reasons": pa.array(
                [[_reason_row(r) for r in v.reasons] for v in verdicts], pa.list_(REASON_TYPE)
            ),
            "obligations": pa.array([list(v.obligations) for v in verdicts], pa.list_(pa.string())),
            "reliance": pa.array([list(v.reliance) for v in verdicts], pa.list_(pa.string())),
        }
    ).take(group_of_item)
    n = items.num_rows
    null = pa.nulls(n, pa.string())
    return pa.table(
        {
            "item_id": items.column("item_id"),
            "source": items.column("source"),
            "sha256": items.column("sha256"),
            "status": per_group.column("status"),
            "policy_status": per_group.column("status"),
            "purpose": pa.repeat(pa.scalar(policy.purpose), n),
            "policy": pa.repeat(pa.scalar(policy.id), n),
            "policy_version": pa.repeat(pa.scalar(policy.version), n),
            "license": per_group.column("license"),
            "reasons": per_group.column("reasons"),
            "obligations": per_group.column("obligations"),
            "reliance": per_group.column("reliance"),
            "override_status": null,
            "override_by": null,
            "override_at": null,
            "override_why": null,
            "override_entry": pa.nulls(n, pa.int64()),
        },
        schema=DECISION_SCHEMA,
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
            for r in row["reasons"] or ()
        ),
        obligations=tuple(row["obligations"] or ()),
        override=override,
        policy_status=Status(row["policy_status"]),
        license=row["license"] or "",
        reliance=tuple(row["reliance"] or ()),
    )
