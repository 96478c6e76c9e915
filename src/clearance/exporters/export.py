"""``clearance export``: write the cleared items of a run, in their input formats, with a
manifest, a Merkle root, attribution files and BOMs.

Streaming and resumable: shard by shard (the scan's shards), each shard's files and manifest
part written atomically and its marker last; a rerun skips shards with a marker. Inputs are
only read.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from clearance import __version__
from clearance.exporters import transforms
from clearance.exporters.formats import Exported, write_shard
from clearance.exporters.merkle import merkle_root
from clearance.exporters.runview import RunView
from clearance.model.errors import ConfigError, RunError
from clearance.readers.base import ShardSpec

_REPEATED = ["source", "license", "decision", "obligations", "transforms"]
INCLUDES = {"cleared": ("cleared",), "cleared+review": ("cleared", "review")}
STATE = ".clearance-export"
MANIFEST_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("source", pa.string()),
        ("path", pa.string()),
        ("original_sha256", pa.string()),
        ("exported_sha256", pa.string()),
        ("size", pa.int64()),
        ("license", pa.string()),
        ("decision", pa.string()),
        ("obligations", pa.string()),  # JSON array
        ("transforms", pa.string()),  # comma-separated names
    ]
)


@dataclass(frozen=True)
class ExportOptions:
    include: str = "cleared"
    transforms: tuple[str, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class ExportSummary:
    out: str
    items: int
    bytes: int
    shards: int
    shards_skipped: int
    merkle_root: str
    files: dict[str, str] = field(default_factory=dict)


Progress = Callable[[int, int], None]  # (bytes of the shard just done, total bytes)


@dataclass
class _Selected:
    status: str
    license: str
    obligations: str
    sha256: str


def export_run(
    run: str | Path,
    to: str | Path,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    *,
    stop_after: int | None = None,
) -> ExportSummary:
    """Export a decided run to ``to``. ``stop_after`` (tests) stops after N new shards."""
    options = options or ExportOptions()
    if options.include not in INCLUDES:
        raise ConfigError(
            f"--include must be one of {', '.join(INCLUDES)}, not {options.include!r}"
        )
    chain = transforms.resolve(options.transforms)
    view = RunView(run)
    out = Path(to)
    state = out / STATE
    params = {
        "run_id": view.info.get("fingerprint", ""),
        "decided": view.decision_info.get("decided", ""),
        "include": options.include,
        "transforms": list(options.transforms),
    }
    _prepare(out, state, params, options.force)
    selection = _selection(view, INCLUDES[options.include])
    rewrite = None
    findings: dict[str, list[dict[str, Any]]] = {}
    if chain:
        media = dict(
            zip(*(view.items.column(c).to_pylist() for c in ("item_id", "media_type")), strict=True)
        )

        def rewrite(item_id: str, media_type: str, data: bytes) -> bytes:
            content = transforms.Content(
                item_id, media.get(item_id) or media_type, data, findings.get(item_id, ())
            )
            return transforms.apply(chain, content)

    specs = list(view.shards())
    total = sum(s.size for s in specs)
    skipped = new = 0
    for spec in specs:
        marker = state / "done" / f"{spec.shard_id}.json"
        if marker.exists():
            skipped += 1
        else:
            if stop_after is not None and new >= stop_after:
                raise RunError(f"export stopped after {new} shard(s) (stop_after)")
            _check_inputs(spec)
            selected = _shard_selection(view, selection, spec.shard_id)
            if chain:
                findings = _findings_by_item(view, spec.shard_id)
            exported = write_shard(spec, selected, out / "data", rewrite)
            _write_part(state, spec, exported, selected, options.transforms)
            _json(marker, {"shard": spec.shard_id, "source": spec.source, "items": len(exported)})
            new += 1
        if progress is not None:
            progress(spec.size, total)
    return _finish(view, out, state, params, len(specs), skipped)


def _prepare(out: Path, state: Path, params: dict[str, Any], force: bool) -> None:
    saved = state / "params.json"
    if saved.exists():
        if json.loads(saved.read_text()) != params and not force:
            raise RunError(
                f"{out} holds an export of another run, decision set or option set; "
                "pass --force to replace it or choose another --to"
            )
        if json.loads(saved.read_text()) == params and not force:
            for leftover in out.rglob(".*.tmp"):  # files a killed export was writing
                leftover.unlink()
            return  # resume
        shutil.rmtree(out)
    elif out.exists() and any(out.iterdir()):
        if not force:
            raise RunError(f"{out} exists and is not empty; choose another --to or pass --force")
        shutil.rmtree(out)
    (state / "done").mkdir(parents=True, exist_ok=True)
    (state / "parts").mkdir(parents=True, exist_ok=True)
    _json(saved, params)


def _selection(view: RunView, statuses: Sequence[str]) -> pa.Table:
    """The decisions to export, as Arrow (a few bytes per item; Python objects are built per
    shard only)."""
    table = view.decision_columns(["item_id", "status", "license", "obligations", "sha256"])
    return table.filter(pc.is_in(table.column("status"), pa.array(list(statuses))))


def _shard_selection(view: RunView, selection: pa.Table, shard_id: str) -> dict[str, _Selected]:
    ids = view.store.shard_items(shard_id, columns=["item_id"]).column(0)
    chosen: dict[str, _Selected] = {}
    sub = selection.filter(pc.is_in(selection.column("item_id"), ids))
    for batch in sub.to_batches(max_chunksize=8192):
        item_ids, status, lic, obligations, sha = (batch.column(i).to_pylist() for i in range(5))
        for i, item_id in enumerate(item_ids):
            chosen[item_id] = _Selected(
                status[i], lic[i] or "", obligations[i] or "[]", sha[i] or ""
            )
    return chosen


def _findings_by_item(view: RunView, shard_id: str) -> dict[str, list[dict[str, Any]]]:
    """The findings of one shard's items (its part file and the run-level detectors')."""
    ids = view.store.shard_items(shard_id, columns=["item_id"])
    out: dict[str, list[dict[str, Any]]] = {}
    for table in (view.store.shard_findings(shard_id), view.store.run_findings()):
        table = table.filter(pc.is_in(table.column("item_id"), ids.column(0)))
        for row in table.to_pylist():
            out.setdefault(row["item_id"], []).append(row)
    return out


def _check_inputs(spec: ShardSpec) -> None:
    """Refuse to export an input that changed since the scan (its decisions would not hold)."""
    from clearance.readers.fs import filesystem

    fs, _ = filesystem(spec.root)
    for ref in spec.files:
        try:
            size = int(fs.info(ref.path).get("size") or 0)
        except OSError as exc:
            raise RunError(f"input {ref.path} is gone since the scan: {exc}") from exc
        if size != ref.size:
            raise RunError(f"input {ref.path} changed since the scan ({ref.size} -> {size} bytes)")


def _write_part(
    state: Path,
    spec: ShardSpec,
    exported: list[Exported],
    selected: dict[str, _Selected],
    names: Sequence[str],
) -> None:
    rows = [
        {
            "item_id": e.item_id,
            "source": spec.source,
            "path": f"data/{e.path}",
            "original_sha256": selected[e.item_id].sha256,
            "exported_sha256": e.sha256,
            "size": e.size,
            "license": selected[e.item_id].license,
            "decision": selected[e.item_id].status,
            "obligations": selected[e.item_id].obligations,
            "transforms": ",".join(names),
        }
        for e in exported
    ]
    target = state / "parts" / f"{spec.shard_id}.parquet"
    tmp = target.with_name(f".{target.name}.tmp")
    pq.write_table(pa.Table.from_pylist(rows, MANIFEST_SCHEMA), tmp)
    os.replace(tmp, target)


def _json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _finish(
    view: RunView, out: Path, state: Path, params: dict[str, Any], shards: int, skipped: int
) -> ExportSummary:
    from clearance.exporters.attribution import write_attribution
    from clearance.exporters.bom import write_boms

    parts = sorted(str(p) for p in (state / "parts").glob("*.parquet"))
    manifest = (
        pa.concat_tables([pq.read_table(p, read_dictionary=_REPEATED) for p in parts])
        if parts
        else MANIFEST_SCHEMA.empty_table()
    )
    manifest = manifest.take(pc.sort_indices(manifest, sort_keys=[("item_id", "ascending")]))
    pq.write_table(manifest, out / "MANIFEST.parquet")
    with open(out / "MANIFEST.jsonl", "w", encoding="utf-8") as handle:
        for batch in manifest.to_batches(max_chunksize=8192):
            for row in batch.to_pylist():
                row["obligations"] = json.loads(row["obligations"])
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    root = merkle_root(manifest.column("exported_sha256").to_pylist())
    decided = view.decision_info
    info = {
        "format": "clearance.export/1",
        "run_id": params["run_id"],
        "run": view.location,
        "purpose": decided.get("purpose", ""),
        "policy": decided.get("policy", ""),
        "policy_version": str(decided.get("policy_version", "")),
        "reliance": list(decided.get("reliance") or []),
        "decided": decided.get("decided", ""),
        "include": params["include"],
        "transforms": params["transforms"],
        "items": manifest.num_rows,
        "bytes": int(pc.sum(manifest.column("size")).as_py() or 0),
        "merkle_root": root,
        "merkle": "RFC 6962 tree over exported_sha256, leaves ordered by item_id",
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "clearance_version": __version__,
        "not_legal_advice": "Not legal advice: a record of what the policy cleared.",
    }
    _json(out / "CLEARANCE.json", info)
    _write_rescan_manifest(view, out, manifest)
    files = {"manifest": "MANIFEST.parquet", "clearance": "CLEARANCE.json"}
    files.update(write_attribution(view, out, manifest))
    files.update(write_boms(view, out, manifest, info))
    return ExportSummary(
        out=str(out),
        items=manifest.num_rows,
        bytes=info["bytes"],
        shards=shards,
        shards_skipped=skipped,
        merkle_root=root,
        files=files,
    )


def _write_rescan_manifest(view: RunView, out: Path, manifest: pa.Table) -> None:
    """``clearance.yaml`` over the exported data: the same declarations, so a rescan of the
    export decides as the original run did."""
    present = set(manifest.column("source").to_pylist())
    sources = []
    for src in view.sources:
        if src["name"] not in present:
            continue
        entry = {k: v for k, v in src.items() if k != "path" and v is not None}
        entry["path"] = f"data/{src['name']}"
        if entry.get("format") == "hf":
            entry["format"] = "hf"
        sources.append(entry)
    text = yaml.safe_dump({"version": 1, "sources": sources}, sort_keys=False)
    (out / "clearance.yaml").write_text(
        "# Written by `clearance export`: the exported data with the original declarations.\n"
        + text
    )
