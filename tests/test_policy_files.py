"""Policy files: strict validation with the file, line and rule id in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.model.errors import ConfigError
from clearance.policy import (
    builtin_names,
    builtin_policy,
    compose,
    load_policy,
    parse_policy,
    resolve_policy,
)

GOOD = """\
id: mine
version: 2
purpose: commercial-training
rules:
  - id: nc
    when:
      terms: {non_commercial: yes}
    outcome: blocked
    rationale: Non-commercial licenses are out.
    legal_reference: "CC BY-NC 4.0 §1(i)"
  - id: optout
    when:
      finding: {kind: optout, min_confidence: 0.9}
    outcome: blocked
    rationale: Opt-outs are honoured.
"""


def test_a_good_policy_loads_with_defaults() -> None:
    policy = parse_policy(GOOD)
    assert policy.version == "2"
    assert policy.min_license_confidence == 0.5
    assert [r.id for r in policy.rules] == ["nc", "optout"]
    assert policy.rule("nc").when.terms is not None
    assert policy.rule("nc").when.terms.non_commercial == ["yes"]


@pytest.mark.parametrize(
    ("bad", "line", "words"),
    [
        (
            GOOD.replace("non_commercial: yes", "non_comercial: yes"),
            7,
            ["rule 'nc'", "non_comercial"],
        ),
        (
            GOOD.replace("non_commercial: yes", "non_commercial: maybe"),
            7,
            ["rule 'nc'", "non_commercial"],
        ),
        (
            GOOD.replace(
                "outcome: blocked\n    rationale: Opt", "outcome: denied\n    rationale: Opt"
            ),
            14,
            ["rule 'optout'", "outcome"],
        ),
        (
            GOOD.replace("min_confidence: 0.9", "min_confidence: 9"),
            13,
            ["rule 'optout'", "min_confidence"],
        ),
        (GOOD.replace("  - id: optout", "  - id: nc"), 1, ["used twice"]),
        (
            GOOD.replace("    rationale: Opt-outs are honoured.\n", ""),
            11,
            ["rule 'optout'", "rationale"],
        ),
        (
            GOOD.replace("kind: optout", "kind: optout, colour: red"),
            13,
            ["rule 'optout'", "colour"],
        ),
        (GOOD.replace("  - id: nc", "  - id: NC!"), 5, ["rule 'NC!'", "id"]),
        (GOOD + "licence: MIT\n", 16, ["licence"]),
        (
            GOOD.replace("terms: {non_commercial: yes}", "terms: {share_alike: [strong, viral]}"),
            7,
            ["share_alike"],
        ),
        (
            GOOD.replace("      terms: {non_commercial: yes}", "      license: {state: dunno}"),
            7,
            ["state"],
        ),
        (
            GOOD.replace("      terms: {non_commercial: yes}", "      source: {kind: scraped}"),
            7,
            ["kind"],
        ),
        (
            GOOD + "reliances:\n  - id: fu\n    description: d\n    legal_reference: r\n"
            "    applies_to: [nope]\n",
            1,
            ["unknown rules", "nope"],
        ),
        ("id: x\nversion: 1\nrules: [\n", 4, ["invalid YAML"]),
        ("- just\n- a list\n", None, ["mapping"]),
        (
            GOOD.replace(
                "    rationale: Opt-outs are honoured.\n",
                "    rationale: r\n    obligations: ['credit {autor}']\n",
            ),
            16,
            ["rule 'optout'", "autor"],
        ),
    ],
)
def test_errors_name_file_line_and_rule(
    tmp_path: Path, bad: str, line: int | None, words: list[str]
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(bad)
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert caught.value.file == str(path)
    assert caught.value.line == line, message
    for word in words:
        assert word in message


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read policy"):
        load_policy(tmp_path / "missing.yaml")


def test_builtins_load_and_cite_their_rules() -> None:
    assert builtin_names() == [
        "commercial-training",
        "eu-gpai",
        "open-weights-release",
        "research-only",
    ]
    for name in builtin_names():
        policy = builtin_policy(name)
        for rule in policy.rules:
            assert rule.rationale.strip()
            if rule.id != "secrets":  # operational, not a legal statement
                assert rule.legal_reference.strip(), (name, rule.id)


def test_overlay_composition_and_misuse() -> None:
    policy = resolve_policy("commercial-training", overlays=["eu-gpai"])
    assert policy.id == "commercial-training+eu-gpai"
    assert policy.version == "1+1"
    assert policy.purpose == "commercial-training"
    assert policy.rules[-1].id == "eu-training-summary"
    with pytest.raises(ConfigError, match="overlay"):
        resolve_policy(None, "eu-gpai")
    with pytest.raises(ConfigError, match="not an overlay"):
        compose(builtin_policy("research-only"), [builtin_policy("commercial-training")])
    clash = parse_policy(
        "id: o\nversion: 1\npurpose: any\nkind: overlay\nrules:\n"
        "  - {id: no-license, outcome: review, rationale: r}\n"
    )
    with pytest.raises(ConfigError, match="reuses rule ids"):
        compose(builtin_policy("commercial-training"), [clash])


def test_purpose_must_match_the_policy() -> None:
    with pytest.raises(ConfigError, match="purpose"):
        resolve_policy("research-only", "commercial-training")
    with pytest.raises(ConfigError, match="no built-in policy"):
        resolve_policy("world-domination")
    with pytest.raises(ConfigError, match="--purpose"):
        resolve_policy(None, None)


def test_unknown_reliance_is_refused() -> None:
    from clearance.policy import Engine

    with pytest.raises(ConfigError, match="offers no reliance"):
        Engine(builtin_policy("research-only"), ["us-fair-use"])


def test_public_api_of_the_policy_package() -> None:
    import clearance.policy as policy

    for name in policy.__all__:
        assert hasattr(policy, name), name
    assert {"Engine", "Ledger", "decide_run", "resolve_policy", "DECISION_SCHEMA"} <= set(
        policy.__all__
    )
