"""Render the report model three ways: JSON (the model), Markdown and self-contained HTML."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from clearance.exporters.charts import bar_chart
from clearance.exporters.runview import STATUSES

FORMATS = ("html", "md", "json")


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def charts(report: dict[str, Any]) -> dict[str, str]:
    """The four charts as inline SVG strings."""
    by_source = [(s["name"], [(st, float(s[st])) for st in STATUSES]) for s in report["sources"]]
    licenses = [(r["license"], [("items", float(r["items"]))]) for r in report["licenses"][:15]]
    signals = [
        (s["kind"], [("items", round(100.0 * s["share"], 1))])
        for s in report["signals"]
        if s["kind"] != "error" or s["items"]
    ]
    personal = [
        (f"{p['kind']}: {p['type']}", [("findings", float(p["findings"]))])
        for p in report["personal_data"]
        if p["type"] != "(items)"
    ]
    return {
        "decisions_by_source": bar_chart("Decisions by source", by_source),
        "licenses": bar_chart("Effective license of items", licenses),
        "signals": bar_chart("Signal coverage (% of items with a finding)", signals, unit="%"),
        "personal_data": bar_chart("Personal data and faces found", personal),
    }


def render_html(report: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("clearance.exporters", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = human_size
    return env.get_template("report.html.j2").render(r=report, charts=charts(report))


def human_size(n: int | float) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def _cell(value: Any) -> str:
    text = str(value) if value not in (None, "") else "-"
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def render_markdown(r: dict[str, Any]) -> str:
    o = r["overview"]
    p = r["provenance"]
    lines = [f"# {r['title']}", "", f"> **{r['not_legal_advice']}**", "", "## Overview", ""]
    lines += _table(
        ["items", "size", "findings", "read errors", "cleared", "review", "blocked"],
        [[o["items"], human_size(o["bytes"]), o["findings"], o["errors"]]
         + [o["status"][s] for s in STATUSES]],
    )  # fmt: skip
    lines += [
        f"Purpose **{o['purpose']}**, policy **{o['policy']}** version {o['policy_version']}"
        + (f", relying on {', '.join(o['reliance'])}" if o["reliance"] else "")
        + f"; {o['overridden']} decision(s) overridden by counsel.",
        "",
        "## Sources",
        "",
    ]
    lines += _table(
        ["source", "kind", "declared license", "terms", "items", "size", *STATUSES, "findings"],
        [
            [s["name"], s["kind"], s["license"], s["terms"], s["items"], human_size(s["bytes"])]
            + [s[st] for st in STATUSES]
            + [", ".join(f"{k} {v}" for k, v in s["findings"].items())]
            for s in r["sources"]
        ],
    )
    lines += ["## Licenses", ""]
    lines += _table(
        ["effective license", "items"], [[x["license"], x["items"]] for x in r["licenses"]]
    )
    lines += ["## Signal coverage", ""]
    lines += _table(
        ["signal", "items", "share", "findings"],
        [[s["kind"], s["items"], f"{100 * s['share']:.1f}%", s["findings"]] for s in r["signals"]],
    )
    lines += ["## Personal data", ""]
    if r["personal_data"]:
        lines += _table(
            ["kind", "type", "findings"],
            [[x["kind"], x["type"], x["findings"]] for x in r["personal_data"]],
        )
    else:
        lines += ["No personal data or face findings in this run.", ""]
    for status in ("blocked", "review"):
        lines += [f"## Top {status} reasons", ""]
        entries = r["top_reasons"][status]
        if not entries:
            lines += [f"No item is {status}.", ""]
            continue
        lines += _table(
            ["rule", "items", "rationale", "legal reference", "examples"],
            [
                [e["rule_id"], e["count"], e["rationale"], e["legal_reference"],
                 ", ".join(f"`{i}`" for i in e["examples"])]
                for e in entries
            ],
        )  # fmt: skip
    lines += ["## Evidence excerpts", "", "Personal data is masked by the detectors.", ""]
    lines += _table(
        ["item", "status", "kind", "value", "rule", "evidence"],
        [[f"`{e['item_id']}`", e["status"], e["kind"], e["value"], e["rule"], e["evidence"]]
         for e in r["evidence"]],
    )  # fmt: skip
    lines += ["## Rules applied", ""]
    lines += _table(
        ["rule", "outcome", "items", "legal reference", "rationale"],
        [[x["rule_id"], x["outcome"], x["items"], x["legal_reference"], x["rationale"]]
         for x in r["rules"]],
    )  # fmt: skip
    lines += ["## Legal references", ""]
    lines += [f"- {ref}" for ref in r["legal_references"]] + [""]
    lines += ["## Provenance", ""]
    lines += _table(
        ["field", "value"],
        [[k, v] for k, v in p.items() if not isinstance(v, dict | list)]
        + [["manifests", ", ".join(p["manifests"])]]
        + [[f"detector {k}", v] for k, v in p["detectors"].items()]
        + [[f"package {k}", v] for k, v in p["packages"].items()]
        + [[f"ledger {k}", v] for k, v in p["ledger"].items()],
    )
    lines += [f"*{r['not_legal_advice']}*", ""]
    return "\n".join(lines)
