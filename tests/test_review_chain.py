"""The review app's ledger: verified once, then extended by its own decisions, and walked
again whenever anyone else changed the file (appends, sqlite edits, a replaced file)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clearance.policy.ledger import Ledger, LedgerChanged
from clearance.review.chain import CheckedLedger

SHA = "ab" * 32


def decide(chain: CheckedLedger, item: str, status: str = "cleared") -> int | None:
    written = chain.append_many([(SHA, item)], status=status, by="rex", reason="ok")
    return None if written is None else written[-1].seq


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the whole chain was walked (``Ledger.verify`` calls)."""
    calls: list[int] = []
    verify = Ledger.verify

    def counted(self: Ledger, expect_head: tuple[int, str] | None = None):  # type: ignore[no-untyped-def]
        calls.append(1)
        return verify(self, expect_head)

    monkeypatch.setattr(Ledger, "verify", counted)
    return calls


def test_own_decisions_extend_the_verified_chain(tmp_path: Path, walks: list[int]) -> None:
    chain = CheckedLedger(Ledger(tmp_path / "l.sqlite"))
    assert [decide(chain, f"i{n}") for n in range(5)] == [1, 2, 3, 4, 5]
    check = chain.verification()
    assert check.ok and check.entries == 5 and len(walks) == 1  # walked once, at the start
    chain.append_many([(SHA, "a"), (SHA, "b")], status="blocked", by="rex", reason="bulk")
    assert chain.verification().entries == 7 and len(walks) == 1
    full = Ledger(tmp_path / "l.sqlite").verify()
    assert full.ok and (full.entries, full.head) == (7, chain.verification().head)


def test_another_writer_is_verified_then_chained_onto(tmp_path: Path, walks: list[int]) -> None:
    path = tmp_path / "l.sqlite"
    chain, other = CheckedLedger(Ledger(path)), Ledger(path)
    assert decide(chain, "mine") == 1
    other.append(sha256=SHA, item_id="theirs", status="review", by="ada", reason="later")
    assert chain.verification().entries == 2 and len(walks) == 2  # the file changed: walked
    assert decide(chain, "mine-again") == 3
    assert Ledger(path).verify().ok


def test_a_writer_between_the_check_and_the_append(tmp_path: Path) -> None:
    """``expect_head``: a decision is never chained onto entries nobody verified."""
    path = tmp_path / "l.sqlite"
    chain = CheckedLedger(Ledger(path))
    assert decide(chain, "first") == 1
    head = (1, chain.verification().head)
    Ledger(path).append(sha256=SHA, item_id="x", status="review", by="ada", reason="r")
    with pytest.raises(LedgerChanged):
        Ledger(path).append(
            sha256=SHA, item_id="y", status="review", by="ada", reason="r", expect_head=head
        )
    assert [e.item_id for e in Ledger(path).entries()] == ["first", "x"]  # nothing written
    # the checked ledger's own stale view: it retries after walking the new entry
    assert decide(chain, "second") == 3 and Ledger(path).verify().ok


@pytest.mark.parametrize("how", ["update", "delete-newest", "replaced"])
def test_tampering_right_after_a_decision_is_caught(tmp_path: Path, how: str) -> None:
    path = tmp_path / "l.sqlite"
    chain = CheckedLedger(Ledger(path))
    for n in range(3):
        decide(chain, f"i{n}")
    assert chain.verification().ok
    if how == "replaced":  # another ledger put in its place, same size, valid on its own
        other = tmp_path / "other.sqlite"
        for n in range(3):
            Ledger(other).append(sha256=SHA, item_id=f"j{n}", status="cleared", by="x", reason="r")
        shutil.copyfile(other, path)
    else:  # at once: the same clock tick as the decision's own write
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TRIGGER entries_no_update")
            conn.execute("DROP TRIGGER entries_no_delete")
            if how == "update":
                conn.execute("UPDATE entries SET reason = 'rewritten' WHERE seq = 1")
            else:
                conn.execute("DELETE FROM entries WHERE seq = 3")
    check = chain.verification()
    if how == "update":
        assert not check.ok and decide(chain, "after") is None
        assert len(list(Ledger(path).entries())) == 3  # nothing chained onto it
    else:  # a shorter or another valid chain: walked again, our head is not assumed
        assert check.ok and check.head == Ledger(path).verify().head
        assert decide(chain, "after") == (3 if how == "delete-newest" else 4)
