"""Counsel's decisions from the web: the same ledger entries `clearance override` writes.

An entry is keyed by the item's content sha256 (so it covers every copy of that content),
records the signed-in user as ``by`` and the run's purpose, and is applied by the next
`clearance decide`; the queue shows it at once. A ledger that fails verification is read
for display only: no new entry is chained onto a tampered ledger. The chain is verified once
and then extended (``review.chain``), walked again only when someone else changed the file.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from clearance.model.errors import ConfigError
from clearance.policy.ledger import WITHDRAWN, Entry, Ledger, Verification
from clearance.review.chain import CheckedLedger
from clearance.review.filters import Filters
from clearance.review.queries import RunIndex

#: the buttons and the ledger status each writes
ACTIONS = {"approve": "cleared", "block": "blocked", "review": "review"}
REASON_MAX = 2000
EXPORT_FIELDS = ("seq", "at", "sha256", "item_id", "purpose", "status", "by", "reason",
                 "prev_hash", "hash")  # fmt: skip


class DeskError(ConfigError):
    """A decision the desk refuses (bad action, empty reason, tampered ledger, too many)."""


@dataclass(frozen=True)
class BulkPlan:
    filters: Filters
    items: int
    contents: int  # distinct sha256: one ledger entry each
    too_many: bool


class Desk:
    def __init__(self, index: RunIndex, ledger: Ledger, *, bulk_limit: int = 5000):
        self.index = index
        self.ledger = ledger
        self.chain = CheckedLedger(ledger)
        self.bulk_limit = bulk_limit
        decided = index.info.get("decisions") or {}
        self.purpose: str | None = decided.get("purpose") or None
        self._lock = threading.Lock()
        self.refresh()

    def verification(self) -> Verification:
        return self.chain.verification()

    def refresh(self) -> None:
        """Re-read the ledger into the queue's statuses (nothing from a tampered ledger)."""
        latest: dict[str, tuple[str, str]] = {}
        if self.ledger.exists() and self.verification().ok:
            for entry in self.ledger.entries():
                if entry.purpose in (None, self.purpose):
                    latest[entry.sha256] = (entry.status, entry.by)
        self.index.apply_overrides(latest)

    def _check(self, action: str, reason: str) -> str:
        if action not in ACTIONS:
            raise DeskError("choose approve, block or keep in review")
        if not reason.strip():
            raise DeskError("a decision needs a reason")
        if len(reason) > REASON_MAX:
            raise DeskError(f"a reason is at most {REASON_MAX} characters")
        if self.ledger.exists() and not self.verification().ok:
            raise self._tampered()
        return ACTIONS[action]

    def _tampered(self) -> DeskError:
        return DeskError(
            f"{self.ledger.path} failed verification; no decision is added to a tampered "
            "ledger (see the audit page and `clearance ledger verify`)"
        )

    def decide(self, item_id: str, action: str, reason: str, by: str) -> Entry:
        status = self._check(action, reason)
        sha = self.index.sha_of(item_id)
        if sha is None:
            raise DeskError(f"no item {item_id!r} in this run")
        with self._lock:
            written = self.chain.append_many(
                [(sha, item_id)], status=status, by=by, reason=reason, purpose=self.purpose
            )
            if written is None:
                raise self._tampered()
            self.index.apply_overrides({sha: (status, by)})
        return written[0]

    def plan(self, filters: Filters) -> BulkPlan:
        rows = self.index.matching(filters, self.bulk_limit)
        items = self.index.count(filters)
        return BulkPlan(
            filters=filters,
            items=items,
            contents=len({sha for _, sha in rows}),
            too_many=items > self.bulk_limit,
        )

    def bulk(
        self, filters: Filters, action: str, reason: str, by: str, confirmed: int
    ) -> list[Entry]:
        """One entry per distinct content under the filter; refused when the count changed
        since the confirmation page, or is over the bulk limit."""
        status = self._check(action, reason)
        rows = self.index.matching(filters, self.bulk_limit)
        if len(rows) > self.bulk_limit:
            raise DeskError(f"over {self.bulk_limit} items: narrow the filter")
        if len(rows) != confirmed:
            raise DeskError(
                f"the filter now matches {len(rows)} items, not the {confirmed} you confirmed; "
                "review the confirmation again"
            )
        first: dict[str, str] = {}
        for item_id, sha in rows:
            first.setdefault(sha, item_id)
        with self._lock:
            entries = self.chain.append_many(
                [(sha, item_id) for sha, item_id in first.items()],
                status=status,
                by=by,
                reason=f"[bulk over {len(rows)} items] {reason}",
                purpose=self.purpose,
            )
            if entries is None:
                raise self._tampered()
            self.index.apply_overrides({sha: (status, by) for sha in first})
        return entries

    def history(self, sha256: str) -> list[Entry]:
        return self.ledger.history(sha256) if self.ledger.exists() and sha256 else []

    def entries(self) -> list[Entry]:
        return list(self.ledger.entries())


def export_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for entry in entries:
        row = asdict(entry)
        # a spreadsheet must not run a reason as a formula (CSV injection)
        writer.writerow({k: _inert(v) for k, v in row.items()})
    return out.getvalue()


def _inert(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_json(entries: list[Entry], ledger: Path, ok: bool) -> str:
    return json.dumps(
        {
            "schema": "clearance.review-decisions/1",
            "ledger": str(ledger),
            "verified": ok,
            "withdrawn_status": WITHDRAWN,
            "entries": [asdict(e) for e in entries],
        },
        indent=2,
        ensure_ascii=False,
    )
