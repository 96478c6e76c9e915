"""The batch function: read one shard, run the detectors on each item, write the results.

It is the only place items meet detectors, and every executor (local processes, Ray) calls
it unchanged, so a shard scans the same wherever it runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from clearance.detectors.base import Detector, DetectorContext, instantiate
from clearance.executors.budget import BudgetExceeded, run_with_budget
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item
from clearance.readers import ReadLimits, ShardSpec, read_shard
from clearance.runs.store import FINDING_SCHEMA, ITEM_SCHEMA, RunStore

#: called with (items, bytes) done since the last call; set by executors for progress bars.
ProgressHook = Callable[[int, int], None]
PROGRESS_EVERY_S = 0.2


@dataclass(frozen=True)
class ScanConfig:
    """What every worker needs to scan a shard; plain data so it pickles to any worker."""

    run_dir: str
    detectors: tuple[str, ...]
    limits: ReadLimits = field(default_factory=ReadLimits)
    context: DetectorContext = field(default_factory=DetectorContext)

    def to_json(self) -> dict[str, Any]:
        return {
            "detectors": list(self.detectors),
            "limits": asdict(self.limits),
            "options": dict(self.context.options),
        }


@dataclass(frozen=True)
class ShardResult:
    shard_id: str
    items: int
    bytes: int
    findings: int
    errors: int
    seconds: float


_DETECTOR_CACHE: dict[tuple[tuple[str, ...], DetectorContext], list[Detector]] = {}


def _detectors(names: tuple[str, ...], context: DetectorContext) -> list[Detector]:
    key = (names, context)
    if key not in _DETECTOR_CACHE:
        _DETECTOR_CACHE[key] = instantiate(names, context)[0]
    return _DETECTOR_CACHE[key]


def scan_shard(
    spec: ShardSpec, config: ScanConfig, progress: ProgressHook | None = None
) -> ShardResult:
    """Scan one shard end to end and commit it to the run folder atomically."""
    started = time.perf_counter()
    detectors = _detectors(config.detectors, config.context)
    ids: list[str] = []
    sources: list[str] = []
    uris: list[str] = []
    media_types: list[str] = []
    hashes: list[str] = []
    sizes: list[int] = []
    metas: list[str] = []
    findings: list[Finding] = []
    done_items = done_bytes = 0
    last_report = started
    for read in read_shard(spec, config.limits):
        item = read.item
        ids.append(item.item_id)
        sources.append(item.source)
        uris.append(item.uri)
        media_types.append(item.media_type)
        hashes.append(item.sha256)
        sizes.append(item.size)
        metas.append(_meta_json(item.meta))
        for rule, message in read.problems:
            findings.append(
                error_finding(item.item_id, rule, message, detector=f"read:{spec.format}")
            )
        if item.is_text and item.loader is not None and item.decoded.problem:
            findings.append(error_finding(item.item_id, "decode", item.decoded.problem))
        findings.extend(_run_detectors(detectors, item))
        done_items += 1
        done_bytes += item.size
        if progress is not None and (now := time.perf_counter()) - last_report > PROGRESS_EVERY_S:
            progress(done_items, done_bytes)
            done_items = done_bytes = 0
            last_report = now
    if progress is not None and (done_items or done_bytes):
        progress(done_items, done_bytes)
    columns = [ids, sources, uris, media_types, hashes, sizes, metas, [spec.shard_id] * len(ids)]
    item_table = pa.table(dict(zip(ITEM_SCHEMA.names, columns, strict=True)), schema=ITEM_SCHEMA)
    finding_table = findings_table(findings)
    errors = sum(1 for f in findings if f.kind == "error")
    result = ShardResult(
        shard_id=spec.shard_id,
        items=item_table.num_rows,
        bytes=sum(sizes),
        findings=len(findings),
        errors=errors,
        seconds=round(time.perf_counter() - started, 4),
    )
    marker = {"spec": spec.to_json(), **asdict(result)}
    RunStore(config.run_dir).write_shard(spec.shard_id, item_table, finding_table, marker)
    return result


def _meta_json(meta: Any) -> str:
    if not meta:
        return "{}"
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)


def _run_detectors(detectors: Sequence[Detector], item: Item) -> list[Finding]:
    out: list[Finding] = []
    if item.loader is None:
        return out  # content withheld (over-size, unreadable): the reader already said why
    for detector in detectors:
        if not detector.handles(item):
            continue
        try:
            out.extend(run_with_budget(detector.time_budget_s, partial(_detect, detector, item)))
        except BudgetExceeded:
            out.append(
                error_finding(
                    item.item_id,
                    "timeout",
                    f"detector {detector.name} ran past its {detector.time_budget_s:g}s budget",
                    detector=detector.name,
                )
            )
        except Exception as exc:  # a detector bug must not lose the item: it goes to review
            out.append(
                error_finding(
                    item.item_id,
                    "detector-failed",
                    f"detector {detector.name} failed: {type(exc).__name__}: {exc}",
                    detector=detector.name,
                )
            )
    return out


def _detect(detector: Detector, item: Item) -> list[Finding]:
    return list(detector.detect(item))


def findings_table(findings: Sequence[Finding]) -> pa.Table:
    rows = [f.to_row() for f in findings]
    return pa.Table.from_pylist(rows, schema=FINDING_SCHEMA)
