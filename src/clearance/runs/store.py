"""A run: a local folder or an object-storage prefix (``s3://bucket/runs/NAME``). Every write
is atomic (local: temp file, fsync, rename; object storage: one PUT, see ``location``) and a
shard's marker is written last, so an interrupted scan leaves only complete shards and a
resume trusts markers.

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
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.model.errors import RunError
from clearance.runs.location import RunFiles

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

#: items.parquet columns that repeat within a shard; the others (ids, hashes, meta) are
#: mostly unique, and a dictionary pyarrow builds for them, then drops, costs a third of the
#: write (same table read back, smaller files)
ITEM_DICTIONARY_COLUMNS = ("source", "uri", "media_type", "shard")

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
ITEMS, FINDINGS, MARKERS = "items.parquet", "findings.parquet", "_shards"
DECISIONS = "decisions.parquet"


class RunStore:
    def __init__(self, path: str | Path):
        self.files = RunFiles(path)
        #: the run as every process can reopen it: an absolute path or an ``s3://`` URL.
        self.location = self.files.location

    def __str__(self) -> str:
        return self.location

    # -- lifecycle --------------------------------------------------------------------
    def exists(self) -> bool:
        return self.files.exists(RUN_JSON)

    def prepare(self, *, resume: bool, force: bool) -> None:
        """Create the folder; refuse to mix runs unless asked to resume or replace."""
        self.files.check_writable()
        if not self.files.is_empty():
            if not self.exists():
                raise RunError(
                    f"{self.location} exists and is not a clearance run; choose another --out"
                )
            if force:
                self.files.delete_tree()
            elif not resume:
                raise RunError(
                    f"{self.location} already holds a run; pass --resume to continue it "
                    "or --force to replace it"
                )
        self.files.makedirs(ITEMS, FINDINGS, MARKERS)
        self.files.delete_tree(DECISIONS)  # stale once the findings change
        self._drop_partial()

    def _drop_partial(self) -> None:
        """Remove temp files and parts whose shard never completed (a killed scan's leftovers)."""
        done = self.done_shards()
        for folder in (ITEMS, FINDINGS, MARKERS):
            self.files.drop_temp_files(folder)
        for folder in (ITEMS, FINDINGS):
            for name in self.files.names(folder, "part-*.parquet"):
                if name.removeprefix("part-").removesuffix(".parquet") not in done:
                    self.files.delete(f"{folder}/{name}")

    # -- shards -------------------------------------------------------------------------
    def done_shards(self) -> set[str]:
        return {n.removesuffix(".json") for n in self.files.names(MARKERS, "*.json")}

    def write_shard(
        self, shard_id: str, items: pa.Table, findings: pa.Table, marker: Mapping[str, Any]
    ) -> None:
        self.files.write_parquet(
            f"{ITEMS}/part-{shard_id}.parquet", items, use_dictionary=ITEM_DICTIONARY_COLUMNS
        )
        self.files.write_parquet(f"{FINDINGS}/part-{shard_id}.parquet", findings)
        self.files.write_bytes(f"{MARKERS}/{shard_id}.json", marker_json(marker).encode())

    def markers(self) -> list[dict[str, Any]]:
        names = [f"{MARKERS}/{name}" for name in self.files.names(MARKERS, "*.json")]
        return [_load_json(text) for text in self.files.read_texts(names)]

    def forget_shard(self, shard_id: str) -> None:
        """Drop a shard's marker: the next ``--resume`` scans it again."""
        self.files.delete(f"{MARKERS}/{shard_id}.json")

    def keep_only(self, shard_ids: Iterable[str]) -> None:
        """Forget finished shards that are no longer in the plan (inputs changed on resume)."""
        wanted = set(shard_ids)
        for shard_id in self.done_shards() - wanted:
            self.forget_shard(shard_id)
        self._drop_partial()

    def shard_items(self, shard_id: str, columns: list[str] | None = None) -> pa.Table:
        """One finished shard's items (the unit of ``decide --engine ray`` and exports)."""
        return self._read_files([f"{ITEMS}/part-{shard_id}.parquet"], ITEM_SCHEMA, columns)

    def shard_findings(self, shard_id: str, columns: list[str] | None = None) -> pa.Table:
        return self._read_files([f"{FINDINGS}/part-{shard_id}.parquet"], FINDING_SCHEMA, columns)

    def run_findings(self, columns: list[str] | None = None) -> pa.Table:
        """Findings of run-level detectors (duplicates), which belong to no shard."""
        files = [f"{FINDINGS}/{n}" for n in self.files.names(FINDINGS, "run-*.parquet")]
        return self._read_files(files, FINDING_SCHEMA, columns)

    def write_run_findings(self, detector: str, findings: pa.Table) -> None:
        self.files.write_parquet(f"{FINDINGS}/run-{detector}.parquet", findings)

    def write_decisions(self, decisions: pa.Table) -> None:
        """Replace decisions.parquet (the policy re-runs without rescanning)."""
        self.files.makedirs(DECISIONS)
        self.files.write_parquet(f"{DECISIONS}/part-0.parquet", decisions)
        for stale in self.decision_files():
            if stale != "part-0.parquet":
                self.files.delete(f"{DECISIONS}/{stale}")

    def decision_files(self) -> list[str]:
        return self.files.names(DECISIONS, "*.parquet")

    def has_decisions(self) -> bool:
        return bool(self.decision_files())

    def decisions(self, schema: pa.Schema) -> pa.Table:
        if not self.has_decisions():
            raise RunError(
                f"{self.location} has no decisions; run `clearance decide {self.location}` first"
            )
        return self._read(DECISIONS, schema, None)

    def open_decision_files(self, read_dictionary: Sequence[str]) -> list[pq.ParquetFile]:
        """decisions.parquet's part files, opened for batch-by-batch reading."""
        return [
            pq.ParquetFile(
                self.files.path(f"{DECISIONS}/{name}"),
                read_dictionary=list(read_dictionary),
                pre_buffer=False,
                filesystem=self.files.arrow_fs,
            )
            for name in self.decision_files()
        ]

    # -- run.json -------------------------------------------------------------------------
    def write_run_json(self, data: Mapping[str, Any]) -> None:
        self._write_json(RUN_JSON, data)

    def read_run_json(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.files.read_text(RUN_JSON))
        except FileNotFoundError:
            raise RunError(f"{self.location} is not a clearance run (no {RUN_JSON})") from None
        except json.JSONDecodeError as exc:
            raise RunError(f"{self.files.url(RUN_JSON)} is corrupt: {exc}") from exc
        return data

    def _write_json(self, rel: str, data: Mapping[str, Any]) -> None:
        text = json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
        self.files.write_bytes(rel, text.encode())

    # -- reading ------------------------------------------------------------------------
    def items(self, columns: list[str] | None = None) -> pa.Table:
        return self._read(ITEMS, ITEM_SCHEMA, columns)

    def findings(self, columns: list[str] | None = None, kind: str | None = None) -> pa.Table:
        return self._read(FINDINGS, FINDING_SCHEMA, columns, kind)

    def _read(
        self, folder: str, schema: pa.Schema, columns: list[str] | None, kind: str | None = None
    ) -> pa.Table:
        files = [f"{folder}/{name}" for name in self.files.names(folder, "*.parquet")]
        return self._read_files(files, schema, columns, kind)

    def _read_files(
        self,
        files: list[str],
        schema: pa.Schema,
        columns: list[str] | None,
        kind: str | None = None,
    ) -> pa.Table:
        if not files:
            empty = schema.empty_table()
            return empty.select(columns) if columns else empty
        import pyarrow.dataset as ds  # here: it pulls in pyarrow.compute (~70 ms), which a
        # pool worker, writing shards only, never needs

        dataset = ds.dataset(
            [self.files.path(f) for f in files],
            schema=schema,
            format="parquet",
            filesystem=self.files.arrow_fs,
        )
        filter_ = ds.field("kind") == kind if kind is not None else None
        return dataset.to_table(columns=columns, filter=filter_)


_FAST_ENCODE = msgspec.json.Encoder().encode
_FAST_DECODE = msgspec.json.Decoder().decode


def marker_json(marker: Mapping[str, Any]) -> str:
    """A shard marker as JSON: ``json.dumps(marker, default=str)`` with the spec's file list
    (up to 2,000 files, most of the text) written by msgspec, ten times faster and read back
    as the same values. The list goes first in the spec; a list msgspec would not write as
    ``json`` reads it back (a path with lone surrogates, a non-finite float) keeps ``json``."""
    spec = marker.get("spec")
    if not isinstance(spec, Mapping) or not spec.get("files") or next(iter(marker)) != "spec":
        return json.dumps(marker, default=str) + "\n"
    files = spec["files"]
    try:
        if not all(math.isfinite(f["mtime"]) and type(f["size"]) is int for f in files):
            raise ValueError("not plain")
        listed = _FAST_ENCODE(files).decode()
    except (msgspec.EncodeError, KeyError, TypeError, ValueError):  # ValueError: surrogates too
        return json.dumps(marker, default=str) + "\n"
    rest = {"spec": {k: v for k, v in spec.items() if k != "files"}}
    rest.update((k, v) for k, v in marker.items() if k != "spec")
    text = json.dumps(rest, default=str)
    head = '{"spec": {'
    comma = "" if text.startswith(head + "}") else ", "
    return f'{head}"files": {listed}{comma}{text[len(head) :]}\n'


def _load_json(text: str) -> Any:
    """``json.loads(text)``: msgspec first (a third of the cost, the same values), ``json`` for
    what it refuses (NaN, lone-surrogate escapes)."""
    try:
        return _FAST_DECODE(text)
    except msgspec.DecodeError:
        return json.loads(text)


def open_run(path: str | Path) -> RunStore:
    """Open an existing run (a folder or an ``s3://`` prefix) for reading."""
    store = RunStore(path)
    if not store.exists():
        raise RunError(f"{path} is not a clearance run (no {RUN_JSON}); run `clearance scan` first")
    return store
