"""The Ray executor: the same ``scan_shard`` as the local pool, one Ray task per shard.

Why tasks over shards and not Ray Data: a shard is already the unit the planner sizes
(~32 MiB), the unit ``--resume`` trusts and the unit the run store commits atomically (part
files then marker). One task per shard keeps all three, reads every input format the readers
know (file trees, JSON Lines, Parquet, WARC) unchanged, and makes a retry exact: a task that
dies mid-shard is simply run again and overwrites the same part files, so a retried shard is
never counted twice and never lost.

Progress is fed from task completions (items and bytes per finished shard), not from inside
the workers: coarser than the local pool's bar but it costs no actor or queue.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.interrupt import check_stop
from clearance.model.errors import MissingDependency, RunError
from clearance.readers import ShardSpec

ProgressCallback = Callable[[int, int], None]
DoneCallback = Callable[[ShardResult], None]

#: a task whose worker process dies (OOM killer, node lost, os._exit) is retried this often.
MAX_RETRIES = 3
#: how often the driver looks for a stop request while every task is busy (seconds).
STOP_POLL_S = 0.5
#: environment variables the driver forwards to workers when it starts or joins a cluster.
FORWARDED_ENV = (
    "CLEARANCE_CACHE_DIR",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
)


def require_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingDependency("the Ray engine (ray)", "ray") from None
    return ray


def connect(address: str | None = None, *, num_cpus: int | None = None) -> None:
    """Join ``address`` (``auto``, ``ray://host:10001``) or start a local cluster; a cluster
    this process already joined (``ray.init`` by the caller) is used as it is.

    ``num_cpus`` sizes a cluster started here (default: Ray counts the machine's CPUs); a
    joined cluster keeps its own settings. ``scan`` leaves it to Ray; benchmarks/engines.py
    sets it to the cores it compares the local pool on.
    """
    ray = require_ray()
    if ray.is_initialized():
        return
    env = {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
    options: dict[str, Any] = {}
    if address is None:
        # What a local start costs (benchmarks/engines.py prints it per process): ray.init
        # launches ~7 Python processes (dashboard head, autoscaler monitor, log monitor, the
        # raylet's dashboard and runtime-env agents, one prestarted worker per CPU), and each
        # one's CPU is almost all ``import ray``. include_dashboard=False only trims the
        # dashboard head's modules (ray/_private/services.py start_api_server, Ray 2.60: the
        # process is still started and waited for); ray.init turns usage stats off itself
        # for release wheels (ray/_private/worker.py, ``set_usage_stats_enabled_via_env_var``);
        # the monitor and log monitor have no ray.init switch (RayParams only), and neither
        # ``_system_config`` enable_metrics_collection=False nor prestart_worker_first_driver=
        # False changed the start's CPU here (RESULTS.md, issue 12), so none is set.
        options = {"num_cpus": num_cpus, "include_dashboard": False}
    try:
        if address is None:
            init_local(
                log_to_driver=False, runtime_env={"env_vars": env} if env else None, **options
            )
        else:
            ray.init(
                address=address,
                log_to_driver=False,
                runtime_env={"env_vars": env} if env else None,
            )
    except Exception as exc:
        # Ray raises a bare Exception when a local node does not come up in time (its
        # raylet waits 15 s for its agent: too short on an overloaded machine).
        where = f"join the Ray cluster at {address}" if address else "start a local Ray cluster"
        raise RunError(
            f"could not {where}: {exc}. Nothing was scanned; retry, or start one with "
            "`ray start --head` and pass --address auto"
        ) from exc


def init_local(**options: Any) -> None:
    """``ray.init(**options)`` of a new local cluster that leaves nothing running if it fails.

    A start that fails part-way (the raylet missing its fixed wait for its agent on a loaded
    machine, a port in use) leaves the processes already started (GCS, dashboard head,
    monitors) running until this process exits: ``ray.shutdown`` only stops a node that came
    up (ray/_private/worker.py, Ray 2.60). They would compete with a retry for the CPU, so
    they are ended here, by their ids (children of this process running Ray's code).
    """
    ray = require_ray()
    joined = ray.is_initialized()  # then ray.init refuses before starting anything
    before = set() if joined else _ray_children()
    try:
        ray.init(**options)
    except Exception:
        if not joined:
            ray.shutdown()
            _end(_ray_children() - before)
        raise


def _ray_children() -> set[int]:
    """Ids of this process's children that run Ray's code (Linux /proc; else none)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return set()
    ray_dir = str(Path(require_ray().__file__).parent).encode()
    me = str(os.getpid())
    found: set[int] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2 :].split()[1] == me and ray_dir in cmdline:
            found.add(int(entry.name))
    return found


def _end(pids: set[int], grace_s: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``grace_s``, and reap: these are our own children."""
    for pid in pids:
        with suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for pid in pids:
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break  # already reaped
            if done:
                break
            if time.monotonic() > deadline:
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                with suppress(ChildProcessError):
                    os.waitpid(pid, 0)
                break
            time.sleep(0.05)


def _scan_task(spec: ShardSpec, config: ScanConfig) -> ShardResult:
    return scan_shard(spec, config, None)


def run_ray(
    shards: Sequence[ShardSpec],
    config: ScanConfig,
    *,
    address: str | None,
    on_progress: ProgressCallback,
    on_done: DoneCallback,
    max_retries: int = MAX_RETRIES,
) -> list[ShardResult]:
    """Scan ``shards`` as Ray tasks; callbacks run in this thread as tasks finish.

    A stop request (``clearance.interrupt``, set by the command line's signal handler even
    when its KeyboardInterrupt is lost) is seen within ``STOP_POLL_S`` as the local pool does:
    the tasks not finished are cancelled (running ones killed, as the pool terminates its
    workers). A shard commits its parts then its marker, so a killed one left no marker and
    ``--resume`` runs it again; every finished shard is already committed.
    """
    ray = require_ray()
    connect(address)
    if not shards:
        return []
    check_stop()  # before starting any task
    task = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=False)(_scan_task)
    config_ref = ray.put(config)
    pending = [task.remote(spec, config_ref) for spec in shards]
    results: list[ShardResult] = []
    try:
        while pending:
            # a timeout, so a stop request is seen while every task is on a long shard
            finished, pending = ray.wait(pending, num_returns=1, timeout=STOP_POLL_S)
            for ref in finished:
                result: ShardResult = ray.get(ref)
                on_progress(result.items, result.bytes)
                on_done(result)
                results.append(result)
            check_stop()
    except BaseException:
        for ref in pending:  # Ctrl-C, a stop request or a failed shard: stop the work
            ray.cancel(ref, force=True)
        raise
    return results
