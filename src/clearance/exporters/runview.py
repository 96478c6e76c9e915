"""A read-only view of a decided run, shared by the report, the export and the summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from clearance.policy.schema import Outcome
from clearance.policy.table import DECISION_SCHEMA
from clearance.readers.base import ShardSpec
from clearance.runs.store import RunStore, open_run

STATUSES = tuple(o.value for o in Outcome)  # best to worst, the order reports show them


@dataclass(frozen=True)
class DecisionRow:
    """The columns of a decision the exporters need (reasons etc. stay JSON until read)."""

    item_id: str
    source: str
    sha256: str
    status: str
    license: str
    obligations: tuple[str, ...]
    reasons: tuple[dict[str, Any], ...]


class RunView:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.store: RunStore = open_run(path)
        #: the run as the user named it (an s3:// URL stays one; Path would fold the //)
        self.location = str(path)
        self.info: dict[str, Any] = self.store.read_run_json()

    @cached_property
    def decisions(self) -> pa.Table:
        """decisions.parquet (raises RunError naming `clearance decide` when there are none)."""
        return self.store.decisions(DECISION_SCHEMA)

    def decision_columns(self, columns: list[str]) -> pa.Table:
        """Some columns of decisions.parquet, the repeated JSON texts kept dictionary-encoded
        (a million items share a few dozen reasons: decoded, they would cost gigabytes)."""
        if not self.store.has_decisions():
            self.decisions  # noqa: B018 - raises the RunError that names `clearance decide`
        encoded = [c for c in ("reasons", "obligations", "rules", "reliance") if c in columns]
        batches: list[pa.RecordBatch] = []
        for parquet in self.store.open_decision_files(encoded):
            # batch by batch: a whole-file read buffers every column chunk
            batches.extend(parquet.iter_batches(batch_size=65536, columns=columns))
        if not batches:
            return self.decisions.select(columns)
        return pa.Table.from_batches(batches)

    @cached_property
    def items(self) -> pa.Table:
        return self.store.items(
            columns=["item_id", "source", "uri", "media_type", "sha256", "size"]
        )

    def findings(self, columns: list[str] | None = None, kind: str | None = None) -> pa.Table:
        return self.store.findings(columns=columns, kind=kind)

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.info.get("sources") or [])

    @property
    def decision_info(self) -> dict[str, Any]:
        return dict(self.info.get("decisions") or {})

    def shards(self) -> Iterator[ShardSpec]:
        """The scan's shards, in a stable order (from the completion markers)."""
        for marker in self.store.markers():
            yield ShardSpec.from_json(marker["spec"])

    def item_meta(self, item_ids: set[str]) -> dict[str, dict[str, Any]]:
        """Reader metadata of some items (JSON-decoded)."""
        table = self.store.items(columns=["item_id", "meta"])
        out: dict[str, dict[str, Any]] = {}
        for batch in table.to_batches():
            ids = batch.column(0).to_pylist()
            metas = batch.column(1).to_pylist()
            for item_id, meta in zip(ids, metas, strict=True):
                if item_id in item_ids:
                    out[item_id] = json.loads(meta or "{}")
        return out


ROW_COLUMNS = ["item_id", "source", "sha256", "status", "license", "obligations", "reasons"]


def decision_rows(table: pa.Table) -> Iterator[DecisionRow]:
    """Rows one batch at a time; each distinct reasons/obligations text is parsed once."""
    parsed: dict[str, tuple[Any, ...]] = {}

    def load(text: str | None) -> tuple[Any, ...]:
        key = text or "[]"
        if key not in parsed:
            parsed[key] = tuple(json.loads(key))
        return parsed[key]

    for batch in table.select(ROW_COLUMNS).to_batches():
        for row in batch.to_pylist():
            yield DecisionRow(
                item_id=row["item_id"],
                source=row["source"],
                sha256=row["sha256"] or "",
                status=row["status"],
                license=row["license"] or "",
                obligations=load(row["obligations"]),
                reasons=load(row["reasons"]),
            )
