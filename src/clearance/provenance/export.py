"""Read a cleared-data export (``CLEARANCE.json`` beside ``MANIFEST.jsonl`` and ``data/``).

The fields used here (``merkle_root``, ``run_id``, ``purpose``, ``policy``,
``policy_version``) are those ``clearance export`` writes (format ``clearance.export/1``);
the Merkle root is recomputed from ``MANIFEST.jsonl``'s ``exported_sha256`` (RFC 6962 tree,
leaves ordered by ``item_id``) so a manifest edited after export is caught.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.exporters.merkle import merkle_root
from clearance.model.errors import ConfigError
from clearance.provenance.hashing import sha256_file

CLEARANCE_JSON = "CLEARANCE.json"
FIELDS = ("merkle_root", "run_id", "purpose", "policy", "policy_version")
#: folders an export keeps for itself (resume state), not part of the delivered data
_SKIP_DIRS = {".clearance-export", "__pycache__"}


@dataclass(frozen=True)
class ExportInfo:
    path: Path
    merkle_root: str
    run_id: str
    purpose: str
    policy: str
    policy_version: str
    raw: dict[str, Any]


def read_clearance(export: str | Path) -> ExportInfo:
    path = Path(export) / CLEARANCE_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{export} has no {CLEARANCE_JSON}: run `clearance export` first"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not data.get("merkle_root"):
        raise ConfigError(f"{path} has no merkle_root")
    vals = {f: str(data.get(f) or "") for f in FIELDS}
    return ExportInfo(
        path=Path(export),
        merkle_root=vals["merkle_root"],
        run_id=vals["run_id"],
        purpose=vals["purpose"],
        policy=vals["policy"],
        policy_version=vals["policy_version"],
        raw=data,
    )


def manifest_rows(export: str | Path) -> list[dict[str, Any]]:
    path = Path(export) / "MANIFEST.jsonl"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path} is corrupt: {exc}") from None
    return rows


def manifest_root(export: str | Path) -> str | None:
    """The Merkle root recomputed from MANIFEST.jsonl, or None when there is no manifest."""
    rows = manifest_rows(export)
    if not rows and not (Path(export) / "MANIFEST.jsonl").exists():
        return None
    rows.sort(key=lambda r: str(r.get("item_id", "")))
    return merkle_root(str(r.get("exported_sha256") or "") for r in rows)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.iterdir()):
        if path.is_dir():
            if path.name not in _SKIP_DIRS:
                yield from _walk(path)
        elif path.is_file():
            yield path


def file_hashes(export: str | Path) -> dict[str, str]:
    """sha256 of every delivered file, by path relative to the export (POSIX separators)."""
    root = Path(export)
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in _walk(root)}
