"""The IP dossier: what the model was trained on, under which rights, with which obligations,
for licensing, due diligence and insurers. Built from a decided run (and its export).

Sections marked ``confidential`` (the source list, selection rules, counsel's reasons, item
lists) are trade secrets of the trainer: ``public=True`` leaves them out and keeps only
aggregates. The fair-use worksheet lists the factors as recorded; it decides nothing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.model.decision import Decision
from clearance.provenance import legal
from clearance.provenance.obligations import license_obligations

PERSONAL_KINDS = ("pii", "personal", "email", "phone", "biometric", "face", "consent")
BIOMETRIC_KINDS = ("biometric", "face", "voiceprint")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    confidential: bool = False


@dataclass
class Dossier:
    title: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    public: bool


def build_dossier(
    run: str | Path, export: str | Path | None = None, *, public: bool = False
) -> Dossier:
    from clearance.policy import read_decisions
    from clearance.runs.store import open_run

    store = open_run(run)
    info = store.read_run_json()
    decided = info.get("decisions") or {}
    decisions = {d.item_id: d for d in read_decisions(run)}
    items = store.items(columns=["item_id", "source", "media_type", "size"]).to_pylist()
    findings = store.findings(columns=["item_id", "kind", "detector", "value", "rule"]).to_pylist()
    sources = {s["name"]: s for s in info.get("sources", [])}
    ctx = _Ctx(info, decided, decisions, items, findings, sources, run, export, public)
    sections = [
        _inventory(ctx),
        _inventory_by_source(ctx),
        _licenses(ctx),
        _optouts(ctx),
        _personal(ctx),
        _counsel(ctx),
        _review(ctx),
        _reliance(ctx),
        _model_terms(ctx),
        _regulatory(ctx),
        _confidentiality(ctx, public),
    ]
    meta = [
        ("Run", Path(run).name),
        ("Run fingerprint", str(info.get("fingerprint", ""))[:16]),
        ("Purpose", str(decided.get("purpose", ""))),
        ("Policy", f"{decided.get('policy', '')} v{decided.get('policy_version', '')}"),
        ("Decided", str(decided.get("decided", ""))),
        ("Items", str(len(items))),
    ]
    if export is not None:
        from clearance.provenance.export import read_clearance

        meta.append(("Cleared-data Merkle root", read_clearance(export).merkle_root))
    if public:
        sections = [s for s in sections if not s.confidential]
    return Dossier(
        title="IP dossier" + (" (public, redacted)" if public else " (confidential)"),
        meta=meta,
        sections=sections,
        public=public,
    )


@dataclass
class _Ctx:
    info: dict[str, Any]
    decided: dict[str, Any]
    decisions: dict[str, Decision]
    items: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    run: str | Path
    export: str | Path | None
    public: bool = False

    def name(self, text: str, n: int) -> str:
        """A source or item name, or a placeholder in the public variant."""
        return f"(redacted {n})" if self.public else text

    def kind_of(self, source: str) -> str:
        return str(self.sources.get(source, {}).get("kind") or "unknown")

    def status(self, item_id: str) -> str:
        d = self.decisions.get(item_id)
        return d.status.value if d else "undecided"


def _counts_by(ctx: _Ctx, key: Any) -> list[list[str]]:
    groups: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    size: Counter[tuple[str, ...]] = Counter()
    for item in ctx.items:
        k = key(item)
        groups[k][ctx.status(item["item_id"])] += 1
        size[k] += int(item["size"] or 0)
    return [
        [
            *k,
            str(sum(c.values())),
            str(size[k]),
            str(c["cleared"]),
            str(c["review"]),
            str(c["blocked"]),
        ]
        for k, c in sorted(groups.items())
    ]


_COUNT_HEADERS = ["items", "bytes", "cleared", "review", "blocked"]


def _inventory(ctx: _Ctx) -> Section:
    rows = _counts_by(ctx, lambda i: (ctx.kind_of(i["source"]),))
    return Section(
        "Data inventory by kind",
        ["Every item read, grouped by the kind its source declares, with the policy's status."],
        [Table(["kind", *_COUNT_HEADERS], rows)],
    )


def _inventory_by_source(ctx: _Ctx) -> Section:
    rows = _counts_by(
        ctx,
        lambda i: (
            i["source"],
            ctx.kind_of(i["source"]),
            str(ctx.sources.get(i["source"], {}).get("license") or "undeclared"),
        ),
    )
    return Section(
        "Data inventory by source",
        ["Confidential: the source list is a trade secret (see Confidentiality)."],
        [Table(["source", "kind", "declared license", *_COUNT_HEADERS], rows)],
        confidential=True,
    )


def _licenses(ctx: _Ctx) -> Section:
    by_license: dict[str, Counter[str]] = defaultdict(Counter)
    obligations: dict[str, set[str]] = defaultdict(set)
    for d in ctx.decisions.values():
        lic = d.license or "none found"
        by_license[lic][d.status.value] += 1
        obligations[lic].update(d.obligations)
    rows = [
        [
            lic,
            str(c["cleared"]),
            str(c["review"]),
            str(c["blocked"]),
            "; ".join(sorted(obligations[lic])) or "none recorded",
        ]
        for lic, c in sorted(by_license.items())
    ]
    return Section(
        "Licenses and their obligations",
        [
            "Effective license per item as the policy read it, and the obligations the decisions "
            "record (from the license knowledge base, clauses quoted there)."
        ],
        [Table(["license", "cleared", "review", "blocked", "obligations"], rows)],
    )


def _optouts(ctx: _Ctx) -> Section:
    signals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for f in ctx.findings:
        if f["kind"] == "optout":
            signals[(f["detector"], str(f["value"]))][ctx.status(f["item_id"])] += 1
    rows = [
        [det, val, str(c["blocked"]), str(c["review"]), str(c["cleared"])]
        for (det, val), c in sorted(signals.items())
    ]
    honoured = sum(c["blocked"] for c in signals.values())
    total = sum(sum(c.values()) for c in signals.values())
    return Section(
        "Opt-outs honoured",
        [
            f"{total} opt-out signal(s) found; {honoured} on items the policy blocked. Signals on "
            "items not blocked need counsel's review (they are listed under open review items)."
        ],
        [Table(["signal (detector)", "value", "blocked", "review", "cleared"], rows)]
        if rows
        else [],
    )


def _personal(ctx: _Ctx) -> Section:
    kinds = Counter(f["kind"] for f in ctx.findings if f["kind"].startswith(PERSONAL_KINDS))
    consent_rows = [
        [
            ctx.name(name, n),
            str(s.get("kind") or "unknown"),
            str(s.get("consent") or "none declared"),
            "yes" if s.get("consent_records") else "no",
        ]
        for n, (name, s) in enumerate(sorted(ctx.sources.items()), 1)
        if s.get("kind") == "customer" or s.get("consent") or s.get("consent_records")
    ]
    paras = [
        "Personal-data findings by kind: "
        + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none found")
        + ". Evidence of personal data is stored masked in the run, never in clear.",
        f"Sources of customer data or with a consent basis declared: {len(consent_rows)}.",
    ]
    return Section(
        "Personal data handling and consents",
        paras,
        [Table(["source", "kind", "consent basis", "consent records"], consent_rows)]
        if consent_rows
        else [],
    )


def _ledger_entries(ctx: _Ctx) -> tuple[list[Any], str]:
    from clearance.policy.ledger import ledger_for

    recorded = (ctx.decided.get("ledger") or {}).get("path")
    book = ledger_for(ctx.run, recorded if recorded and Path(recorded).exists() else None)
    if book is None or not book.exists():
        return [], "no ledger: counsel recorded no overrides"
    check = book.verify()
    state = "chain verified" if check.ok else f"CHAIN BROKEN at entry {check.problems[0][0]}"
    return list(book.entries()), f"{check.entries} ledger entries, {state}"


def _counsel(ctx: _Ctx) -> Section:
    entries, state = _ledger_entries(ctx)
    overridden = [d for d in ctx.decisions.values() if d.override is not None]
    rows = [[str(e.seq), e.at[:10], e.item_id, e.status, e.by, e.reason] for e in entries]
    return Section(
        "Counsel decisions and overrides",
        [f"{len(overridden)} decision(s) in this run carry counsel's override; {state}."],
        [Table(["entry", "date", "item", "status", "by", "reason"], rows)] if rows else [],
        confidential=True,
    )


def _review(ctx: _Ctx) -> Section:
    open_items = sorted(
        (d for d in ctx.decisions.values() if d.status.value == "review"), key=lambda d: d.item_id
    )
    by_rule = Counter(r.rule_id for d in open_items for r in d.reasons if r.outcome == "review")
    rows = [
        [d.item_id, ", ".join(sorted({r.rule_id for r in d.reasons if r.outcome == "review"}))]
        for d in open_items
    ]
    return Section(
        "Open review items",
        [
            f"{len(open_items)} item(s) await counsel's review; by rule: "
            + (", ".join(f"{k} {n}" for k, n in sorted(by_rule.items())) or "none")
            + "."
        ],
        [Table(["item", "rules asking for review"], rows)] if rows else [],
        confidential=True,
    )


def _reliance(ctx: _Ctx) -> Section:
    sizes = {i["item_id"]: (i["size"], i["media_type"], i["source"]) for i in ctx.items}
    rows = []
    relying = [d for d in sorted(ctx.decisions.values(), key=lambda d: d.item_id) if d.reliance]
    for n, d in enumerate(relying, 1):
        size, media, source = sizes.get(d.item_id, (0, "", ""))
        rows.append(
            [
                ctx.name(d.item_id, n),
                ", ".join(d.reliance),
                d.purpose,
                f"{ctx.kind_of(source)} source, {media or 'unknown media'}",
                f"whole item ({size} bytes)",
                "not recorded",
                d.status.value,
            ]
        )
    return Section(
        "Fair-use / exception reliance worksheet",
        [
            "Items whose decision relies on a legal position counsel chose (`--rely-on`), with "
            "the factors as recorded in the run: purpose, nature of the work, amount used, market "
            "effect. Recorded, not decided: weighing them is counsel's."
            + ("" if rows else " No decision in this run relies on an exception.")
        ],
        [
            Table(
                [
                    "item",
                    "relies on",
                    "purpose",
                    "nature of the work",
                    "amount used",
                    "market effect",
                    "status",
                ],
                rows,
            )
        ]
        if rows
        else [],
    )


def _model_terms(ctx: _Ctx) -> Section:
    cleared = [d for d in ctx.decisions.values() if d.status.value == "cleared"]
    obl = license_obligations(d.license for d in cleared)
    paras = [
        "Terms the model license should carry so that obligations of the cleared data "
        "pass downstream (derived from the license knowledge base; counsel drafts):"
    ]
    rows = [
        *(["use restriction", t] for t in obl["use_restrictions"]),
        *(["naming", t] for t in obl["naming"]),
        *(["share-alike", t] for t in obl["share_alike"]),
        *(["attribution", t] for t in obl["attribution"]),
    ]
    if not rows:
        paras.append("No restriction from the cleared data's licenses needs to pass on.")
    tables = [Table(["kind", "term (license: what passes on)"], rows)] if rows else []
    return Section("Recommended model license terms", paras, tables)


def _regulatory(ctx: _Ctx) -> Section:
    optouts = sum(1 for f in ctx.findings if f["kind"] == "optout")
    biometric = sum(1 for f in ctx.findings if f["kind"].startswith(BIOMETRIC_KINDS))
    customer = [s for s in ctx.sources.values() if s.get("kind") == "customer"]
    covered = [s for s in customer if s.get("consent") or s.get("consent_records")]
    rows = [
        _ref_row(
            legal.AI_ACT_53_1_C,
            f"{optouts} opt-out signal(s) detected and applied by the policy "
            f"({ctx.decided.get('policy', '')} v{ctx.decided.get('policy_version', '')})",
        ),
        _ref_row(
            legal.AI_ACT_53_1_D,
            "the export's data inventory and BOM feed the public summary; "
            "the template itself is the AI Office's",
        ),
    ]
    if biometric:
        rows.append(
            _ref_row(
                legal.BIPA_15_B,
                f"{biometric} biometric finding(s): written notice and release needed before use",
            )
        )
        rows.append(
            _ref_row(
                legal.BIPA_10, "check whether the findings are biometric identifiers as defined"
            )
        )
    else:
        rows.append(
            ["740 ILCS 14 (BIPA)", "not triggered: no biometric findings in this run", "", ""]
        )
    rows.append(
        [
            "Consent coverage (customer data)",
            f"{len(covered)} of {len(customer)} customer source(s) declare a consent basis",
            "",
            "",
        ]
    )
    return Section(
        "Regulatory checklist",
        [
            "Each line says what the run shows, not whether the obligation is met. References "
            "marked unverified were not read in their official text."
        ],
        [Table(["provision", "what this run shows", "source", "checked"], rows)],
    )


def _ref_row(ref: legal.Reference, shows: str) -> list[str]:
    mark = "verified" if ref.verified else "unverified"
    return [f"{ref.cite}: {ref.says}", shows, ref.url, f"{mark}: {ref.checked}"]


def _confidentiality(ctx: _Ctx, public: bool) -> Section:
    config = ctx.info.get("config") or {}
    detectors = ctx.info.get("detectors") or []
    names = [d.get("name", str(d)) if isinstance(d, dict) else str(d) for d in detectors]
    rows = [
        ["source list", ", ".join(sorted(ctx.sources)) or "none"],
        [
            "source locations",
            "; ".join(f"{n}: {s.get('path')}" for n, s in sorted(ctx.sources.items())),
        ],
        [
            "selection rules (policy)",
            f"{ctx.decided.get('policy', '')} v{ctx.decided.get('policy_version', '')}, reliance "
            f"{json.dumps(ctx.decided.get('reliance') or [])}",
        ],
        ["detectors", ", ".join(sorted(names)) or "default"],
        ["scan configuration", json.dumps(config, sort_keys=True, default=str)[:400]],
    ]
    return Section(
        "Confidentiality",
        [
            "These run details are the trainer's trade secrets: share under NDA only. The public "
            "variant (`--public`) omits them and the item-level sections (inventory by source, "
            "counsel's reasons, open review items)."
        ],
        [Table(["detail", "value"], rows)],
        confidential=True,
    )
