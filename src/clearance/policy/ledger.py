"""Counsel's overrides: an append-only, hash-chained SQLite ledger keyed by content sha256.

Each entry's hash is ``sha256(previous hash + canonical JSON of the entry)``, the entry's
sequence number included, so editing, deleting or reordering rows breaks the chain at the
first entry touched. Triggers refuse UPDATE and DELETE through SQLite; someone who drops them
or edits the file still cannot hide it from ``verify``. Deleting the newest entries leaves a
valid shorter chain: that is caught by comparing with the head a run recorded when it was
decided (``expect_head``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance.model.decision import Override, Status
from clearance.model.errors import ClearanceError, ConfigError

GENESIS = "0" * 64
LEDGER_NAME = "clearance-ledger.sqlite"
WITHDRAWN = "withdrawn"
_FIELDS = ("seq", "at", "sha256", "item_id", "purpose", "status", "by", "reason")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    item_id TEXT NOT NULL,
    purpose TEXT,
    status TEXT NOT NULL,
    by TEXT NOT NULL,
    reason TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the clearance ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the clearance ledger is append-only'); END;
"""


class LedgerError(ClearanceError):
    """The ledger failed verification: it was edited outside clearance."""


class LedgerChanged(ClearanceError):
    """The newest entry is not the one a writer verified: another process wrote since."""


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    sha256: str
    item_id: str
    purpose: str | None
    status: str
    by: str
    reason: str
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}


@dataclass
class Verification:
    path: str
    entries: int = 0
    head: str = GENESIS
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def default_ledger(run: str | Path) -> Path:
    """One ledger beside the run folder, shared by the runs in that folder. A run on object
    storage has none beside it (the ledger is a SQLite file): pass ``--ledger FILE``."""
    from clearance.runs.location import is_url

    if is_url(run):
        raise ConfigError(
            f"{run} is on object storage and keeps no ledger beside it (the ledger is a local "
            "SQLite file): pass --ledger FILE"
        )
    return Path(run).resolve().parent / LEDGER_NAME


def ledger_for(run: str | Path, ledger: str | Path | None) -> Ledger | None:
    """The ledger to read for ``run``: the one named, else the default beside a local run;
    None for a run on object storage with none named (no overrides apply)."""
    from clearance.runs.location import is_url

    if ledger is not None:
        return Ledger(ledger)
    return None if is_url(run) else Ledger(default_ledger(run))


class Ledger:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{self.path} is not a clearance ledger: {exc}") from exc
        return conn

    def exists(self) -> bool:
        return self.path.exists()

    def append(
        self,
        *,
        sha256: str,
        item_id: str,
        status: str,
        by: str,
        reason: str,
        purpose: str | None = None,
        expect_head: tuple[int, str] | None = None,
    ) -> Entry:
        """One entry; see ``append_many``."""
        [entry] = self.append_many(
            [(sha256, item_id)], status=status, by=by, reason=reason, purpose=purpose,
            expect_head=expect_head,
        )  # fmt: skip
        return entry

    def append_many(
        self, decisions: list[tuple[str, str]], *, status: str, by: str, reason: str,
        purpose: str | None = None, expect_head: tuple[int, str] | None = None,
    ) -> list[Entry]:  # fmt: skip
        """Append one entry per ``(sha256, item_id)`` in one transaction (a bulk decision by
        counsel): the same entries as that many single appends, without a commit each.

        ``expect_head``: the ``(seq, hash)`` of the newest entry the caller verified; when the
        ledger's newest entry is another one (someone else wrote since), nothing is written
        and ``LedgerChanged`` is raised, checked under the write lock."""
        if status not in {s.value for s in Status} | {WITHDRAWN}:
            raise ConfigError(f"--status must be cleared, review, blocked or {WITHDRAWN}")
        if not by.strip() or not reason.strip():
            raise ConfigError("an override needs --by (who) and --reason (why)")
        written: list[Entry] = []
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")  # one writer at a time: the chain stays linear
            last = conn.execute(
                "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            if expect_head is not None and (seq - 1, prev) != tuple(expect_head):
                conn.execute("ROLLBACK")
                raise LedgerChanged(
                    f"{self.path}: newest entry is {seq - 1}, not the {expect_head[0]} expected"
                )
            at = datetime.now(UTC).isoformat(timespec="seconds")
            for sha256, item_id in decisions:
                body: dict[str, Any] = {
                    "seq": seq, "at": at, "sha256": sha256, "item_id": item_id,
                    "purpose": purpose, "status": status, "by": by.strip(),
                    "reason": reason.strip(),
                }  # fmt: skip
                digest = entry_hash(prev, body)
                conn.execute(
                    "INSERT INTO entries (seq, at, sha256, item_id, purpose, status, by, reason, "
                    "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (*(body[f] for f in _FIELDS), prev, digest),
                )
                written.append(Entry(**body, prev_hash=prev, hash=digest))
                seq, prev = seq + 1, digest
            conn.execute("COMMIT")
        return written

    def last(self) -> tuple[int, str]:
        """``(seq, hash)`` of the newest entry by sequence number; ``(0, GENESIS)`` if none."""
        if not self.exists():
            return (0, GENESIS)
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def entries(self) -> Iterator[Entry]:
        if not self.exists():
            return
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT seq, at, sha256, item_id, purpose, status, by, reason, prev_hash, hash "
                "FROM entries ORDER BY rowid"
            )
            for row in rows:
                yield Entry(*row)

    def verify(self, expect_head: tuple[int, str] | None = None) -> Verification:
        """Walk the chain in storage order; name every entry where it breaks."""
        result = Verification(str(self.path))
        prev, expected_seq = GENESIS, 1
        seen: dict[int, str] = {}
        try:
            for entry in self.entries():
                result.entries += 1
                if entry.seq != expected_seq:
                    what = "deleted or reordered" if entry.seq > expected_seq else "out of order"
                    result.problems.append(
                        (
                            entry.seq,
                            f"expected entry {expected_seq} here, found {entry.seq}: "
                            f"entries {what}",
                        )
                    )
                if entry.prev_hash != prev:
                    result.problems.append(
                        (
                            entry.seq,
                            "does not chain to the entry before it (deleted, inserted "
                            "or reordered entries)",
                        )
                    )
                if entry_hash(entry.prev_hash, entry.body()) != entry.hash:
                    result.problems.append(
                        (entry.seq, "its content was edited after it was written")
                    )
                seen[entry.seq] = entry.hash
                prev, expected_seq = entry.hash, entry.seq + 1
        except sqlite3.DatabaseError as exc:
            result.problems.append((expected_seq, f"unreadable: {exc}"))
        result.head = prev
        if expect_head is not None:
            seq, digest = expect_head
            if seq and seen.get(seq) != digest:
                result.problems.append(
                    (
                        seq,
                        f"a run was decided with entry {seq} as the newest ({digest[:12]}…), "
                        "which is no longer in the ledger as written (deleted or rewritten)",
                    )
                )
        return result

    def head(self) -> tuple[int, str]:
        last = (0, GENESIS)
        for entry in self.entries():
            last = (entry.seq, entry.hash)
        return last

    def overrides(self, purpose: str) -> dict[str, Override]:
        """The newest entry per content sha256 for ``purpose`` (or for any purpose)."""
        check = self.verify()
        if not check.ok:
            seq, problem = check.problems[0]
            raise LedgerError(
                f"{self.path} failed verification at entry {seq}: {problem}; overrides are not "
                "applied from a tampered ledger (see `clearance ledger verify`)"
            )
        latest: dict[str, Entry] = {}
        for entry in self.entries():
            if entry.purpose in (None, purpose):
                latest[entry.sha256] = entry
        return {
            sha: Override(by=e.by, at=e.at, why=e.reason, status=Status(e.status), entry=e.seq)
            for sha, e in latest.items()
            if e.status != WITHDRAWN
        }

    def history(self, sha256: str) -> list[Entry]:
        return [e for e in self.entries() if e.sha256 == sha256]
