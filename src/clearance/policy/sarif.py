"""Findings as SARIF 2.1.0, for code-scanning UIs (GitHub, GitLab, VS Code SARIF viewer).

One result per finding; its level follows the item's decision where the run has one
(blocked: error, review: warning, cleared: note), else the finding's kind (error findings:
warning). SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearance import __version__
from clearance.policy.table import DECISION_SCHEMA
from clearance.runs.store import RunStore

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"blocked": "error", "review": "warning", "cleared": "note"}


def _uri(uri: str, base: Path) -> str:
    """Local paths relative to ``base`` where possible (code-scanning UIs want repo paths)."""
    if "://" in uri:
        return uri.split("#", 1)[0]
    path = Path(uri.split("#", 1)[0].split("!", 1)[0])
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def sarif_log(
    store: RunStore, *, base: Path | None = None, kind: str | None = None
) -> dict[str, Any]:
    base = base or Path.cwd()
    items = store.items(columns=["item_id", "uri"]).to_pylist()
    uri_of = {r["item_id"]: r["uri"] for r in items}
    status_of: dict[str, str] = {}
    if store.has_decisions():
        table = store.decisions(DECISION_SCHEMA).select(["item_id", "status"])
        status_of = dict(
            zip(*(table.column(c).to_pylist() for c in ("item_id", "status")), strict=True)
        )
    findings = store.findings(kind=kind).sort_by([("item_id", "ascending"), ("start", "ascending")])
    rules: dict[str, dict[str, Any]] = {}
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for row in findings.to_pylist():
        rule_id = row["rule"] or row["kind"]
        if rule_id not in rules:
            index[rule_id] = len(rules)
            rules[rule_id] = {
                "id": rule_id,
                "name": rule_id.replace("/", "-"),
                "shortDescription": {"text": f"{row['kind']} finding ({row['detector']})"},
                "properties": {"kind": row["kind"], "detector": row["detector"]},
            }
        status = status_of.get(row["item_id"])
        level = _LEVEL.get(status or "", "warning" if row["kind"] == "error" else "note")
        region: dict[str, Any] = {}
        if row["line"] is not None:
            region["startLine"] = int(row["line"])
        if row["start"] is not None and row["end"] is not None:
            region["charOffset"] = int(row["start"])
            region["charLength"] = max(0, int(row["end"]) - int(row["start"]))
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(uri_of.get(row["item_id"], row["item_id"]), base)}
            },
            "logicalLocations": [{"fullyQualifiedName": row["item_id"]}],
        }
        if region:
            location["physicalLocation"]["region"] = region
        text = f"{row['kind']}: {row['value']}"
        if row["evidence"]:
            text += f" — {row['evidence']}"
        if status:
            text += f" (decision: {status})"
        results.append(
            {
                "ruleId": rule_id,
                "ruleIndex": index[rule_id],
                "level": level,
                "message": {"text": text},
                "locations": [location],
                "properties": {
                    "item_id": row["item_id"],
                    "confidence": row["confidence"],
                    "value": row["value"],
                    **({"decision": status} if status else {}),
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clearance",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
