"""The policy's verdict on one item (filled in by the policy engine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    CLEARED = "cleared"
    REVIEW = "review"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Reason:
    """Why a rule fired: the rule, the findings it rests on, and the law or clause behind it."""

    rule_id: str
    rationale: str
    legal_reference: str = ""
    finding_refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Override:
    """Counsel's decision replacing the policy's, as recorded in the ledger."""

    by: str
    at: str
    why: str
    status: Status


@dataclass(frozen=True)
class Decision:
    item_id: str
    status: Status
    purpose: str
    policy: str
    policy_version: str
    reasons: tuple[Reason, ...] = ()
    obligations: tuple[str, ...] = ()
    override: Override | None = field(default=None)
