"""The counsel ledger: append-only, hash-chained; tampering is named by entry."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from clearance.model.decision import Status
from clearance.model.errors import ConfigError
from clearance.policy import Ledger, LedgerError
from clearance.policy.ledger import GENESIS, entry_hash


def filled(path: Path, n: int = 4) -> Ledger:
    ledger = Ledger(path)
    for i in range(n):
        ledger.append(
            sha256=f"{i:064x}",
            item_id=f"src:item{i}",
            status=["cleared", "review", "blocked"][i % 3],
            by="A. Counsel",
            reason=f"reason {i}",
            purpose=None if i % 2 else "commercial-training",
        )
    return ledger


def tamper(path: Path, *sql: str) -> None:
    """What someone with the file and the sqlite3 shell could do."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("DROP TRIGGER entries_no_delete")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_entries_chain_from_genesis(tmp_path: Path) -> None:
    ledger = filled(tmp_path / "l.sqlite")
    entries = list(ledger.entries())
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
        assert after.hash == entry_hash(before.hash, after.body())
    check = ledger.verify()
    assert check.ok and check.entries == 4 and check.head == entries[-1].hash


def test_sqlite_refuses_updates_and_deletes(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    filled(path)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE entries SET status = 'cleared' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM entries WHERE seq = 2")
    conn.close()
    assert Ledger(path).verify().ok


def test_an_edited_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    filled(path)
    tamper(path, "UPDATE entries SET status = 'cleared' WHERE seq = 3")
    check = Ledger(path).verify()
    assert not check.ok
    assert check.problems == [(3, "its content was edited after it was written")]


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    ledger = filled(path)
    entry = next(e for e in ledger.entries() if e.seq == 2)
    body = {**entry.body(), "by": "Somebody Else"}
    forged = entry_hash(entry.prev_hash, body)
    tamper(path, f"UPDATE entries SET by = 'Somebody Else', hash = '{forged}' WHERE seq = 2")
    check = Ledger(path).verify()
    assert [seq for seq, _ in check.problems] == [3]
    assert "does not chain" in check.problems[0][1]


def test_a_deleted_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    filled(path)
    tamper(path, "DELETE FROM entries WHERE seq = 2")
    check = Ledger(path).verify()
    assert not check.ok
    assert check.problems[0][0] == 3
    assert "expected entry 2" in check.problems[0][1] and "deleted" in check.problems[0][1]


def test_reordered_rows_are_named(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    filled(path)
    # swap entries 2 and 3 (seq is the storage order), rows otherwise intact
    tamper(
        path,
        "UPDATE entries SET seq = -2 WHERE seq = 2",
        "UPDATE entries SET seq = 2 WHERE seq = 3",
        "UPDATE entries SET seq = 3 WHERE seq = -2",
    )
    check = Ledger(path).verify()
    assert not check.ok
    assert check.problems[0][0] == 2
    assert {seq for seq, _ in check.problems} == {2, 3, 4}
    assert any("does not chain" in p for _, p in check.problems)


def test_deleting_the_newest_entries_is_caught_against_the_recorded_head(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    ledger = filled(path)
    head = ledger.head()
    assert head[0] == 4
    tamper(path, "DELETE FROM entries WHERE seq = 4")
    assert Ledger(path).verify().ok  # a shorter chain is still a chain...
    check = Ledger(path).verify(expect_head=head)  # ...but not the one the run was decided with
    assert not check.ok and check.problems[0][0] == 4


def test_overrides_take_the_newest_entry_per_content_and_purpose(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    sha = "f" * 64
    ledger.append(sha256=sha, item_id="a", status="cleared", by="X", reason="1")
    ledger.append(
        sha256=sha, item_id="a", status="blocked", by="Y", reason="2", purpose="research-only"
    )
    ledger.append(sha256="e" * 64, item_id="b", status="review", by="Z", reason="3")
    ledger.append(sha256="e" * 64, item_id="b", status="withdrawn", by="Z", reason="undo")
    commercial = ledger.overrides("commercial-training")
    assert set(commercial) == {sha}
    assert commercial[sha].status is Status.CLEARED and commercial[sha].entry == 1
    research = ledger.overrides("research-only")
    assert research[sha].status is Status.BLOCKED and research[sha].by == "Y"


def test_overrides_are_refused_from_a_tampered_ledger(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    filled(path)
    tamper(path, "UPDATE entries SET status = 'blocked' WHERE seq = 1")
    with pytest.raises(LedgerError, match="entry 1"):
        Ledger(path).overrides("commercial-training")


def test_bad_entries_are_refused(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    with pytest.raises(ConfigError):
        ledger.append(sha256="a", item_id="a", status="approved", by="X", reason="r")
    with pytest.raises(ConfigError):
        ledger.append(sha256="a", item_id="a", status="cleared", by=" ", reason="r")
    assert list(ledger.entries()) == []


def test_a_file_that_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "not.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="not a clearance ledger"):
        list(Ledger(path).entries())
