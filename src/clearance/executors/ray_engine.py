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
from collections.abc import Callable, Sequence
from typing import Any

from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.model.errors import MissingDependency, RunError
from clearance.readers import ShardSpec

ProgressCallback = Callable[[int, int], None]
DoneCallback = Callable[[ShardResult], None]

#: a task whose worker process dies (OOM killer, node lost, os._exit) is retried this often.
MAX_RETRIES = 3
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


def connect(address: str | None = None) -> None:
    """Join ``address`` (``auto``, ``ray://host:10001``) or start a local cluster; a cluster
    this process already joined (``ray.init`` by the caller) is used as it is."""
    ray = require_ray()
    if ray.is_initialized():
        return
    env = {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
    try:
        ray.init(
            address=address,
            include_dashboard=False,
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
    """Scan ``shards`` as Ray tasks; callbacks run in this thread as tasks finish."""
    ray = require_ray()
    connect(address)
    if not shards:
        return []
    task = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=False)(_scan_task)
    config_ref = ray.put(config)
    pending = [task.remote(spec, config_ref) for spec in shards]
    results: list[ShardResult] = []
    try:
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            for ref in finished:
                result: ShardResult = ray.get(ref)
                on_progress(result.items, result.bytes)
                on_done(result)
                results.append(result)
    except BaseException:
        for ref in pending:  # Ctrl-C or a failed shard: stop handing out work
            ray.cancel(ref, force=True)
        raise
    return results
