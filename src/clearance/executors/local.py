"""The default executor: shards over this process and, where it pays, a pool of workers.

This process scans shards itself from the start (it is one of the ``workers``), largest first
so that no long shard is left to run alone at the end. A pool process costs an interpreter and
its imports (see ``forkserver``): the pool is started only once this process has measured its
own rate and the shards still waiting would take it longer than ``POOL_PAYS_AFTER_S``, and it is
handed shards only once a worker is up, so a small scan never waits for one.

Workers ignore SIGINT so that Ctrl-C reaches only this process, which stops taking shards and
terminates the pool; every shard that finished is already committed to the run folder.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.executors.forkserver import adopt_environment, worker_context, worker_environment
from clearance.interrupt import STOP_REQUESTED, check_stop
from clearance.readers import ShardSpec

ProgressCallback = Callable[[int, int], None]
DoneCallback = Callable[[ShardResult], None]

#: Start the pool when the waiting shards would take this process longer than this, alone. A
#: worker's start (a forkserver interpreter importing pyarrow, numpy and the readers, then a
#: fork) took 0.4-1.3 s of wall time on a loaded 2-core machine (0.5 CPU-s), competing for a
#: core meanwhile; sharing W seconds of work saves at most (W - start) / 2, so the pool starts
#: only when W is twice the slowest start seen, where the saving outweighs the CPU it costs.
POOL_PAYS_AFTER_S = 2.0

_progress_queue: Any = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init_worker(progress_queue: Any, environment: Mapping[str, str]) -> None:
    global _progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    adopt_environment(environment)
    _progress_queue = progress_queue


def _worker_ready() -> int:
    return os.getpid()


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
    """Scan ``shards`` with up to ``workers`` processes, this one included.
    ``on_progress(items, bytes)`` and ``on_done(result)`` run in this process, one call at a
    time, never in a worker."""
    return _Shared(
        shards, config, max(0, min(workers, len(shards)) - 1), on_progress, on_done
    ).run()


class _Shared:
    """This process and (once it pays) a pool taking shards from one queue, largest first."""

    def __init__(
        self,
        shards: Sequence[ShardSpec],
        config: ScanConfig,
        processes: int,
        on_progress: ProgressCallback,
        on_done: DoneCallback,
    ) -> None:
        self.todo = deque(sorted(shards, key=lambda spec: spec.size, reverse=True))
        self.config = config
        self.processes = processes
        self._on_progress = on_progress
        self._on_done = on_done
        self.lock = threading.Lock()  # the queue, the results and the callbacks
        self.results: list[ShardResult] = []
        self.error: BaseException | None = None
        self.aborted = threading.Event()
        self.started = time.perf_counter()
        self.own_bytes = 0
        self.feeder: threading.Thread | None = None
        self.pool: ProcessPoolExecutor | None = None
        self._drainer_stop = threading.Event()
        self._drainer: threading.Thread | None = None
        self._progress_queue: Any = None

    def take(self) -> ShardSpec | None:
        with self.lock:
            if not self.todo or STOP_REQUESTED.is_set() or self.aborted.is_set():
                return None
            return self.todo.popleft()

    def progress(self, items: int, size: int) -> None:
        with self.lock:
            self._on_progress(items, size)

    def done(self, result: ShardResult) -> None:
        with self.lock:
            self._on_done(result)
            self.results.append(result)

    def run(self) -> list[ShardResult]:
        try:
            while (spec := self.take()) is not None:
                check_stop()
                self.done(scan_shard(spec, self.config, self._own_progress))
                self._raise_pool_error()
            while self.feeder is not None and self.feeder.is_alive():  # the pool's last shards
                self.feeder.join(timeout=0.2)
                check_stop()
            check_stop()
            self._raise_pool_error()
        except BaseException:
            self.aborted.set()
            if self.pool is not None:
                _terminate(self.pool)
            raise
        finally:
            self.aborted.set()
            self._close_pool()
        return self.results

    def _own_progress(self, items: int, size: int) -> None:
        self.progress(items, size)
        self.own_bytes += size
        if self.feeder is None and self.processes and self.todo and self._pool_pays():
            self.feeder = threading.Thread(target=self._feed, name="clearance-pool")
            self.feeder.start()

    def _pool_pays(self) -> bool:
        """Whether the shards still waiting would take this process, at the rate it has
        scanned so far, longer than ``POOL_PAYS_AFTER_S``."""
        elapsed = time.perf_counter() - self.started
        waiting = sum(spec.size for spec in self.todo)
        return waiting * elapsed > POOL_PAYS_AFTER_S * max(self.own_bytes, 1)

    def _raise_pool_error(self) -> None:
        if self.error is not None:
            raise self.error

    def _feed(self) -> None:
        """Start the pool, then keep each of its processes on one shard from the moment the
        first is up (until then this thread waits, not the scan)."""
        try:
            context = worker_context(_detector_modules(self.config.detectors))
            self._progress_queue = context.Queue()
            self._drainer = threading.Thread(target=self._drain, name="clearance-progress")
            self._drainer.start()
            with self.lock:
                if self.aborted.is_set():
                    return
                pool = self.pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(self._progress_queue, worker_environment()),
                )
            ready = pool.submit(_worker_ready)
            while not ready.done():
                if not self.todo or self.aborted.is_set():
                    return  # this process took every shard before a worker was up
                wait([ready], timeout=0.05)
            ready.result()
            pending: set[Future[ShardResult]] = set()
            while True:
                while len(pending) < self.processes and (spec := self.take()) is not None:
                    pending.add(pool.submit(_scan_in_worker, spec, self.config))
                if not pending or self.aborted.is_set():
                    return
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    self.done(future.result())
        except BaseException as exc:  # raised in the scanning thread, which stops the scan
            self.error = exc
            self.aborted.set()

    def _drain(self) -> None:
        while not self._drainer_stop.is_set():
            try:
                items, size = self._progress_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.progress(items, size)

    def _close_pool(self) -> None:
        if self.feeder is not None:
            self.feeder.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self._drainer is not None:
            self._drainer_stop.set()
            self._drainer.join()
            while True:  # what workers reported after the drainer stopped
                try:
                    self.progress(*self._progress_queue.get_nowait())
                except (queue.Empty, OSError, ValueError):
                    break


def _detector_modules(names: Sequence[str]) -> list[str]:
    """The modules of the chosen detectors, for the workers to preload (none without detectors:
    the registry itself is not imported then)."""
    if not names:
        return []
    from clearance.detectors.base import registry

    table = registry()
    return sorted({table[name].__module__ for name in names if name in table})


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
