"""``clearance scan`` as a library call: plan, run shards, run-level detectors, run.json."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

from clearance import __version__
from clearance.detectors.base import DetectorContext, instantiate, registry, resolve
from clearance.executors.batch import ScanConfig, ShardResult, findings_table
from clearance.executors.local import default_workers, run_local
from clearance.model.errors import ConfigError, RunError
from clearance.readers import ReadLimits, ShardSpec
from clearance.readers.plan import TARGET_SHARD_BYTES, plan_sources
from clearance.runs.store import RunStore
from clearance.sources import Source, sources_from_inputs

_VERSIONED_PACKAGES = ("pyarrow", "warcio", "license-expression", "fsspec", "pydantic", "filetype")


class ScanProgress(Protocol):
    """What a progress display is told; the CLI draws it with Rich."""

    def start(self, total_bytes: int, shards: int, skipped: int) -> None: ...
    def advance(self, items: int, size: int) -> None: ...
    def shard_done(self, result: ShardResult) -> None: ...


@dataclass(frozen=True)
class ScanOptions:
    workers: int = field(default_factory=default_workers)
    resume: bool = False
    force: bool = False
    detectors: tuple[str, ...] | None = None
    limits: ReadLimits = field(default_factory=ReadLimits)
    target_shard_bytes: int = TARGET_SHARD_BYTES
    #: JSON-able settings handed to every detector's ``configure`` (see DetectorContext).
    detector_options: Mapping[str, Any] = field(default_factory=dict)
    #: "local" (a process pool on this machine) or "ray" (tasks on a Ray cluster).
    engine: str = "local"
    #: Ray cluster to join ("auto", "ray://host:10001"); None starts a local one.
    address: str | None = None


@dataclass(frozen=True)
class ScanSummary:
    run_dir: str
    items: int
    bytes: int
    findings: int
    errors: int
    shards: int
    shards_skipped: int
    seconds: float
    by_kind: dict[str, int]


def scan(
    inputs: Sequence[str],
    out: str | Path,
    options: ScanOptions | None = None,
    progress: ScanProgress | None = None,
) -> ScanSummary:
    """Scan ``inputs`` (manifests or paths) into the run folder ``out``."""
    options = options or ScanOptions()
    if options.engine not in ("local", "ray"):
        raise ConfigError(f"unknown engine {options.engine!r}; choose local or ray")
    started = time.perf_counter()
    sources, manifests = sources_from_inputs(inputs)
    names = tuple(resolve(options.detectors))
    context = DetectorContext.build(sources, **options.detector_options)
    instantiate(names, context)  # fail now, in the parent, on a missing dependency or bad config
    store = RunStore(out)
    config = ScanConfig(
        run_dir=store.location, detectors=names, limits=options.limits, context=context
    )
    fingerprint = _fingerprint(sources, config)
    if options.resume and store.exists():
        previous = store.read_run_json().get("fingerprint")
        if previous != fingerprint:
            raise RunError(
                f"{out} was scanned with other sources, detectors or limits; "
                "use --force to start again"
            )
    store.prepare(resume=options.resume, force=options.force)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    shards = plan_sources(sources, target_bytes=options.target_shard_bytes)
    plan_seconds = time.perf_counter() - started
    store.keep_only(s.shard_id for s in shards)
    done = store.done_shards() if options.resume else set()
    pending = [s for s in shards if s.shard_id not in done]
    run_info: dict[str, Any] = {
        "clearance_version": __version__,
        "status": "running",
        "created": created,
        "fingerprint": fingerprint,
        "inputs": list(inputs),
        "manifests": manifests,
        "sources": [s.model_dump(mode="json") for s in sources],
        "config": {**config.to_json(), "workers": options.workers, "engine": options.engine},
        "detectors": _detector_versions(names),
        "environment": _environment(),
    }
    store.write_run_json(run_info)
    if progress is not None:
        progress.start(sum(s.size for s in pending), len(pending), len(shards) - len(pending))
    scan_started = time.perf_counter()
    try:
        _run_shards(pending, config, options, progress)
    except BaseException:
        store.write_run_json({**run_info, "status": "interrupted", **_counts(store)})
        raise
    scan_seconds = time.perf_counter() - scan_started
    run_detectors_started = time.perf_counter()
    _run_level_detectors(store, names, context)
    counts = _counts(store)
    total = time.perf_counter() - started
    run_info.update(
        status="complete",
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
        shards={
            "planned": len(shards),
            "scanned": len(pending),
            "resumed": len(shards) - len(pending),
        },
        timings={
            "plan_s": round(plan_seconds, 3),
            "scan_s": round(scan_seconds, 3),
            "run_detectors_s": round(time.perf_counter() - run_detectors_started, 3),
            "total_s": round(total, 3),
        },
        **counts,
    )
    store.write_run_json(run_info)
    c = counts["counts"]
    return ScanSummary(
        run_dir=str(out),
        items=c["items"],
        bytes=c["bytes"],
        findings=c["findings"],
        errors=c["errors"],
        shards=len(shards),
        shards_skipped=len(shards) - len(pending),
        seconds=round(total, 3),
        by_kind=c["findings_by_kind"],
    )


def _run_shards(
    pending: Sequence[ShardSpec],
    config: ScanConfig,
    options: ScanOptions,
    progress: ScanProgress | None,
) -> None:
    on_progress = progress.advance if progress else _ignore
    on_done = progress.shard_done if progress else _ignore
    if options.engine == "ray":
        from clearance.executors.ray_engine import run_ray

        run_ray(pending, config, address=options.address, on_progress=on_progress, on_done=on_done)
    else:
        run_local(
            pending, config, workers=options.workers, on_progress=on_progress, on_done=on_done
        )


def _ignore(*_: object) -> None:
    return None


def _run_level_detectors(store: RunStore, names: Sequence[str], context: DetectorContext) -> None:
    _, run_level = instantiate(names, context)
    if not run_level:
        return
    items = store.items(columns=["item_id", "sha256"])
    for detector in run_level:
        store.write_run_findings(detector.name, findings_table(list(detector.detect_run(items))))


def _counts(store: RunStore) -> dict[str, Any]:
    markers = store.markers()
    findings = store.findings(columns=["kind"])
    by_kind = Counter(findings.column("kind").to_pylist()) if findings.num_rows else Counter()
    return {
        "counts": {
            "items": sum(m["items"] for m in markers),
            "bytes": sum(m["bytes"] for m in markers),
            "findings": findings.num_rows,
            "errors": by_kind.get("error", 0),
            "findings_by_kind": dict(sorted(by_kind.items())),
            "shards_done": len(markers),
        }
    }


def _fingerprint(sources: Sequence[Source], config: ScanConfig) -> str:
    blob = json.dumps(
        {
            "sources": [s.model_dump(mode="json") for s in sources],
            "config": config.to_json(),
            "detectors": _detector_versions(config.detectors),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _detector_versions(names: Sequence[str]) -> dict[str, str]:
    if not names:
        return {}
    table = registry()
    return {name: table[name].version for name in names}


def _environment() -> dict[str, Any]:
    packages: dict[str, str] = {}
    for name in _VERSIONED_PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "missing"
    return {"python": sys.version.split()[0], "platform": platform.platform(), "packages": packages}
