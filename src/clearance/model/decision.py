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
    #: the rule's own outcome (the decision's status is the worst of them)
    outcome: str = ""
    #: what the rule rests on: the matched findings and the license clauses (from the
    #: knowledge base) behind the terms it tested, in words
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Override:
    """Counsel's decision replacing the policy's, as recorded in the ledger."""

    by: str
    at: str
    why: str
    status: Status
    #: the ledger entry it comes from
    entry: int | None = None


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
    #: the status the policy gave before any override
    policy_status: Status | None = None
    #: the effective license expression the terms were read from ("" when none)
    license: str = ""
    #: legal positions counsel chose to rely on (``--rely-on``), recorded with the decision
    reliance: tuple[str, ...] = ()
