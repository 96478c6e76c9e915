"""A run on disk. Every write is atomic (temp file, fsync, rename) and a shard's marker is
written last, so an interrupted scan leaves only complete shards and a resume trusts markers.

Layout (``items.parquet`` and ``findings.parquet`` are folders of part files, as Spark and
pyarrow datasets write them; DuckDB reads ``runs/NAME/findings.parquet/*.parquet``)::

    run.json
    items.parquet/part-<shard>.parquet
    findings.parquet/part-<shard>.parquet      findings.parquet/run-<detector>.parquet
    decisions.parquet/part-0.parquet           written by the policy (``clearance decide``)
    _shards/<shard>.json                        completion markers
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from clearance.model.errors import RunError

ITEM_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("source", pa.string()),
        ("uri", pa.string()),
        ("media_type", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("meta", pa.string()),  # JSON object: reader metadata (HTTP headers, card fields...)
        ("shard", pa.string()),
    ]
)

FINDING_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("detector", pa.string()),
        ("detector_version", pa.string()),
        ("kind", pa.string()),
        ("value", pa.string()),
        ("confidence", pa.float64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("line", pa.int64()),
        ("bbox", pa.list_(pa.float64())),
        ("evidence", pa.string()),
        ("rule", pa.string()),
    ]
)

RUN_JSON = "run.json"


def _atomic_write(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class RunStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.items_dir = self.path / "items.parquet"
        self.findings_dir = self.path / "findings.parquet"
        self.markers_dir = self.path / "_shards"
        self.decisions_dir = self.path / "decisions.parquet"

    # -- lifecycle --------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.path / RUN_JSON).exists()

    def prepare(self, *, resume: bool, force: bool) -> None:
        """Create the folder; refuse to mix runs unless asked to resume or replace."""
        if self.path.exists() and any(self.path.iterdir()):
            if not self.exists():
                raise RunError(
                    f"{self.path} exists and is not a clearance run; choose another --out"
                )
            if force:
                shutil.rmtree(self.path)
            elif not resume:
                raise RunError(
                    f"{self.path} already holds a run; pass --resume to continue it "
                    "or --force to replace it"
                )
        for folder in (self.items_dir, self.findings_dir, self.markers_dir):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.decisions_dir, ignore_errors=True)  # stale once the findings change
        self._drop_partial()

    def _drop_partial(self) -> None:
        """Remove temp files and parts whose shard never completed (a killed scan's leftovers)."""
        done = self.done_shards()
        for folder in (self.items_dir, self.findings_dir, self.markers_dir):
            for path in folder.glob(".*.tmp"):
                path.unlink()
            for path in folder.glob("part-*.parquet"):
                if path.stem.removeprefix("part-") not in done:
                    path.unlink()

    # -- shards -------------------------------------------------------------------------
    def done_shards(self) -> set[str]:
        if not self.markers_dir.exists():
            return set()
        return {p.stem for p in self.markers_dir.glob("*.json")}

    def write_shard(
        self, shard_id: str, items: pa.Table, findings: pa.Table, marker: Mapping[str, Any]
    ) -> None:
        _atomic_write(
            self.items_dir / f"part-{shard_id}.parquet", lambda p: pq.write_table(items, p)
        )
        _atomic_write(
            self.findings_dir / f"part-{shard_id}.parquet", lambda p: pq.write_table(findings, p)
        )
        self._write_json(self.markers_dir / f"{shard_id}.json", marker)

    def markers(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text()) for p in sorted(self.markers_dir.glob("*.json"))]

    def keep_only(self, shard_ids: Iterable[str]) -> None:
        """Forget finished shards that are no longer in the plan (inputs changed on resume)."""
        wanted = set(shard_ids)
        for shard_id in self.done_shards() - wanted:
            (self.markers_dir / f"{shard_id}.json").unlink()
        self._drop_partial()

    def write_run_findings(self, detector: str, findings: pa.Table) -> None:
        _atomic_write(
            self.findings_dir / f"run-{detector}.parquet", lambda p: pq.write_table(findings, p)
        )

    def write_decisions(self, decisions: pa.Table) -> None:
        """Replace decisions.parquet (the policy re-runs without rescanning)."""
        self.decisions_dir.mkdir(parents=True, exist_ok=True)
        target = self.decisions_dir / "part-0.parquet"
        _atomic_write(target, lambda p: pq.write_table(decisions, p))
        for stale in self.decisions_dir.glob("*.parquet"):
            if stale != target:
                stale.unlink()

    def has_decisions(self) -> bool:
        return any(self.decisions_dir.glob("*.parquet"))

    def decisions(self, schema: pa.Schema) -> pa.Table:
        if not self.has_decisions():
            raise RunError(
                f"{self.path} has no decisions; run `clearance decide {self.path}` first"
            )
        return self._read(self.decisions_dir, schema, None)

    # -- run.json -------------------------------------------------------------------------
    def write_run_json(self, data: Mapping[str, Any]) -> None:
        self._write_json(self.path / RUN_JSON, data)

    def read_run_json(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.path / RUN_JSON).read_text())
        except FileNotFoundError:
            raise RunError(f"{self.path} is not a clearance run (no {RUN_JSON})") from None
        except json.JSONDecodeError as exc:
            raise RunError(f"{self.path / RUN_JSON} is corrupt: {exc}") from exc
        return data

    @staticmethod
    def _write_json(path: Path, data: Mapping[str, Any]) -> None:
        text = json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
        _atomic_write(path, lambda p: p.write_text(text))

    # -- reading ------------------------------------------------------------------------
    def items(self, columns: list[str] | None = None) -> pa.Table:
        return self._read(self.items_dir, ITEM_SCHEMA, columns)

    def findings(self, columns: list[str] | None = None, kind: str | None = None) -> pa.Table:
        return self._read(self.findings_dir, FINDING_SCHEMA, columns, kind)

    @staticmethod
    def _read(
        folder: Path, schema: pa.Schema, columns: list[str] | None, kind: str | None = None
    ) -> pa.Table:
        files = sorted(str(p) for p in folder.glob("*.parquet"))
        if not files:
            empty = schema.empty_table()
            return empty.select(columns) if columns else empty
        dataset = ds.dataset(files, schema=schema, format="parquet")
        filter_ = ds.field("kind") == kind if kind is not None else None
        return dataset.to_table(columns=columns, filter=filter_)


def open_run(path: str | Path) -> RunStore:
    """Open an existing run folder for reading."""
    store = RunStore(path)
    if not store.exists():
        raise RunError(f"{path} is not a clearance run (no {RUN_JSON}); run `clearance scan` first")
    return store
