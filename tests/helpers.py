"""Shared test helpers: read sources, scan in-process, fingerprint trees."""

from __future__ import annotations

import hashlib
from pathlib import Path

from clearance.readers import Read, ReadLimits, ShardSpec, read_shard
from clearance.readers.plan import plan_sources
from clearance.runs.store import RunStore
from clearance.scan import ScanOptions, ScanSummary, scan
from clearance.sources import Source

#: the detectors whose findings on the examples the scan and CLI tests count (license and
#: copyright); other detectors have their own tests, and adding one must not move these counts.
FOUNDATION = (
    "cc-url",
    "copyright",
    "exact-duplicate",
    "license-text",
    "package-license",
    "spdx-tag",
)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATA = Path(__file__).resolve().parent / "data"


def read_source(
    path: Path | str,
    *,
    fmt: str = "auto",
    limits: ReadLimits | None = None,
    text_field: str = "text",
    target_bytes: int = 32 * 1024 * 1024,
) -> list[Read]:
    """Every Read of a one-source plan, in plan order."""
    source = Source(name="src", path=str(path), format=fmt, text_field=text_field)  # type: ignore[arg-type]
    reads: list[Read] = []
    for spec in plan_sources([source], target_bytes=target_bytes):
        reads.extend(read_shard(spec, limits))
    return reads


def problems(reads: list[Read]) -> dict[str, list[str]]:
    """item_id -> rules of the problems met reading it."""
    return {r.item.item_id: [rule for rule, _ in r.problems] for r in reads if r.problems}


def run_scan(inputs: list[str], out: Path, **options: object) -> ScanSummary:
    opts = ScanOptions(**{"workers": 1, **options})  # type: ignore[arg-type]
    return scan(inputs, out, opts)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root, to prove inputs were not modified."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


__all__ = [
    "DATA",
    "EXAMPLES",
    "FOUNDATION",
    "Read",
    "RunStore",
    "ShardSpec",
    "problems",
    "read_source",
    "run_scan",
    "tree_digest",
]


#: credentials for the loopback S3 store of the tests (moto accepts any)
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
