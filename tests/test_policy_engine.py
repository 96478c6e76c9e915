"""The policy engine, table-driven: license expressions x policies x signals -> status and the
ids of the rules that decided it. Findings are built here the way the detectors write them
(kind, value, rule, confidence), including kinds from detectors on other branches."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.model.decision import Decision
from clearance.policy import Engine, SourceInfo, parse_policy, resolve_policy
from clearance.policy.facts import FindingSig
from clearance.policy.table import row_to_decision
from clearance.runs.store import FINDING_SCHEMA

F = tuple[str, str, str, float]  # kind, value, rule, confidence


def lic(value: str, confidence: float = 1.0, rule: str = "spdx-tag/valid") -> F:
    return ("license", value, rule, confidence)


ERROR: F = ("error", "unreadable", "unreadable", 1.0)
GPTBOT: F = ("optout", "robots:GPTBot", "robots-txt/disallow", 0.95)
WILDCARD: F = ("optout", "robots:*", "robots-txt/disallow-wildcard", 0.8)
NOAI_SEARCH: F = ("optout", "noai", "noai/meta", 0.6)
TDM: F = ("optout", "tdmrep:reserved", "tdmrep/header", 0.98)
EMAIL: F = ("pii", "EMAIL", "pii/email", 0.99)
FACE: F = ("face", "FACE", "face/haar", 0.8)
WITHDRAWN: F = ("consent", "consent-withdrawn", "consent/withdrawn", 1.0)
CONSENT_OK: F = ("consent", "consent-covers-ai-training", "consent/ok", 1.0)
NEWS_TERMS: F = ("terms", "news-publisher/prohibited", "terms-registry/nyt", 0.9)
RESERVED: F = ("copyright", "Jane Doe", "copyright/rights-reserved", 0.9)


def findings_table(rows: list[tuple[str, F]]) -> pa.Table:
    data = {name: [] for name in FINDING_SCHEMA.names}  # type: dict[str, list[object]]
    for item_id, (kind, value, rule, confidence) in rows:
        for name in FINDING_SCHEMA.names:
            data[name].append(None)
        data["item_id"][-1], data["kind"][-1], data["value"][-1] = item_id, kind, value
        data["rule"][-1], data["confidence"][-1] = rule, confidence
        data["detector"][-1], data["detector_version"][-1], data["evidence"][-1] = "t", "1", ""
    return pa.table(data, schema=FINDING_SCHEMA)


@dataclass
class Case:
    policy: str
    declared: str | None
    findings: list[F]
    status: str
    reasons: set[str]
    source_kind: str = "web-scraped"
    consent: str | None = None
    rely_on: tuple[str, ...] = ()
    absent: set[str] = field(default_factory=set)


def decide(case: Case) -> Decision:
    name, *overlays = case.policy.split("+")
    policy = resolve_policy(None, name, overlays)
    source = SourceInfo("src", kind=case.source_kind, license=case.declared, consent=case.consent)
    items = pa.table({"item_id": ["src:a"], "source": ["src"], "sha256": ["0" * 64]})
    table = Engine(policy, case.rely_on).decide(
        items, findings_table([("src:a", f) for f in case.findings]), {"src": source}
    )
    return row_to_decision(table.to_pylist()[0])


CT, RO, OW = "commercial-training", "research-only", "open-weights-release"
CASES = {
    "permissive declared": Case(CT, "MIT", [], "cleared", {"attribution"}),
    "NC OR MIT relies on MIT": Case(
        CT,
        None,
        [lic("CC-BY-NC-4.0 OR MIT")],
        "cleared",
        {"attribution"},
        absent={"non-commercial"},
    ),
    "NC blocked": Case(CT, None, [lic("CC-BY-NC-4.0")], "blocked", {"non-commercial"}),
    "AND with NC is NC": Case(
        CT, None, [lic("MIT AND CC-BY-NC-4.0")], "blocked", {"non-commercial"}
    ),
    "WITH exception, commercial": Case(
        CT,
        None,
        [lic("GPL-2.0-only WITH Classpath-exception-2.0")],
        "cleared",
        {"license-obligations"},
    ),
    "WITH exception, open weights": Case(
        OW, None, [lic("GPL-2.0-only WITH Classpath-exception-2.0")], "review", {"share-alike"}
    ),
    "unknown key": Case(CT, None, [lic("LicenseRef-made-up")], "review", {"unknown-license"}),
    "unknown key in AND": Case(
        CT, None, [lic("MIT AND LicenseRef-made-up")], "review", {"unknown-license"}
    ),
    "unparseable": Case(
        CT, None, [lic("MIT AND (", 0.5, "spdx-tag/unparseable")], "review", {"unknown-license"}
    ),
    "no license": Case(CT, None, [], "review", {"no-license"}),
    "unknown SPDX id in a tag under a declared license": Case(
        CT,
        "MIT",
        [lic("LicenseRef-scancode-unknown-spdx", 0.4, "spdx-tag/unknown-license")],
        "review",
        {"unresolved-license-statement"},
        absent={"conflicting-licenses", "unknown-license"},
    ),
    "unparseable tag under a declared license, research": Case(
        RO,
        "MIT",
        [lic("MIT AND (", 0.2, "spdx-tag/unparseable")],
        "review",
        {"unresolved-license-statement"},
    ),
    "CC URL for a license SPDX lacks, open weights": Case(
        OW,
        "CC0-1.0",
        [lic("LicenseRef-scancode-unknown", 0.4, "cc-url/unknown-license")],
        "review",
        {"unresolved-license-statement"},
    ),
    "a CC URL cited in prose is only a clue": Case(
        CT,
        "MIT",
        [lic("CC-BY-NC-4.0", 0.45, "cc-url/mention-in-prose")],
        "cleared",
        {"attribution"},
        absent={"non-commercial", "unresolved-license-statement"},
    ),
    "conflicting declaration": Case(
        CT,
        "MIT",
        [lic("CC-BY-NC-4.0", 0.95, "cc-url/declared")],
        "blocked",
        {"conflicting-licenses", "non-commercial"},
    ),
    "agreeing declaration": Case(
        CT,
        "MIT OR Apache-2.0",
        [lic("MIT")],
        "cleared",
        {"attribution"},
        absent={"conflicting-licenses"},
    ),
    "clue-level license ignored": Case(
        CT,
        "MIT",
        [lic("CC-BY-NC-4.0", 0.3, "license-text/reference/partial")],
        "cleared",
        {"attribution"},
        absent={"non-commercial", "conflicting-licenses"},
    ),
    "error finding": Case(CT, "MIT", [ERROR], "review", {"scan-error"}),
    "error with NC stays blocked": Case(
        CT, "CC-BY-NC-4.0", [ERROR], "blocked", {"scan-error", "non-commercial"}
    ),
    "opt-out for a training agent": Case(CT, "MIT", [GPTBOT], "blocked", {"optout-training"}),
    "robots wildcard": Case(CT, "MIT", [WILDCARD], "blocked", {"optout-robots-wildcard"}),
    "uncertain opt-out": Case(
        CT, "MIT", [NOAI_SEARCH], "review", {"optout-uncertain"}, absent={"optout-training"}
    ),
    "llama: conditions and user cap": Case(
        CT, None, [lic("LicenseRef-llama3.1")], "review", {"ai-training-conditional", "user-cap"}
    ),
    "no derivatives": Case(CT, "CC-BY-ND-4.0", [], "review", {"no-derivatives"}),
    "personal data, no basis": Case(CT, "MIT", [EMAIL], "review", {"personal-data-no-basis"}),
    "personal data, consent declared": Case(
        CT,
        "MIT",
        [EMAIL],
        "cleared",
        {"attribution"},
        consent="opt-in form v3",
        absent={"personal-data-no-basis"},
    ),
    "personal data, consent record": Case(
        CT,
        "MIT",
        [EMAIL, CONSENT_OK],
        "cleared",
        {"attribution"},
        source_kind="customer",
        absent={"personal-data-no-basis"},
    ),
    "customer without consent": Case(
        CT, "MIT", [], "review", {"customer-data-without-consent"}, source_kind="customer"
    ),
    "consent withdrawn": Case(
        CT, "MIT", [WITHDRAWN], "blocked", {"consent-withdrawn"}, source_kind="customer"
    ),
    "faces": Case(CT, "CC-BY-4.0", [FACE], "review", {"biometric-data"}),
    "site terms prohibit": Case(CT, "MIT", [NEWS_TERMS], "blocked", {"site-terms-prohibit-ai"}),
    "all rights reserved": Case(CT, "CC0-1.0", [RESERVED], "review", {"rights-reserved"}),
    "research: NC cleared with obligation": Case(
        RO, "CC-BY-NC-4.0", [], "cleared", {"non-commercial-obligation"}
    ),
    "research: opt-out reviewed": Case(RO, "MIT", [TDM], "review", {"optout-research"}),
    "research: unknown still review": Case(
        RO, None, [lic("LicenseRef-x")], "review", {"unknown-license"}
    ),
    "open weights: share-alike": Case(OW, "CC-BY-SA-4.0", [], "review", {"share-alike"}),
    "open weights: network copyleft": Case(
        OW, None, [lic("AGPL-3.0-only")], "review", {"share-alike"}
    ),
    "open weights: RAIL": Case(
        OW, None, [lic("bigscience-open-rail-m")], "review", {"use-restrictions"}
    ),
    "fair use moves NC to review": Case(
        CT,
        "CC-BY-NC-4.0",
        [],
        "review",
        {"non-commercial", "reliance/us-fair-use"},
        rely_on=("us-fair-use",),
    ),
    "fair use moves opt-out to review": Case(
        CT,
        "MIT",
        [GPTBOT],
        "review",
        {"optout-training", "reliance/us-fair-use"},
        rely_on=("us-fair-use",),
    ),
    "EU overlay keeps opt-out blocked": Case(
        CT + "+eu-gpai",
        "MIT",
        [GPTBOT],
        "blocked",
        {"eu-art4-reservation", "eu-training-summary"},
        rely_on=("us-fair-use",),
    ),
    "fair use leaves contract blocks": Case(
        CT,
        "MIT",
        [NEWS_TERMS],
        "blocked",
        {"site-terms-prohibit-ai"},
        rely_on=("us-fair-use",),
        absent={"reliance/us-fair-use"},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_decision_table(case: Case) -> None:
    decision = decide(case)
    fired = {r.rule_id for r in decision.reasons}
    assert decision.status.value == case.status, fired
    assert case.reasons <= fired, fired
    assert not (case.absent & fired), fired
    assert all(r.rationale for r in decision.reasons)


def test_or_relies_on_the_free_option_and_keeps_the_expression() -> None:
    decision = decide(Case(CT, None, [lic("CC-BY-NC-4.0 OR MIT")], "cleared", set()))
    assert decision.license == "CC-BY-NC-4.0 OR MIT"
    assert any("MIT" in o for o in decision.obligations)


def test_reliance_is_recorded_in_the_decision() -> None:
    decision = decide(Case(CT, "CC-BY-NC-4.0", [], "review", set(), rely_on=("us-fair-use",)))
    assert decision.reliance == ("us-fair-use",)
    reason = next(r for r in decision.reasons if r.rule_id == "reliance/us-fair-use")
    assert "17 U.S.C. § 107" in reason.legal_reference
    assert "non-commercial" in reason.rationale
    nc = next(r for r in decision.reasons if r.rule_id == "non-commercial")
    assert nc.outcome == "review"


def test_term_rules_quote_the_clause_of_the_license_relied_on() -> None:
    decision = decide(Case(CT, "CC0-1.0", [lic("CC-BY-NC-4.0")], "blocked", set()))
    nc = next(r for r in decision.reasons if r.rule_id == "non-commercial")
    assert any(e.startswith("CC-BY-NC-4.0") and "NonCommercial" in e for e in nc.evidence)
    assert not any(e.startswith("CC0-1.0") for e in nc.evidence)  # CC0 is not the NC one
    assert "§1(i)" in nc.legal_reference and "§2(a)(1)" in nc.legal_reference


def test_llama_naming_rule_and_notice_become_obligations() -> None:
    decision = decide(Case(OW, None, [lic("llama3.1")], "review", set()))
    text = " | ".join(decision.obligations)
    assert "at the beginning of their name" in text
    assert "notice file" in text


def test_eu_overlay_records_the_summary_entry() -> None:
    decision = decide(Case(CT + "+eu-gpai", "MIT", [], "cleared", set(), source_kind="licensed"))
    assert (
        "AI Act Art. 53(1)(d) summary: source src (licensed), license MIT" in decision.obligations
    )


def test_floor_never_clears_unknown_even_with_an_empty_policy() -> None:
    policy = parse_policy("id: lax\nversion: 1\npurpose: anything\nrules: []\n")
    items = pa.table(
        {"item_id": ["s:a", "s:b", "s:c"], "source": ["s"] * 3, "sha256": ["1", "2", "3"]}
    )
    findings = findings_table([("s:b", ERROR), ("s:c", lic("MIT"))])
    table = Engine(policy).decide(items, findings, {"s": SourceInfo("s")})
    rows = {r["item_id"]: r for r in table.to_pylist()}
    assert rows["s:a"]["status"] == "review"
    assert rows["s:a"]["rules"].split(",") == ["engine/none-license"]
    assert rows["s:b"]["status"] == "review"
    assert "engine/error" in rows["s:b"]["rules"].split(",")
    assert rows["s:c"]["status"] == "cleared"


def test_findings_of_other_items_and_unread_kinds_do_not_leak() -> None:
    policy = resolve_policy("commercial-training")
    items = pa.table({"item_id": ["s:a", "s:b"], "source": ["s", "s"], "sha256": ["1", "2"]})
    findings = findings_table(
        [("s:b", lic("CC-BY-NC-4.0")), ("s:a", ("duplicate", "x", "dup", 1.0)), ("s:z", ERROR)]
    )
    table = Engine(policy).decide(items, findings, {"s": SourceInfo("s", license="MIT")})
    status = dict(
        zip(table.column("item_id").to_pylist(), table.column("status").to_pylist(), strict=True)
    )
    assert status == {"s:a": "cleared", "s:b": "blocked"}


MIX: list[F] = [
    lic("MIT"),
    lic("CC-BY-NC-4.0"),
    lic("CC-BY-NC-4.0", 0.3),
    lic("Apache-2.0", 0.7),
    lic("LicenseRef-odd"),
    GPTBOT,
    WILDCARD,
    NOAI_SEARCH,
    EMAIL,
    ERROR,
    FACE,
    RESERVED,
    ("copyright", "Someone", "copyright/statement", 0.95),
]


def test_cached_columnar_decisions_equal_per_item_evaluation() -> None:
    rng = random.Random(7)
    n = 3000
    ids = [f"s{i % 3}:{i}" for i in range(n)]
    sources = {
        f"s{k}": SourceInfo(f"s{k}", license=[None, "MIT", "CC-BY-4.0"][k]) for k in range(3)
    }
    rows = [(ids[i], f) for i in range(n) for f in rng.sample(MIX, rng.randint(0, 3))]
    rng.shuffle(rows)
    items = pa.table(
        {
            "item_id": ids,
            "source": [i.split(":")[0] for i in ids],
            "sha256": [str(i) for i in range(n)],
        }
    )
    findings = findings_table(rows)
    policy = resolve_policy("commercial-training", overlays=["eu-gpai"])
    engine = Engine(policy)
    fast = engine.decide(items, findings, sources)
    slow_engine = Engine(policy, cache=False)
    by_item: dict[str, list[F]] = {}
    for item_id, f in rows:
        by_item.setdefault(item_id, []).append(f)

    def signature(item_id: str) -> tuple[str, frozenset[FindingSig]]:
        sigs = (FindingSig(k, v, r, engine.band(c)) for k, v, r, c in by_item.get(item_id, []))
        return item_id.split(":")[0], frozenset(f for f in sigs if engine.relevant(f))

    distinct = {signature(i) for i in ids}
    assert engine.stats.signatures == len(distinct) < n  # one evaluation per distinct signature
    for row in fast.to_pylist()[::7]:
        sigs = [
            FindingSig(k, v, r, slow_engine.band(c))
            for k, v, r, c in by_item.get(row["item_id"], [])
        ]
        verdict = slow_engine.verdict(sources[row["source"]], sigs)
        assert row["status"] == verdict.status.value, row["item_id"]
        assert (
            row["rules"].split(",") if row["rules"] else [r.rule_id for r in verdict.reasons] == []
        )
    again = engine.decide(items, findings, sources)
    assert engine.stats.evaluated == 0  # every signature came from the cache
    assert again.equals(fast)


CONFIDENCES = [0.0, 0.2, 0.3, 0.49, 0.5, 0.6, 0.8, 0.89, 0.9, 0.95, 1.0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 11),
            st.sampled_from(MIX),
            st.sampled_from(CONFIDENCES),
        ),
        max_size=40,
    ),
    st.sampled_from(["commercial-training", "research-only", "open-weights-release"]),
)
def test_grouping_never_changes_a_decision(
    rows: list[tuple[int, F, float]], policy_name: str
) -> None:
    """Whatever the mix (duplicates, clues, findings no rule reads), the grouped, cached
    decision of every item equals evaluating that item's own findings."""
    ids = [f"s{i % 2}:{i}" for i in range(12)]
    sources = {"s0": SourceInfo("s0"), "s1": SourceInfo("s1", license="MIT")}
    items = pa.table(
        {"item_id": ids, "source": [i[:2] for i in ids], "sha256": [str(i) for i in range(12)]}
    )
    found = [(ids[i], (k, v, r, c)) for i, (k, v, r, _), c in rows]
    engine = Engine(resolve_policy(policy_name))
    table = engine.decide(items, findings_table(found), sources)
    plain = Engine(resolve_policy(policy_name), cache=False)
    for row in table.to_pylist():
        mine = [
            FindingSig(k, v, r, plain.band(c))
            for item_id, (k, v, r, c) in found
            if item_id == row["item_id"]
        ]
        verdict = plain.verdict(sources[row["source"]], mine)
        assert row["status"] == verdict.status.value
        assert row["rules"] == verdict.rules_text
        assert row["obligations"] == verdict.obligations_json
