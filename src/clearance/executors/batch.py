"""The batch function: read one shard, run the detectors on each item, write the results.

It is the only place items meet detectors, and every executor (local processes, Ray) calls
it unchanged, so a shard scans the same wherever it runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from clearance.detectors.base import Detector, DetectorContext, instantiate
from clearance.executors.budget import BudgetExceeded, budget_clock, run_with_budget
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item
from clearance.readers import ItemColumns, ReadLimits, ShardSpec, fill_shard
from clearance.readers.columns import Wants, backslash_escaped
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
    columns = ItemColumns(spec)
    findings = columns.findings  # read errors, then each item's detector findings, in order
    reported_items = reported_bytes = 0
    last_report = started
    # one periodic budget timer for the shard, not two system calls per detector per item
    clock: AbstractContextManager[None] = nullcontext()
    if detectors:
        clock = budget_clock(min(d.time_budget_s for d in detectors))
    with clock:
        for item in fill_shard(spec, config.limits, _wants(detectors), columns):
            if item is not None:
                findings.extend(_run_detectors(detectors, item))
            if progress is None:
                continue
            now = time.perf_counter()
            if now - last_report > PROGRESS_EVERY_S:
                progress(len(columns) - reported_items, columns.bytes - reported_bytes)
                reported_items, reported_bytes = len(columns), columns.bytes
                last_report = now
    if progress is not None and (len(columns) > reported_items or columns.bytes > reported_bytes):
        progress(len(columns) - reported_items, columns.bytes - reported_bytes)
    try:
        item_table = _item_table(columns, spec.shard_id)
    except UnicodeEncodeError:  # bytes that were not UTF-8 in a name or a record's fields
        columns.escape_surrogates()
        item_table = _item_table(columns, spec.shard_id)
    finding_table = findings_table(findings)
    errors = sum(1 for f in findings if f.kind == "error")
    result = ShardResult(
        shard_id=spec.shard_id,
        items=item_table.num_rows,
        bytes=columns.bytes,
        findings=len(findings),
        errors=errors,
        seconds=round(time.perf_counter() - started, 4),
    )
    marker = {"spec": spec.to_json(), **asdict(result)}
    RunStore(config.run_dir).write_shard(spec.shard_id, item_table, finding_table, marker)
    return result


def _item_table(columns: ItemColumns, shard_id: str) -> pa.Table:
    # the shard column repeats one id: built by Arrow, not converted from a list of n strings
    shard = pa.repeat(pa.scalar(shard_id, pa.string()), len(columns))
    values = [*columns.columns(), shard]
    return pa.table(dict(zip(ITEM_SCHEMA.names, values, strict=True)), schema=ITEM_SCHEMA)


def _wants(detectors: Sequence[Detector]) -> Wants:
    """Whether any detector reads items of a media type (answers cached per type). A detector
    that overrides ``handles`` (it looks at more than the type) is asked item by item."""
    answers: dict[str, bool] = {}

    def wants(media_type: str) -> bool:
        answer = answers.get(media_type)
        if answer is None:
            probe = Item(item_id="", source="", uri="", media_type=media_type, sha256="", size=0)
            answer = answers[media_type] = any(
                type(d).handles is not Detector.handles or d.handles(probe) for d in detectors
            )
        return answer

    return wants


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
    try:
        return pa.Table.from_pylist(rows, schema=FINDING_SCHEMA)
    except UnicodeEncodeError:  # an item id from a file name that is not UTF-8: as in items
        for row in rows:
            for key, value in row.items():
                if isinstance(value, str):
                    row[key] = backslash_escaped(value)
        return pa.Table.from_pylist(rows, schema=FINDING_SCHEMA)
