"""The policy: turns an item's findings, its source's declarations and counsel's overrides
into one ``Decision`` (cleared / review / blocked) with reasons, for one intended use.

``resolve_policy("commercial-training", overlays=["eu-gpai"])`` gives a built-in;
``decide_run(run, policy)`` writes decisions.parquet; ``Ledger`` holds counsel's overrides.
Not legal advice.
"""

from clearance.policy.decide import DecideSummary, decide_run, decision_for, read_decisions
from clearance.policy.engine import Engine
from clearance.policy.evaluate import CompiledPolicy, Verdict
from clearance.policy.facts import FindingSig, SourceInfo
from clearance.policy.ledger import (
    Ledger,
    LedgerError,
    Verification,
    default_ledger,
    ledger_for,
)
from clearance.policy.load import (
    builtin_names,
    builtin_policy,
    compose,
    load_policy,
    parse_policy,
    resolve_policy,
)
from clearance.policy.schema import LicenseState, Outcome, Policy, Rule
from clearance.policy.table import DECISION_SCHEMA

__all__ = [
    "DECISION_SCHEMA",
    "CompiledPolicy",
    "DecideSummary",
    "Engine",
    "FindingSig",
    "Ledger",
    "LedgerError",
    "LicenseState",
    "Outcome",
    "Policy",
    "Rule",
    "SourceInfo",
    "Verdict",
    "Verification",
    "builtin_names",
    "builtin_policy",
    "compose",
    "decide_run",
    "decision_for",
    "default_ledger",
    "ledger_for",
    "load_policy",
    "parse_policy",
    "read_decisions",
    "resolve_policy",
]
