"""The provenance record: model file hashes bound to the cleared data, the policy, counsel's
decisions and the obligations that pass downstream; canonical JSON signed with Ed25519.

Verification names every difference (which file, which field) rather than stopping at the
first, so one run of ``clearance provenance verify`` says all that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance.model.errors import ConfigError, RunError
from clearance.provenance.export import (
    FIELDS,
    file_hashes,
    manifest_root,
    manifest_rows,
    read_clearance,
)
from clearance.provenance.hashing import model_format, sha256_file
from clearance.provenance.obligations import license_obligations
from clearance.provenance.signing import (
    check_signature,
    load_private,
    load_public,
    sign,
)

FORMAT = "clearance.provenance/1"
_DECISION_FIELDS = (
    "item_id",
    "sha256",
    "status",
    "policy_status",
    "purpose",
    "policy",
    "policy_version",
    "override_status",
    "override_by",
    "override_at",
    "override_why",
    "override_entry",
)


@dataclass(frozen=True)
class Difference:
    """One thing that does not match: ``where`` (a file or record section), ``field``."""

    where: str
    field: str
    expected: str
    actual: str

    def describe(self) -> str:
        return (
            f"{self.where}: {self.field} differs (record {self.expected!r}, found {self.actual!r})"
        )


def model_entry(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such model file")
    entry: dict[str, Any] = {
        "name": p.name,
        "format": model_format(p),
        "size": p.stat().st_size,
        "sha256": sha256_file(p),
    }
    if entry["format"] == "safetensors":
        from clearance.provenance.embed import safetensors_digests

        entry.update(safetensors_digests(p))
    elif entry["format"] == "gguf":
        from clearance.provenance.gguf_embed import gguf_digests

        entry.update(gguf_digests(p))
    return entry


def decisions_digest(run: str | Path) -> dict[str, Any]:
    """sha256 over the run's decisions (one canonical line per item, by item id) and the
    ledger head the run was decided with: any changed decision or override changes it."""
    from clearance.policy import DECISION_SCHEMA
    from clearance.runs.store import open_run

    store = open_run(run)
    info = store.read_run_json().get("decisions") or {}
    if not store.has_decisions():
        raise RunError(f"{run} has no decisions; run `clearance decide {run}` first")
    table = store.decisions(DECISION_SCHEMA).select(list(_DECISION_FIELDS))
    rows = sorted(table.to_pylist(), key=lambda r: str(r["item_id"]))
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    overrides = 0
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode() + b"\n")
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        overrides += bool(row["override_status"])
    ledger = info.get("ledger") or {}
    return {
        "sha256": digest.hexdigest(),
        "items": len(rows),
        "counts": dict(sorted(counts.items())),
        "overrides": overrides,
        "ledger_head": {
            "entry": int(ledger.get("head_entry") or 0),
            "hash": str(ledger.get("head_hash") or ""),
        },
        "decided": str(info.get("decided") or ""),
    }


def _run_licenses(run: str | Path) -> list[str]:
    from clearance.policy import read_decisions

    return [d.license for d in read_decisions(run) if d.status == "cleared" and d.license]


def _decision_obligations(run: str | Path) -> list[str]:
    from clearance.policy import read_decisions

    return sorted({o for d in read_decisions(run) if d.status == "cleared" for o in d.obligations})


def create_record(
    models: Sequence[str | Path],
    export: str | Path,
    key: str | Path,
    *,
    run: str | Path | None = None,
    created: str | None = None,
) -> dict[str, Any]:
    """The signed record (a dict; write it with ``canonical_json`` or ``json.dumps``)."""
    if not models:
        raise ConfigError("name at least one model file (--model)")
    private = load_private(key)  # fail on a bad key before hashing gigabytes
    info = read_clearance(export)
    licenses = [str(r.get("license") or "") for r in manifest_rows(export)]
    decisions = None
    carried: list[str] = []
    if run is not None:
        decisions = decisions_digest(run)
        licenses += _run_licenses(run)
        carried = _decision_obligations(run)
    obligations = license_obligations(licenses)
    obligations["from_decisions"] = carried
    body: dict[str, Any] = {
        "format": FORMAT,
        "created": created or datetime.now(UTC).isoformat(timespec="seconds"),
        "model": {"files": [model_entry(m) for m in models]},
        "data": {
            **{f: getattr(info, f) for f in FIELDS},
            "export_files": file_hashes(export),
        },
        "decisions": decisions,
        "obligations": obligations,
        "not_legal_advice": "A record of what was cleared and what passes downstream.",
    }
    return sign(body, private)


def write_record(record: dict[str, Any], out: str | Path) -> Path:
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def read_record(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such record") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not a provenance record (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f"{path} is not a {FORMAT} record")
    return data


def verify_record(
    record: dict[str, Any],
    public: str | Path,
    *,
    models: Sequence[str | Path] = (),
    export: str | Path | None = None,
) -> list[Difference]:
    """Check the signature (raises SignatureError), then every model file and the export.
    Returns the differences; empty means verified."""
    check_signature(record, load_public(public))
    diffs: list[Difference] = []
    files = {f["name"]: f for f in record.get("model", {}).get("files", [])}
    for m in models:
        p = Path(m)
        entry = files.get(p.name)
        if entry is None:
            diffs.append(Difference(p.name, "file", "absent from the record", str(p)))
            continue
        if not p.is_file():
            diffs.append(Difference(p.name, "file", entry["sha256"], "missing"))
            continue
        diffs += _compare_model(entry, p)
    if export is not None:
        diffs += _compare_export(record.get("data", {}), Path(export))
    return diffs


def _compare_model(entry: dict[str, Any], path: Path) -> list[Difference]:
    size = path.stat().st_size
    if size != entry["size"]:
        return [Difference(path.name, "size", str(entry["size"]), str(size))]
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        return [Difference(path.name, "sha256", entry["sha256"], digest)]
    return []


def _compare_export(data: dict[str, Any], export: Path) -> list[Difference]:
    diffs: list[Difference] = []
    try:
        info = read_clearance(export)
    except ConfigError as exc:
        return [Difference("CLEARANCE.json", "file", "present and valid", str(exc))]
    for f in FIELDS:
        if str(data.get(f, "")) != getattr(info, f):
            diffs.append(Difference("CLEARANCE.json", f, str(data.get(f, "")), getattr(info, f)))
    recomputed = manifest_root(export)
    if recomputed is not None and recomputed != info.merkle_root:
        diffs.append(
            Difference("MANIFEST.jsonl", "merkle_root (recomputed)", info.merkle_root, recomputed)
        )
    expected: dict[str, str] = data.get("export_files", {})
    found = file_hashes(export)
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            diffs.append(Difference(name, "file", expected[name], "missing"))
        elif name not in expected:
            diffs.append(Difference(name, "file", "absent from the record", found[name]))
        elif expected[name] != found[name]:
            diffs.append(Difference(name, "sha256", expected[name], found[name]))
    return diffs
