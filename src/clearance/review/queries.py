"""The queue and item queries: DuckDB over the run's Parquet files, never whole tables in Python.

At start, one compact in-memory DuckDB table ``q`` is built from ``items.parquet``,
``decisions.parquet`` and ``findings.parquet`` (one row per item: ids, source, status, license,
the rules that fired, the finding kinds and ``kind:value`` signals), numbered in item-id order.
Queue pages are keyset-paged on that number, filters are column tests on ``q``, and facet
counts are GROUP BYs on it, cached per filter until the next decision. The item page reads its
own shard's Parquet part only. Counsel's ledger decisions update ``q.status`` in place, so the
queue shows them at once; ``decisions.parquet`` changes when ``clearance decide`` runs again.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.model.errors import MissingDependency, RunError
from clearance.review.filters import Filters
from clearance.runs.location import is_url
from clearance.runs.store import DECISIONS, FINDINGS, ITEMS, RunStore, open_run

try:
    import duckdb
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependency("clearance review (duckdb)", "review") from exc

PAGE_SIZE = 50
FACET_LIMIT = 40
_CACHE_SIZE = 256
MAX_BITS = 62
_DOCS = ("reasons", "obligations", "reliance")


@dataclass(frozen=True)
class QueueRow:
    n: int
    item_id: str
    source: str
    uri: str
    media_type: str
    status: str
    license: str
    rules: tuple[str, ...]
    kinds: tuple[str, ...]
    override_by: str


@dataclass(frozen=True)
class Page:
    rows: list[QueueRow]
    total: int
    first_position: int  # 1-based position of the first row in the filtered list
    next_after: int | None
    prev_before: int | None


def _parts(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("*.parquet"))


class RunIndex:
    """The run, queryable. Thread-safe: one connection, a cursor per call, a lock for writes."""

    def __init__(self, run: str | Path, *, threads: int = 2, memory_limit: str = "2GB"):
        if is_url(run):
            raise RunError(
                f"clearance review reads a local run folder; copy {run} locally first "
                "(e.g. `aws s3 sync`) and open that"
            )
        self.path = Path(run)
        self.store: RunStore = open_run(run)
        root = Path(self.store.location)
        self.items_dir, self.findings_dir = root / ITEMS, root / FINDINGS
        self.decisions_dir = root / DECISIONS
        if not self.store.has_decisions():
            raise RunError(f"{run} has no decisions; run `clearance decide {run}` first")
        self.info = self.store.read_run_json()
        self._con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
        self._lock = threading.Lock()
        self._facets: OrderedDict[tuple[Filters, str], list[tuple[str, int]]] = OrderedDict()
        self._generation = 0  # bumped by every decision: older counts are not cached
        self._warmer: threading.Thread | None = None
        self._build()
        self.facets(Filters())  # the first page everyone opens: counted once, at start

    # -- set-up -------------------------------------------------------------------------
    def _view(self, name: str, files: Sequence[str], empty: str) -> None:
        if files:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            self._con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}], union_by_name=true)"
            )
        else:
            self._con.execute(f"CREATE VIEW {name} AS SELECT * FROM ({empty}) WHERE FALSE")

    def _build(self) -> None:
        con = self._con
        self._view("items_src", _parts(self.items_dir), "SELECT ''::VARCHAR AS item_id")
        no_findings = (
            "SELECT ''::VARCHAR AS item_id, ''::VARCHAR AS kind, ''::VARCHAR AS value, "
            "''::VARCHAR AS rule, NULL::BIGINT AS start, NULL::BIGINT AS \"end\", "
            "NULL::BIGINT AS line, NULL::DOUBLE[] AS bbox, ''::VARCHAR AS evidence, "
            "''::VARCHAR AS detector, ''::VARCHAR AS detector_version, 0.0 AS confidence"
        )
        self._view("findings_src", _parts(self.findings_dir), no_findings)
        self._view("decisions_src", _parts(self.decisions_dir), "SELECT ''::VARCHAR AS item_id")
        self._types()
        con.execute(
            "CREATE TEMP TABLE sig AS SELECT item_id, "
            "list(DISTINCT kind::kind_t) AS kinds, "
            "list(DISTINCT (kind || ':' || coalesce(value, ''))::signal_t) AS signals "
            "FROM findings_src GROUP BY item_id"
        )
        masks = "".join(
            f", coalesce(list_sum(list_transform({col}, lambda x: "
            f"(1::UBIGINT << enum_code(x)::UBIGINT))), 0)::UBIGINT AS {name}_bits"
            for name, col in (("rule", "rules"), ("kind", "kinds"))
            if name in self.bits
        )
        text = ", ".join(f"coalesce(d.{c}, '[]')::{c}_t AS {c}" for c in _DOCS)
        con.execute(
            "CREATE TABLE q AS SELECT *" + masks + " FROM (SELECT "
            "row_number() OVER (ORDER BY i.item_id)::BIGINT AS n, i.item_id, "
            "i.source::source_t AS source, coalesce(i.uri, '') AS uri, "
            "coalesce(i.media_type, '') AS media_type, coalesce(i.sha256, '') AS sha256, "
            "i.size, coalesce(i.shard, '') AS shard, d.status::status_t AS status, "
            "d.status::status_t AS decided_status, "
            "coalesce(d.policy_status, d.status)::status_t AS policy_status, "
            "coalesce(d.license, '')::license_t AS license, "
            "list_filter(string_split(coalesce(d.rules, ''), ','), lambda x: x <> '')"
            "::rule_t[] AS rules, "
            "coalesce(s.kinds, [])::kind_t[] AS kinds, "
            "coalesce(s.signals, [])::signal_t[] AS signals, "
            "coalesce(d.override_by, '') AS override_by, "
            "d.override_status, d.override_at, d.override_why, d.override_entry, "
            f"{text} "
            "FROM items_src i JOIN decisions_src d USING (item_id) "
            "LEFT JOIN sig s USING (item_id)) ORDER BY n"
        )
        con.execute("DROP TABLE sig")
        # signal -> items, sorted by signal: a selective signal filter reads a few rows here
        con.execute(
            "CREATE TABLE sigidx AS SELECT unnest(signals) AS signal, n FROM q ORDER BY signal, n"
        )
        self.rows = int(con.execute("SELECT count(*) FROM q").fetchone()[0])  # type: ignore[index]

    def _types(self) -> None:
        """ENUM types for the filtered columns (small integers: grouping and testing them is
        several times faster than on strings, and the table is smaller), and for the
        decision texts (a run repeats a few dozen distinct reasons over millions of items)."""
        con = self._con
        sources = {
            "status": "SELECT DISTINCT status FROM decisions_src UNION SELECT DISTINCT "
            "policy_status FROM decisions_src "
            "UNION SELECT unnest(['cleared', 'review', 'blocked'])",
            "source": "SELECT DISTINCT source FROM items_src",
            "license": "SELECT DISTINCT license FROM decisions_src",
            "rule": "SELECT DISTINCT unnest(string_split(r, ',')) FROM "
            "(SELECT DISTINCT rules AS r FROM decisions_src)",
            "kind": "SELECT DISTINCT kind FROM findings_src",
            "signal": "SELECT DISTINCT kind || ':' || coalesce(value, '') FROM findings_src",
            **{c: f"SELECT DISTINCT {c} FROM decisions_src UNION SELECT '[]'" for c in _DOCS},
        }
        self.members: dict[str, frozenset[str]] = {}
        #: list columns with few members also get a bit mask (bit i = the ENUM's i-th value):
        #: grouping by the mask and counting bits is far cheaper than unnesting lists
        self.bits: dict[str, dict[str, int]] = {}
        for name, select in sources.items():
            values = sorted(
                {str(r[0]) for r in con.execute(select).fetchall() if r[0] is not None} | {""}
            )
            listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
            con.execute(f"CREATE TYPE {name}_t AS ENUM ({listed})")
            if name in _DOCS:
                continue
            self.members[name] = frozenset(values)
            if name in ("rule", "kind") and len(values) <= MAX_BITS:
                self.bits[name] = {v: i for i, v in enumerate(values)}

    # -- counsel's decisions ------------------------------------------------------------
    def apply_overrides(self, latest: dict[str, tuple[str, str]]) -> None:
        """Set the shown status from the newest ledger entry per sha256 ((status, by));
        ``withdrawn`` falls back to the policy's own status."""
        with self._lock:
            con = self._con
            con.execute(
                "CREATE OR REPLACE TEMP TABLE ov (sha256 VARCHAR, status VARCHAR, who VARCHAR)"
            )
            if latest:
                con.executemany(
                    "INSERT INTO ov VALUES (?, ?, ?)",
                    [(sha, status, by) for sha, (status, by) in latest.items()],
                )
                con.execute(
                    "UPDATE q SET status = CASE WHEN ov.status = 'withdrawn' "
                    "THEN q.policy_status ELSE ov.status::status_t END, "
                    "override_by = CASE WHEN ov.status = 'withdrawn' THEN '' ELSE ov.who END "
                    "FROM ov WHERE q.sha256 = ov.sha256"
                )
            con.execute("DROP TABLE ov")
            self._facets.clear()
            self._generation += 1
        # count the first page again in the background, so the next visitor does not wait
        self._warmer = threading.Thread(target=self._warm, daemon=True)
        self._warmer.start()

    def _warm(self) -> None:
        with contextlib.suppress(duckdb.Error):  # closed meanwhile: the counts were a cache
            self.facets(Filters())

    # -- the queue ----------------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def page(
        self,
        filters: Filters,
        *,
        after: int | None = None,
        before: int | None = None,
        size: int = PAGE_SIZE,
    ) -> Page:
        where, args = filters.where(self.members, bits=self.bits)
        cur = self._cursor()
        total = self.count(filters)
        # start with a range of n that should hold a page at this filter's density
        span = max(4096, 2 * (size + 1) * self.rows // max(total, 1))
        cols = "n, item_id, source, uri, media_type, status, license, rules, kinds, override_by"
        if total == 0:
            return Page(rows=[], total=0, first_position=1, next_after=None, prev_before=None)
        if before is not None:
            rows = self._window(cols, where, args, before, size + 1, span, backwards=True)
            more_before = len(rows) > size
            rows = list(reversed(rows[:size]))
            more_after = True
        else:
            start = after or 0
            rows = self._window(cols, where, args, start, size + 1, span, backwards=False)
            more_after = len(rows) > size
            rows = rows[:size]
            more_before = start > 0
        result = [
            QueueRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7]), tuple(r[8]), r[9])
            for r in rows
        ]
        position = 1
        if result and (after or before):
            sql = f"SELECT count(*) FROM q WHERE {where} AND n < ?"
            position = 1 + int(cur.execute(sql, [*args, result[0].n]).fetchone()[0])  # type: ignore[index]
        if result and position == 1:
            more_before = False
        return Page(
            rows=result,
            total=total,
            first_position=position,
            next_after=result[-1].n if result and more_after else None,
            prev_before=result[0].n if result and more_before else None,
        )

    def _window(
        self,
        cols: str,
        where: str,
        args: list[Any],
        edge: int,
        want: int,
        span: int,
        *,
        backwards: bool,
    ) -> list[tuple[Any, ...]]:
        """Rows next to ``edge`` in ``n`` order, looking in growing ranges of ``n``: ``q`` is
        stored in ``n`` order, so DuckDB skips row groups outside the range (min/max zone
        maps) instead of sorting every matching row for a top-N."""
        cur = self._cursor()
        while True:
            if backwards:
                sql = (f"SELECT {cols} FROM q WHERE {where} AND n < ? AND n >= ? "
                       "ORDER BY n DESC LIMIT ?")  # fmt: skip
                bounds = [edge, edge - span]
                done = edge - span <= 1
            else:
                sql = f"SELECT {cols} FROM q WHERE {where} AND n > ? AND n <= ? ORDER BY n LIMIT ?"
                bounds = [edge, edge + span]
                done = edge + span >= self.rows
            rows = cur.execute(sql, [*args, *bounds, want]).fetchall()
            if len(rows) >= want or done:
                return rows
            span *= 8

    def count(self, filters: Filters) -> int:
        by_status = self.facet(filters, "status")  # every filter but status
        return sum(n for status, n in by_status if status == filters.status or not filters.status)

    def facet(self, filters: Filters, name: str) -> list[tuple[str, int]]:
        """(value, items) for one facet under every filter but its own; cached."""
        key = (filters, name)
        with self._lock:
            generation = self._generation
            if key in self._facets:
                self._facets.move_to_end(key)
                return self._facets[key]
        where, args = filters.where(self.members, skip=name, bits=self.bits)
        if name in self.bits:
            rows = self._bit_facet(name, where, args)
        else:
            rows = self._group_facet(name, where, args)
        with self._lock:
            if generation != self._generation:
                return rows
            self._facets[key] = rows
            while len(self._facets) > _CACHE_SIZE:
                self._facets.popitem(last=False)
        return rows

    def _bit_facet(self, name: str, where: str, args: list[Any]) -> list[tuple[str, int]]:
        """Group by the mask (few distinct combinations), then count each bit here."""
        sql = f"SELECT {name}_bits, count(*) FROM q WHERE {where} GROUP BY 1"
        masks = self._cursor().execute(sql, args).fetchall()
        counts = []
        for value, bit in self.bits[name].items():
            n = sum(int(c) for mask, c in masks if int(mask) >> bit & 1)
            if n:
                counts.append((value, n))
        return sorted(counts, key=lambda p: (-p[1], p[0]))[:FACET_LIMIT]

    def _group_facet(self, name: str, where: str, args: list[Any]) -> list[tuple[str, int]]:
        column = {"rule": "unnest(rules)", "kind": "unnest(kinds)", "signal": "unnest(signals)"}
        expr = column.get(name, name)
        sql = (
            f"SELECT v, count(*) AS c FROM (SELECT {expr} AS v FROM q WHERE {where}) "
            f"GROUP BY v ORDER BY c DESC, v LIMIT {FACET_LIMIT}"
        )
        return [(str(v), int(c)) for v, c in self._cursor().execute(sql, args).fetchall()]

    def facets(self, filters: Filters) -> dict[str, list[tuple[str, int]]]:
        return {
            name: self.facet(filters, name)
            for name in ("status", "source", "rule", "license", "kind", "signal")
        }

    def matching(self, filters: Filters, limit: int) -> list[tuple[str, str]]:
        """(item_id, sha256) of every item under the filter, at most ``limit`` + 1."""
        where, args = filters.where(self.members, bits=self.bits)
        sql = f"SELECT item_id, sha256 FROM q WHERE {where} ORDER BY n LIMIT ?"
        return [(r[0], r[1]) for r in self._cursor().execute(sql, [*args, limit + 1]).fetchall()]

    # -- one item -----------------------------------------------------------------------
    def item(self, item_id: str) -> dict[str, Any] | None:
        cur = self._cursor()
        row = cur.execute(
            "SELECT n, item_id, source, uri, media_type, sha256, size, shard, status, "
            "policy_status, decided_status, license, override_by FROM q WHERE item_id = ?",
            [item_id],
        ).fetchone()
        if row is None:
            return None
        names = [d[0] for d in cur.description or ()]
        item = dict(zip(names, row, strict=True))
        meta = self._one_part(self.items_dir, item["shard"], "meta", item_id)
        item["meta"] = _json_object(meta[0][0] if meta else None)
        return item

    def _one_part(self, folder: Path, shard: str, cols: str, item_id: str) -> list[tuple[Any, ...]]:
        """Rows of one item from its shard's part file (all parts when the shard is unknown)."""
        part = folder / f"part-{shard}.parquet"
        files = [str(part)] if shard and part.exists() else _parts(folder)
        if folder == self.findings_dir:
            files += [str(p) for p in sorted(folder.glob("run-*.parquet"))]
        if not files:
            return []
        sql = f"SELECT {cols} FROM read_parquet(?, union_by_name=true) WHERE item_id = ?"
        return list(self._cursor().execute(sql, [sorted(set(files)), item_id]).fetchall())

    def findings(self, item_id: str, shard: str) -> list[dict[str, Any]]:
        cols = ["kind", "value", "confidence", "rule", "detector", "evidence", "start", "end",
                "line", "bbox"]  # fmt: skip
        rows = self._one_part(self.findings_dir, shard, ", ".join(f'"{c}"' for c in cols), item_id)
        found = [dict(zip(cols, r, strict=True)) for r in rows]
        return sorted(found, key=lambda f: (f["start"] is None, f["start"] or 0, f["kind"]))

    def decision(self, item_id: str) -> dict[str, Any] | None:
        """The run's decision (from ``decisions.parquet``, as indexed at start)."""
        cur = self._cursor()
        row = cur.execute(
            "SELECT decided_status AS status, policy_status, license, reasons::VARCHAR AS reasons, "
            "obligations::VARCHAR AS obligations, reliance::VARCHAR AS reliance, "
            "override_status, override_by, "
            "override_at, override_why, override_entry FROM q WHERE item_id = ?",
            [item_id],
        ).fetchone()
        if row is None:
            return None
        names = [d[0] for d in cur.description or ()]
        data = dict(zip(names, row, strict=True))
        decided = self.info.get("decisions") or {}
        data.update(
            purpose=decided.get("purpose", ""),
            policy=decided.get("policy", ""),
            policy_version=decided.get("policy_version", ""),
        )
        for key in _DOCS:
            data[key] = json.loads(data[key] or "[]")
        return data

    def same_content(self, sha256: str, item_id: str, limit: int = 50) -> list[tuple[str, str]]:
        if not sha256:
            return []
        sql = "SELECT item_id, status FROM q WHERE sha256 = ? AND item_id <> ? ORDER BY n LIMIT ?"
        return [
            (r[0], r[1]) for r in self._cursor().execute(sql, [sha256, item_id, limit]).fetchall()
        ]

    def sha_of(self, item_id: str) -> str | None:
        row = self._cursor().execute("SELECT sha256 FROM q WHERE item_id = ?", [item_id]).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        """Wait for a background recount, then close DuckDB (a query cut off by interpreter
        exit aborts the process)."""
        if self._warmer is not None:
            self._warmer.join(timeout=30)
        self._con.close()


def _json_object(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {"(unreadable metadata)": text}
    return data if isinstance(data, dict) else {"value": data}
