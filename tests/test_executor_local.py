"""The local executor: workers that start with the scan's modules imported, this process
scanning too, the pool only where it pays, and Ctrl-C semantics with a pool running."""

from __future__ import annotations

import fractions
import importlib.machinery
import json
import multiprocessing as mp
import os
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import clearance.executors.local as local
import pool_probe
from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.executors.forkserver import (
    main_script_modules,
    worker_context,
    worker_environment,
)
from clearance.interrupt import STOP_REQUESTED
from clearance.readers import ShardSpec
from clearance.readers.plan import plan_sources
from clearance.runs.store import RunStore
from clearance.sources.manifest import Source

SCAN_MODULES = ["pyarrow", "clearance.executors.batch", "clearance.readers.sniff"]


def test_pool_workers_start_with_the_scan_modules_already_imported() -> None:
    """Spawned workers imported pyarrow, numpy and the readers each (0.35-0.55 CPU-s); a worker
    forked by the preloading server holds them before it runs anything."""
    with ProcessPoolExecutor(1, mp_context=worker_context()) as pool:
        modules = pool.submit(pool_probe.loaded, SCAN_MODULES).result(timeout=120)
        parent = pool.submit(pool_probe.parent_pid).result(timeout=120)
    assert modules == dict.fromkeys(SCAN_MODULES, True)
    assert parent != os.getpid()  # forked by the server, not started by this process


def test_workers_see_the_environment_of_now_not_the_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server keeps the environment it started with; CLEARANCE_CACHE_DIR and the like are
    read in workers, so each worker takes the scanning process's environment of the moment."""
    monkeypatch.setenv("CLEARANCE_POOL_PROBE", "when the server started")
    with ProcessPoolExecutor(1, mp_context=worker_context()) as pool:
        pool.submit(pool_probe.parent_pid).result(timeout=120)  # the server is running now
    monkeypatch.setenv("CLEARANCE_POOL_PROBE", "now")
    with ProcessPoolExecutor(
        1,
        mp_context=worker_context(),
        initializer=local._init_worker,
        initargs=(None, worker_environment()),
    ) as pool:
        seen = pool.submit(pool_probe.environment, "CLEARANCE_POOL_PROBE").result(timeout=120)
    assert seen == "now"


def _shards(tmp_path: Path, files: int = 12) -> tuple[list[ShardSpec], ScanConfig, RunStore]:
    folder = tmp_path / "corpus"
    folder.mkdir(parents=True)
    for i in range(files):  # distinct sizes, in no particular order
        (folder / f"f{i:02}.txt").write_text(f"line {i}\n" * (40 + (i * 7) % files * 13))
    shards = plan_sources([Source(name="s", path=str(folder))], target_bytes=1)
    assert len(shards) == files
    store = RunStore(tmp_path / "run")
    store.prepare(resume=False, force=False)
    return shards, ScanConfig(run_dir=store.location, detectors=()), store


def _in_this_process(monkeypatch: pytest.MonkeyPatch, hold: RunStore | None = None) -> list[str]:
    """Record the shards this process scans; with ``hold``, each after the first waits until a
    worker has committed a shard (so the test does not depend on how fast the pool starts)."""
    mine: list[str] = []

    def scan_here(spec: ShardSpec, config: ScanConfig, progress: object) -> ShardResult:
        mine.append(spec.shard_id)
        result = scan_shard(spec, config, progress)  # type: ignore[arg-type]
        deadline = time.monotonic() + 120
        while hold is not None and time.monotonic() < deadline:
            if len(hold.done_shards() - set(mine)) > 0:
                break
            time.sleep(0.02)
        return result

    monkeypatch.setattr(local, "scan_shard", scan_here)
    return mine


def test_a_scan_too_small_to_pay_for_a_pool_runs_here_largest_shard_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards, config, _store = _shards(tmp_path)
    monkeypatch.setattr(local, "POOL_PAYS_AFTER_S", 1e9)
    mine = _in_this_process(monkeypatch)
    results = local.run_local(
        shards, config, workers=4, on_progress=lambda items, size: None, on_done=lambda r: None
    )
    largest_first = [s.shard_id for s in sorted(shards, key=lambda s: s.size, reverse=True)]
    assert mine == largest_first
    assert sorted(r.shard_id for r in results) == sorted(largest_first)
    assert mp.active_children() == []  # no worker was started


def test_the_pool_shares_the_shards_once_it_pays_and_the_results_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards, config, store = _shards(tmp_path)
    monkeypatch.setattr(local, "POOL_PAYS_AFTER_S", 0.0)
    mine = _in_this_process(monkeypatch, hold=store)
    done: list[str] = []
    progress: list[int] = []
    results = local.run_local(
        shards,
        config,
        workers=2,
        on_progress=lambda items, size: progress.append(items),
        on_done=lambda r: done.append(r.shard_id),
    )
    everything = sorted(s.shard_id for s in shards)
    assert sorted(done) == sorted(r.shard_id for r in results) == everything  # each once
    assert sorted(store.done_shards()) == everything
    by_pool = set(everything) - set(mine)
    assert by_pool and len(mine) >= 1  # both took shards
    assert sum(progress) == sum(r.items for r in results)  # worker progress reached us too
    monkeypatch.undo()
    alone_shards, alone_config, alone = _shards(tmp_path / "alone")
    local.run_local(
        alone_shards,
        alone_config,
        workers=1,
        on_progress=lambda items, size: None,
        on_done=lambda r: None,
    )
    rows, alone_rows = store.items(), alone.items()
    assert rows.num_rows == alone_rows.num_rows == len(shards)
    assert sorted(rows.column("sha256").to_pylist()) == sorted(
        alone_rows.column("sha256").to_pylist()
    )


def test_a_stop_request_with_the_pool_running_keeps_finished_shards_and_ends_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards, config, store = _shards(tmp_path)
    monkeypatch.setattr(local, "POOL_PAYS_AFTER_S", 0.0)
    mine = _in_this_process(monkeypatch, hold=store)
    done: list[str] = []

    def on_done(result: ShardResult) -> None:
        done.append(result.shard_id)
        if result.shard_id not in mine:  # a worker's shard: the pool is up
            STOP_REQUESTED.set()  # as the Ctrl-C handler does

    try:
        with pytest.raises(KeyboardInterrupt):
            local.run_local(
                shards, config, workers=2, on_progress=lambda i, s: None, on_done=on_done
            )
    finally:
        STOP_REQUESTED.clear()
    assert 2 <= len(done) < len(shards)
    assert store.done_shards() >= set(done)  # every shard reported done is committed
    assert mp.active_children() == []  # the pool's workers are gone


def _main_module(monkeypatch: pytest.MonkeyPatch, **attributes: object) -> None:
    main = types.ModuleType("__main__")
    for key, value in attributes.items():
        setattr(main, key, value)
    monkeypatch.setitem(sys.modules, "__main__", main)


def test_the_server_preloads_what_a_main_script_imports_only_when_workers_rerun_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A console script is run again in every worker: its imports are preloaded once. A
    notebook's or ``python -m``'s main is not: preloading what it holds would only slow the
    server (a notebook may hold torch)."""
    script = {"__file__": "/usr/bin/tool", "dumps": json.dumps, "Fraction": fractions.Fraction}
    _main_module(monkeypatch, **script)
    assert main_script_modules() == ["fractions", "json"]
    _main_module(monkeypatch, dumps=json.dumps)  # interactive: no file
    assert main_script_modules() == []
    spec = importlib.machinery.ModuleSpec("tool.__main__", None)
    _main_module(monkeypatch, __spec__=spec, **script)  # python -m tool
    assert main_script_modules() == []
