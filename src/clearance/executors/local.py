"""The default executor: shards over a pool of worker processes on this machine.

Workers ignore SIGINT so that Ctrl-C reaches only the parent, which stops handing out shards
and terminates the pool; every shard that finished is already committed to the run folder.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.interrupt import check_stop
from clearance.readers import ShardSpec

ProgressCallback = Callable[[int, int], None]
DoneCallback = Callable[[ShardResult], None]

_progress_queue: Any = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _progress_queue = progress_queue


def _report(items: int, size: int) -> None:
    _progress_queue.put((items, size))


def _scan_in_worker(spec: ShardSpec, config: ScanConfig) -> ShardResult:
    return scan_shard(spec, config, _report)


def run_local(
    shards: Sequence[ShardSpec],
    config: ScanConfig,
    *,
    workers: int,
    on_progress: ProgressCallback,
    on_done: DoneCallback,
) -> list[ShardResult]:
    """Scan ``shards``; ``on_progress(items, bytes)`` and ``on_done(result)`` run in this thread
    (or a helper thread of it), never in a worker."""
    if workers <= 1 or len(shards) <= 1:
        results = []
        for spec in shards:
            check_stop()
            result = scan_shard(spec, config, on_progress)
            on_done(result)
            results.append(result)
        return results
    return _run_pool(shards, config, workers, on_progress, on_done)


def _run_pool(
    shards: Sequence[ShardSpec],
    config: ScanConfig,
    workers: int,
    on_progress: ProgressCallback,
    on_done: DoneCallback,
) -> list[ShardResult]:
    ctx = mp.get_context("spawn")  # no fork: the parent runs threads (progress display)
    progress_queue = ctx.Queue()
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            try:
                items, size = progress_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            on_progress(items, size)

    drainer = threading.Thread(target=drain, name="clearance-progress", daemon=True)
    drainer.start()
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(shards)),
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(progress_queue,),
    )
    results: list[ShardResult] = []
    try:
        pending: set[Future[ShardResult]] = {
            pool.submit(_scan_in_worker, spec, config) for spec in shards
        }
        while pending:
            # a timeout, so a stop request is seen while every worker is on a long shard
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                on_done(result)
                results.append(result)
            check_stop()
    except BaseException:
        _terminate(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        stop.set()
        drainer.join()
        while True:  # what workers reported after the drainer stopped
            try:
                on_progress(*progress_queue.get_nowait())
            except (queue.Empty, OSError, ValueError):
                break
    return results


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
