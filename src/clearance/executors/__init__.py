"""Executors run the batch function over shards: locally now, on Ray later."""

from clearance.executors.batch import ScanConfig, ShardResult, scan_shard
from clearance.executors.local import default_workers, run_local

__all__ = ["ScanConfig", "ShardResult", "default_workers", "run_local", "scan_shard"]
