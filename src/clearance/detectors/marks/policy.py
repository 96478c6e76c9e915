"""How a policy reads mark findings (there is no policy engine on this branch yet; this is
the contract it should follow, and a reference implementation its tests can use).

* ``trademark`` and ``logo`` findings: value = the mark; the owner is in the evidence as
  ``mark claimed by <owner>`` (``owner_of``); rule = how it is used (``trademark/branding:*``,
  ``trademark/nominative:*``, ``trademark/mention``, ``logo/features``, ``logo/near-copy``).
* ``watermark`` findings: value = the agency name (rule ``watermark/agency`` or
  ``watermark/agency-fuzzy``), ``credit-line``, or the overlay word (``watermark/overlay``).

Default: every one of them goes to ``review`` (a person decides whether a use is
nominative or a watermark matters); ``block_owners`` / ``block_agencies`` / ``block_marks``
(fnmatch patterns, case-insensitive) turn matching findings into ``blocked``; nominative
mentions in text can be let through with ``clear_nominative``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from clearance.model.finding import Finding

Status = Literal["cleared", "review", "blocked"]
MARK_KINDS = frozenset({"trademark", "logo", "watermark"})
_OWNER = re.compile(r"mark claimed by ([^;\]]+?)(?:;|\]|$)")


def owner_of(finding: Finding) -> str | None:
    """The owner a trademark or logo finding names, if any."""
    match = _OWNER.search(finding.evidence)
    return match.group(1).strip() if match else None


@dataclass(frozen=True)
class MarkPolicy:
    block_owners: tuple[str, ...] = ()
    block_agencies: tuple[str, ...] = ()
    block_marks: tuple[str, ...] = ()
    clear_nominative: bool = False

    def status(self, finding: Finding) -> Status | None:
        """The status this finding asks for; None for kinds this policy does not cover."""
        if finding.kind not in MARK_KINDS:
            return None
        if finding.kind == "watermark":
            agency = finding.rule.startswith("watermark/agency")
            return "blocked" if agency and _any(finding.value, self.block_agencies) else "review"
        owner = owner_of(finding) or ""
        if _any(finding.value, self.block_marks) or _any(owner, self.block_owners):
            return "blocked"
        if self.clear_nominative and finding.rule.startswith("trademark/nominative"):
            return "cleared"
        return "review"

    def decide(self, findings: Iterable[Finding]) -> Status:
        """The strictest status over an item's mark findings (``cleared`` when none)."""
        order: dict[Status, int] = {"cleared": 0, "review": 1, "blocked": 2}
        worst: Status = "cleared"
        for finding in findings:
            status = self.status(finding)
            if status is not None and order[status] > order[worst]:
                worst = status
        return worst


def _any(value: str, patterns: tuple[str, ...]) -> bool:
    value = value.casefold()
    return any(fnmatch.fnmatchcase(value, p.casefold()) for p in patterns)
