"""The run folder: run.json, items.parquet/, findings.parquet/, and shard completion markers."""

from clearance.runs.store import FINDING_SCHEMA, ITEM_SCHEMA, RunStore, open_run

__all__ = ["FINDING_SCHEMA", "ITEM_SCHEMA", "RunStore", "open_run"]
