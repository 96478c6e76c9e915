"""ATTRIBUTION.md and NOTICE: attribution-required items grouped by license and holder.

Creative Commons licenses ask for TASL (CC 4.0 §3(a)(1): identification of the creator,
a copyright notice, a license notice, a URI or hyperlink to the material), written here as
Title, Author, Source, License: https://wiki.creativecommons.org/wiki/Best_practices_for_attribution
Other licenses (MIT, Apache-2.0 §4, GPL) ask that notices be kept: NOTICE lists the holders
and license texts' URLs per license. Items count as attribution-required when their decision
carries an attribution obligation (the policy's reading of the license knowledge base).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from license_expression import get_spdx_licensing

from clearance.exporters.runview import RunView
from clearance.licenses import lookup

UNKNOWN_AUTHOR = "(author unknown: complete before publishing)"


def needs_attribution(obligations: str) -> bool:
    return any(o.lower().startswith("attribution") for o in json.loads(obligations or "[]"))


def _holders(view: RunView, ids: set[str]) -> dict[str, list[str]]:
    table = view.findings(columns=["item_id", "value"], kind="copyright")
    table = table.filter(pc.is_in(table.column("item_id"), pa.array(sorted(ids), pa.string())))
    out: dict[str, list[str]] = defaultdict(list)
    for row in table.to_pylist():
        if row["value"] and row["value"] not in out[row["item_id"]]:
            out[row["item_id"]].append(row["value"])
    return out


def _title(item_id: str, meta: dict[str, Any]) -> str:
    for key in ("title", "name"):
        if isinstance(meta.get(key), str) and meta[key]:
            return str(meta[key])
    card = meta.get("hf_card") or {}
    if isinstance(card, dict) and card.get("pretty_name"):
        return f"{card['pretty_name']} ({item_id.split(':', 1)[1]})"
    return item_id.split(":", 1)[1]


def _author(holders: list[str], meta: dict[str, Any]) -> str:
    if holders:
        return "; ".join(holders)
    for key in ("author", "artist", "creator", "Artist"):
        if isinstance(meta.get(key), str) and meta[key]:
            return str(meta[key])
    return UNKNOWN_AUTHOR


def attribution_entries(view: RunView, manifest: pa.Table) -> list[dict[str, Any]]:
    rows = [r for r in manifest.to_pylist() if needs_attribution(r["obligations"])]
    ids = {r["item_id"] for r in rows}
    holders = _holders(view, ids)
    metas = view.item_meta(ids)
    uris = dict(
        zip(
            view.items.column("item_id").to_pylist(),
            view.items.column("uri").to_pylist(),
            strict=True,
        )
    )
    entries = []
    for r in rows:
        meta = metas.get(r["item_id"], {})
        url = meta.get("url") if isinstance(meta.get("url"), str) else None
        entries.append(
            {
                "item_id": r["item_id"],
                "license": r["license"],
                "holder": "; ".join(holders.get(r["item_id"], [])) or "",
                "title": _title(r["item_id"], meta),
                "author": _author(holders.get(r["item_id"], []), meta),
                "source": url or _url(uris.get(r["item_id"]) or "") or r["path"],
                "path": r["path"],
            }
        )
    return entries


def _url(uri: str) -> str:
    return uri if "://" in uri else ""


def license_urls(expression: str) -> list[tuple[str, str, str]]:
    out = []
    try:
        keys = list(get_spdx_licensing().license_keys(expression))
    except Exception:  # an unparseable expression is listed as written
        keys = [expression]
    for key in keys:
        terms = lookup(key)
        out.append((key, terms.name, terms.url))
    return out


def write_attribution(view: RunView, out: Path, manifest: pa.Table) -> dict[str, str]:
    entries = attribution_entries(view, manifest)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        groups[(e["license"], e["holder"])].append(e)
    md = [
        "# Attribution",
        "",
        "Items of this dataset whose licenses require credit, grouped by license and holder.",
        "Creative Commons items are credited as TASL (Title, Author, Source, License).",
        "Entries marked *complete before publishing* need a person to fill them in.",
        "",
    ]
    notice = ["NOTICE", "", "This dataset contains material under the following licenses.", ""]
    by_license: dict[str, list[tuple[str, list[dict[str, Any]]]]] = defaultdict(list)
    for (lic, holder), items in sorted(groups.items()):
        by_license[lic].append((holder, items))
    for lic, holder_groups in sorted(by_license.items()):
        urls = license_urls(lic)
        md += [f"## {lic or '(no license expression)'}", ""]
        md += [
            f"- License: [{name}]({url})" if url else f"- License: {name}" for _, name, url in urls
        ]
        md.append("")
        notice.append(f"{lic}: " + ", ".join(url or name for _, name, url in urls))
        cc = lic.startswith("CC-")
        for holder, items in holder_groups:
            md += [f"### {holder or 'Holder not stated'} ({len(items)} item(s))", ""]
            if holder:
                notice.append(f"  Copyright {holder} ({len(items)} item(s))")
            for e in items:
                if cc:
                    md.append(
                        f"- **Title:** {e['title']}; **Author:** {e['author']}; "
                        f"**Source:** {e['source']}; **License:** {lic}"
                        f"{' (' + urls[0][2] + ')' if urls and urls[0][2] else ''} — `{e['path']}`"
                    )
                else:
                    md.append(f"- `{e['path']}` ({e['source']}), {e['author']}")
            md.append("")
        notice.append("")
    if not entries:
        md += ["No exported item requires attribution.", ""]
    (out / "ATTRIBUTION.md").write_text("\n".join(md))
    (out / "NOTICE").write_text("\n".join(notice) + "\n")
    return {"attribution": "ATTRIBUTION.md", "notice": "NOTICE"}
