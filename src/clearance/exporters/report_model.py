"""The report as one plain model (JSON-able dict); HTML, Markdown and JSON render it.

Built from the run folder only. Evidence comes from findings, whose detectors already mask
personal data; for ``pii`` and ``face`` findings the report shows the type and counts only,
never the evidence or value text beyond the entity type.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from clearance import __version__
from clearance.exporters.runview import ROW_COLUMNS, STATUSES, RunView, decision_rows

SCHEMA = "clearance.report/1"
NOT_LEGAL_ADVICE = (
    "Not legal advice. This report sorts the evidence clearance found and the rules a policy "
    "applied to it, so that counsel can decide; it is not a legal opinion and does not "
    "establish that any use of the data is lawful."
)
#: signals whose coverage the report charts (items with at least one finding of the kind)
SIGNAL_KINDS = (
    "license", "copyright", "optout", "terms", "source", "consent", "pii", "face", "duplicate",
    "error",
)  # fmt: skip
PERSONAL_KINDS = frozenset({"pii", "face"})
EXAMPLES = 3
EVIDENCE_LIMIT = 40


def build_report(run: str | Path) -> dict[str, Any]:
    view = RunView(run)
    decisions = view.decision_columns(ROW_COLUMNS)
    info = view.info
    items = view.items
    sizes = dict(
        zip(items.column("item_id").to_pylist(), items.column("size").to_pylist(), strict=True)
    )
    findings = view.findings(columns=["item_id", "kind", "value", "rule", "evidence"])
    by_status: Counter[str] = Counter()
    per_source: dict[str, Counter[str]] = defaultdict(Counter)
    licenses: Counter[str] = Counter()
    reasons: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in ("blocked", "review")}
    rules: dict[str, dict[str, Any]] = {}
    status_of: dict[str, str] = {}
    # Sorted by item id: the parts of a run are written in whatever order shards finish, and
    # the report (its examples, its evidence) must not depend on that.
    for row in sorted(decision_rows(decisions), key=lambda r: r.item_id):
        by_status[row.status] += 1
        status_of[row.item_id] = row.status
        counter = per_source[row.source]
        counter[row.status] += 1
        counter["items"] += 1
        counter["bytes"] += int(sizes.get(row.item_id) or 0)
        licenses[row.license or "(none)"] += 1
        for reason in row.reasons:
            rule_id = reason.get("rule_id", "")
            rule = rules.setdefault(
                rule_id,
                {
                    "rule_id": rule_id,
                    "outcome": reason.get("outcome", ""),
                    "rationale": reason.get("rationale", ""),
                    "legal_reference": reason.get("legal_reference", ""),
                    "items": 0,
                },
            )
            rule["items"] += 1
            if row.status in reasons and reason.get("outcome") == row.status:
                entry = reasons[row.status].setdefault(
                    rule_id,
                    {
                        "rule_id": rule_id,
                        "count": 0,
                        "rationale": reason.get("rationale", ""),
                        "legal_reference": reason.get("legal_reference", ""),
                        "examples": [],
                    },
                )
                entry["count"] += 1
                if len(entry["examples"]) < EXAMPLES:
                    entry["examples"].append(row.item_id)
    signal_items: dict[str, set[str]] = defaultdict(set)
    signal_findings: Counter[str] = Counter()
    personal: dict[str, Counter[str]] = defaultdict(Counter)
    personal_items: dict[str, set[str]] = defaultdict(set)
    kinds_by_item: dict[str, Counter[str]] = defaultdict(Counter)
    evidence: list[dict[str, Any]] = []
    examples = {i for r in reasons.values() for e in r.values() for i in e["examples"]}
    for batch in findings.to_batches():
        for f in batch.to_pylist():
            kind = f["kind"]
            signal_items[kind].add(f["item_id"])
            signal_findings[kind] += 1
            if kind in PERSONAL_KINDS:
                personal[kind][f["value"] or "?"] += 1
                personal_items[kind].add(f["item_id"])
            source = f["item_id"].split(":", 1)[0]
            kinds_by_item[source][kind] += 1
            shown = f["item_id"] in examples and kind not in PERSONAL_KINDS
            if shown and len(evidence) < EVIDENCE_LIMIT:
                evidence.append(
                    {
                        "item_id": f["item_id"],
                        "status": status_of.get(f["item_id"], ""),
                        "kind": kind,
                        "value": f["value"] or "",
                        "rule": f["rule"] or "",
                        "evidence": _excerpt(f["evidence"] or ""),
                    }
                )
    total = decisions.num_rows
    decision_info = view.decision_info
    sources = []
    for src in view.sources:
        c = per_source.get(src["name"], Counter())
        sources.append(
            {
                "name": src["name"],
                "kind": src.get("kind") or "unknown",
                "format": src.get("format") or "auto",
                "license": src.get("license") or "",
                "terms": src.get("terms") or "",
                "items": c["items"],
                "bytes": c["bytes"],
                **{s: c[s] for s in STATUSES},
                "findings": dict(sorted(kinds_by_item.get(src["name"], Counter()).items())),
            }
        )
    rules_used = sorted(rules.values(), key=lambda r: (-r["items"], r["rule_id"]))
    refs = sorted({r["legal_reference"] for r in rules_used if r["legal_reference"]})
    counts = info.get("counts") or {}
    return {
        "schema": SCHEMA,
        "title": f"Clearance report: {Path(run).name}",
        "not_legal_advice": NOT_LEGAL_ADVICE,
        "overview": {
            "items": total,
            "bytes": int(counts.get("bytes") or sum(c["bytes"] for c in per_source.values())),
            "findings": int(counts.get("findings") or findings.num_rows),
            "errors": int(counts.get("errors") or 0),
            "status": {s: by_status.get(s, 0) for s in STATUSES},
            "purpose": decision_info.get("purpose", ""),
            "policy": decision_info.get("policy", ""),
            "policy_version": str(decision_info.get("policy_version", "")),
            "reliance": list(decision_info.get("reliance") or []),
            "overridden": int(decision_info.get("overridden") or 0),
        },
        "sources": sources,
        "licenses": [
            {"license": k, "items": v} for k, v in sorted(licenses.items(), key=_by_count)
        ],
        "signals": [
            {
                "kind": k,
                "items": len(signal_items.get(k, ())),
                "share": round(len(signal_items.get(k, ())) / total, 4) if total else 0.0,
                "findings": signal_findings.get(k, 0),
            }
            for k in sorted(set(SIGNAL_KINDS) | set(signal_findings))
        ],
        "personal_data": [
            {"kind": kind, "type": t, "findings": n}
            for kind in sorted(personal)
            for t, n in sorted(personal[kind].items(), key=_by_count)
        ]
        + [{"kind": k, "type": "(items)", "findings": len(v)} for k, v in personal_items.items()],
        "top_reasons": {
            status: sorted(entries.values(), key=lambda e: (-e["count"], e["rule_id"]))
            for status, entries in reasons.items()
        },
        "evidence": sorted(evidence, key=lambda e: (e["item_id"], e["rule"], e["evidence"])),
        "rules": rules_used,
        "legal_references": refs,
        "provenance": _provenance(view),
    }


def _by_count(pair: tuple[str, int]) -> tuple[int, str]:
    return (-pair[1], pair[0])


def _excerpt(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _provenance(view: RunView) -> dict[str, Any]:
    info = view.info
    decided = view.decision_info
    env = info.get("environment") or {}
    return {
        "run": view.location,
        "run_id": info.get("fingerprint", ""),
        "scanned": info.get("created", ""),
        "finished": info.get("finished", ""),
        "decided": decided.get("decided", ""),
        "status": info.get("status", ""),
        "clearance_version": info.get("clearance_version", ""),
        "report_version": __version__,
        "python": env.get("python", ""),
        "packages": dict(sorted((env.get("packages") or {}).items())),
        "detectors": dict(sorted((info.get("detectors") or {}).items())),
        "manifests": list(info.get("manifests") or []),
        "ledger": decided.get("ledger") or {},
        "decisions_sha256": _decisions_digest(view),
    }


def _decisions_digest(view: RunView) -> str:
    """sha256 over (item_id, status, license) in item order: changes when any decision does."""
    import hashlib

    table = view.decision_columns(["item_id", "status", "license"])
    order = pc.sort_indices(table, sort_keys=[("item_id", "ascending")])
    digest = hashlib.sha256()
    for row in table.take(order).to_pylist():
        digest.update(json.dumps(row, sort_keys=True).encode() + b"\n")
    return digest.hexdigest()
