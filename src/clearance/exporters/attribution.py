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
from dataclasses import dataclass, field
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


def _holders(view: RunView, ids: pa.ChunkedArray) -> dict[str, list[str]]:
    table = view.findings(columns=["item_id", "value"], kind="copyright")
    table = table.filter(pc.is_in(table.column("item_id"), ids))
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
    """One entry per attribution-required item (tests and small exports; the files are
    written by ``write_attribution`` without holding every entry)."""
    return [e for group in _grouped(view, manifest).values() for e in group.items]


@dataclass
class _Group:
    count: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)


#: items listed per (license, holder) for licenses that ask for notices, not per-item credit
EXAMPLES_PER_HOLDER = 5


def _grouped(view: RunView, manifest: pa.Table) -> dict[tuple[str, str], _Group]:
    """(license, holder) -> count and entries: every item for Creative Commons (TASL is
    per work), a few examples for the others (their notices name holders, not files)."""
    needed = manifest.filter(
        pc.is_in(
            manifest.column("obligations").cast(pa.string()),
            pa.array(
                [o for o in _unique(manifest, "obligations") if needs_attribution(o)], pa.string()
            ),
        )
    ).select(["item_id", "license", "path"])
    holders = _holders(view, needed.column("item_id"))
    cc_ids = {
        i
        for i, lic in zip(
            needed.column("item_id").to_pylist(),
            needed.column("license").cast(pa.string()).to_pylist(),
            strict=True,
        )
        if lic.startswith("CC-")
    }
    metas = view.item_meta(cc_ids) if cc_ids else {}
    uris = _uris(view, cc_ids) if cc_ids else {}
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for batch in needed.to_batches(max_chunksize=8192):
        item_ids, lics, paths = (batch.column(k).to_pylist() for k in range(3))
        for item_id, lic, path in zip(item_ids, lics, paths, strict=True):
            holder = "; ".join(holders.get(item_id, []))
            group = groups[(lic or "", holder)]
            group.count += 1
            if item_id not in cc_ids and len(group.items) >= EXAMPLES_PER_HOLDER:
                continue
            meta = metas.get(item_id, {})
            url = meta.get("url") if isinstance(meta.get("url"), str) else None
            group.items.append(
                {
                    "item_id": item_id,
                    "license": lic or "",
                    "holder": holder,
                    "title": _title(item_id, meta),
                    "author": _author(holders.get(item_id, []), meta),
                    "source": url or _url(uris.get(item_id) or "") or path,
                    "path": path,
                }
            )
    return dict(sorted(groups.items()))


def _unique(table: pa.Table, column: str) -> list[str]:
    return [str(v) for v in pc.unique(table.column(column).cast(pa.string())).to_pylist()]


def _uris(view: RunView, ids: set[str]) -> dict[str, str]:
    table = view.store.items(columns=["item_id", "uri"])
    table = table.filter(pc.is_in(table.column("item_id"), pa.array(sorted(ids), pa.string())))
    return dict(
        zip(table.column("item_id").to_pylist(), table.column("uri").to_pylist(), strict=True)
    )


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
    groups = _grouped(view, manifest)
    md = [
        "# Attribution",
        "",
        "Items of this dataset whose licenses require credit, grouped by license and holder.",
        "Creative Commons items are credited one by one as TASL (Title, Author, Source,",
        "License); for other licenses the notices name the holders, with example files.",
        "Entries marked *complete before publishing* need a person to fill them in.",
        "",
    ]
    notice = ["NOTICE", "", "This dataset contains material under the following licenses.", ""]
    by_license: dict[str, list[tuple[str, _Group]]] = defaultdict(list)
    for (lic, holder), group in groups.items():
        by_license[lic].append((holder, group))
    for lic, holder_groups in sorted(by_license.items()):
        urls = license_urls(lic)
        md += [f"## {lic or '(no license expression)'}", ""]
        md += [
            f"- License: [{name}]({url})" if url else f"- License: {name}" for _, name, url in urls
        ]
        md.append("")
        notice.append(f"{lic}: " + ", ".join(url or name for _, name, url in urls))
        cc = lic.startswith("CC-")
        for holder, group in holder_groups:
            md += [f"### {holder or 'Holder not stated'} ({group.count} item(s))", ""]
            if holder:
                notice.append(f"  Copyright {holder} ({group.count} item(s))")
            for e in group.items:
                if cc:
                    md.append(
                        f"- **Title:** {e['title']}; **Author:** {e['author']}; "
                        f"**Source:** {e['source']}; **License:** {lic}"
                        f"{' (' + urls[0][2] + ')' if urls and urls[0][2] else ''} — `{e['path']}`"
                    )
                else:
                    md.append(f"- `{e['path']}` ({e['source']}), {e['author']}")
            if not cc and group.count > len(group.items):
                md.append(f"- … and {group.count - len(group.items)} more (see MANIFEST.parquet)")
            md.append("")
        notice.append("")
    if not groups:
        md += ["No exported item requires attribution.", ""]
    (out / "ATTRIBUTION.md").write_text("\n".join(md))
    (out / "NOTICE").write_text("\n".join(notice) + "\n")
    return {"attribution": "ATTRIBUTION.md", "notice": "NOTICE"}
