"""The review app's ledger: its hash chain verified once, then extended by the app's own
decisions instead of walked again for each one (a whole walk is ~0.5 s at 20,000 entries).

What still catches a ledger changed by someone else: the file's identity, size,
modification time and SQLite header (whose change counter every committed write transaction
bumps; the modification time alone is only as fine as the kernel's clock tick), and those of a
``-wal`` file, are recorded with each verification; any change since (another process
appending, ``sqlite3`` edits, a replaced file) makes the next check walk the whole chain
again. An append also names the newest entry it verified (``expect_head``), checked under
SQLite's write lock, so a decision is never chained onto entries nobody verified. Known gap:
the stamp after one of our own appends is taken just after its commit; a change by another
process in that moment (microseconds) is only seen at the next change of the file, or by
``clearance ledger verify``, which always walks the whole chain.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

from clearance.policy.ledger import Entry, Ledger, LedgerChanged, Verification

Stamp = tuple[object, ...]


def _stamp(ledger: Ledger) -> Stamp:
    """What changes when anyone writes the ledger: ``(file, header, wal file)``."""
    return (*_file(ledger.path), *_file(ledger.path.with_name(ledger.path.name + "-wal")))


def _file(path: Path) -> tuple[object, ...]:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            header = f.read(100)  # the SQLite header: change counter at offset 24
    except FileNotFoundError:
        return (None,)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, header)


class CheckedLedger:
    """A ``Ledger`` whose verification is kept while the file is as this object left it."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self._lock = threading.Lock()
        self._stamp: Stamp = ()
        self._check: Verification | None = None

    def verification(self) -> Verification:
        """The chain's verification, walked again only when the file changed since."""
        with self._lock:
            return self._verified()

    def _verified(self) -> Verification:
        stamp = _stamp(self.ledger)  # before the walk: a write during it changes the file
        if self._check is None or stamp != self._stamp:
            self._check, self._stamp = self.ledger.verify(), stamp
        return self._check

    def append_many(
        self,
        decisions: list[tuple[str, str]],
        *,
        status: str,
        by: str,
        reason: str,
        purpose: str | None = None,
    ) -> list[Entry] | None:
        """The entries written, chained onto the verified head; None (nothing written) when
        the ledger fails verification. Another process's appends are verified first."""
        with self._lock:
            for _ in range(3):  # another writer between our check and our write: check again
                check = self._verified()
                if not check.ok:
                    return None
                try:
                    written = self.ledger.append_many(
                        decisions, status=status, by=by, reason=reason, purpose=purpose,
                        expect_head=(check.entries, check.head),
                    )  # fmt: skip
                except LedgerChanged:
                    self._check = None
                    continue
                self._extend(check, written)
                return written
            raise LedgerChanged(f"{self.ledger.path} keeps changing under the review app")

    def _extend(self, check: Verification, written: list[Entry]) -> None:
        """Our entries onto the verified chain, unless another write already followed them."""
        if not written:
            return
        stamp = _stamp(self.ledger)
        head = (written[-1].seq, written[-1].hash)
        if self.ledger.last() != head:  # someone appended after us: walk it all next time
            self._check = None
            return
        self._check = replace(check, entries=check.entries + len(written), head=head[1])
        self._stamp = stamp
