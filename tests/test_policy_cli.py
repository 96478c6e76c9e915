"""The policy commands end to end on the example corpus: scan --purpose, decide, explain,
override (surviving a rescan), gate exit codes, ledger verify, SARIF."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from clearance.policy import decision_for, read_decisions
from test_cli import cli

NC_ITEM = "essays:field-notes-cc-by-nc.txt"
PURPOSE = ["--purpose", "commercial-training"]


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scan of the examples with a decision at its end (shared: scans are slow)."""
    root = tmp_path_factory.mktemp("policy-cli")
    examples = root / "examples"
    from helpers import EXAMPLES

    shutil.copytree(EXAMPLES, examples)
    result = cli(
        "scan",
        str(examples / "clearance.yaml"),
        "--out",
        str(root / "runs" / "first"),
        "--workers",
        "1",
        *PURPOSE,
        "--overlay",
        "eu-gpai",
    )
    assert result.returncode == 0, result.stderr
    assert "decided" in result.stdout and "blocked" in result.stdout
    return root


def run_copy(decided: Path, tmp_path: Path, name: str = "run") -> Path:
    target = tmp_path / "runs" / name
    shutil.copytree(decided / "runs" / "first", target)
    return target


def test_scan_with_a_purpose_writes_decisions(decided: Path) -> None:
    run = decided / "runs" / "first"
    decisions = {d.item_id: d for d in read_decisions(run)}
    info = json.loads((run / "run.json").read_text())
    assert info["decisions"]["policy"] == "commercial-training+eu-gpai"
    assert sum(info["decisions"]["counts"].values()) == len(decisions) == info["counts"]["items"]
    nc = decisions[NC_ITEM]
    assert nc.status.value == "blocked"
    assert {"non-commercial", "conflicting-licenses"} <= {r.rule_id for r in nc.reasons}
    # unknown is not clean: the truncated JSON line and the malformed SPDX tag are not cleared
    assert decisions["posts:posts.jsonl#L7"].status.value == "review"
    assert decisions["code:retry.go"].status.value == "review"
    assert decisions["code:wordcount.py"].status.value == "cleared"
    assert all(d.reasons for d in decisions.values())


def test_decide_redecides_without_rescanning(decided: Path, tmp_path: Path) -> None:
    run = run_copy(decided, tmp_path)
    findings_before = sorted(p.stat().st_mtime_ns for p in (run / "findings.parquet").iterdir())
    result = cli("decide", str(run), "--purpose", "research-only", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["policy"] == "research-only"
    assert sum(summary["counts"].values()) == summary["items"]
    assert decision_for(run, NC_ITEM).status.value == "review"  # NC is fine for research
    assert findings_before == sorted(
        p.stat().st_mtime_ns for p in (run / "findings.parquet").iterdir()
    )
    bad = cli("decide", str(run), "--purpose", "research-only", "--policy", "commercial-training")
    assert bad.returncode == 2 and "purpose" in bad.stderr


def test_reliance_switch_from_the_command_line(decided: Path, tmp_path: Path) -> None:
    run = run_copy(decided, tmp_path)
    result = cli("decide", str(run), *PURPOSE, "--rely-on", "us-fair-use")
    assert result.returncode == 0, result.stderr
    nc = decision_for(run, NC_ITEM)
    assert nc is not None and nc.status.value == "review"
    assert nc.reliance == ("us-fair-use",)
    unknown = cli("decide", str(run), *PURPOSE, "--rely-on", "vibes")
    assert unknown.returncode == 2 and "offers no reliance" in unknown.stderr


def test_explain_json_and_rich(decided: Path) -> None:
    run = decided / "runs" / "first"
    result = cli("explain", str(run), NC_ITEM, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["item"]["item_id"] == NC_ITEM
    assert any(f["value"] == "CC-BY-NC-4.0" for f in data["findings"])
    reasons = {r["rule_id"]: r for r in data["decision"]["reasons"]}
    assert "§2(a)(1)" in reasons["non-commercial"]["legal_reference"]
    assert any("CC-BY-NC-4.0" in e for e in reasons["non-commercial"]["evidence"])
    text = cli("explain", str(run), NC_ITEM)
    assert text.returncode == 0
    for words in ("blocked", "non-commercial", "legal reference", "Not legal advice"):
        assert words in text.stdout
    missing = cli("explain", str(run), "essays:nope.txt")
    assert missing.returncode == 2


def test_gate_exit_codes(decided: Path, tmp_path: Path) -> None:
    run = run_copy(decided, tmp_path)
    blocked = cli("gate", str(run), "--fail-on", "blocked")
    assert blocked.returncode == 4 and "FAIL" in blocked.stdout
    counts = json.loads(cli("gate", str(run), "--json", "--fail-on", "review").stdout)["counts"]
    # the CC BY-NC essay, and the crawl pages whose site reserved AI training (robots, TDMRep)
    assert counts["blocked"] == 6 and counts["review"] > 0 and counts["cleared"] > 0
    assert cli("gate", str(run), "--fail-on", "blocked,review").returncode == 4
    assert cli("gate", str(run), "--fail-on", "nonsense").returncode == 2
    blocked = [d.item_id for d in read_decisions(run) if d.status.value == "blocked"]
    assert NC_ITEM in blocked
    for item_id in blocked:
        result = cli(
            "override",
            str(run),
            item_id,
            "--status",
            "review",
            "--by",
            "A. Counsel",
            "--reason",
            "to be read by a person",
        )
        assert result.returncode == 0, result.stderr
    assert cli("decide", str(run), *PURPOSE).returncode == 0
    passing = cli("gate", str(run), "--fail-on", "blocked")
    assert passing.returncode == 0 and "PASS" in passing.stdout
    fresh = tmp_path / "undecided"
    shutil.copytree(run, fresh)
    shutil.rmtree(fresh / "decisions.parquet")
    assert cli("gate", str(fresh)).returncode == 1


def test_override_survives_a_rescan(decided: Path, tmp_path: Path) -> None:
    root = decided / "runs"
    first = root / "first"
    result = cli(
        "override",
        str(first),
        "code:retry.go",
        "--status",
        "cleared",
        "--by",
        "B. Lawyer",
        "--reason",
        "malformed tag; the author confirmed MIT by e-mail",
        "--purpose",
        "commercial-training",
    )
    assert result.returncode == 0, result.stderr
    assert (root / "clearance-ledger.sqlite").exists()
    # a new scan of the same content into another run beside the first one
    second = root / "second"
    scanned = cli(
        "scan", str(decided / "examples" / "clearance.yaml"), "--out", str(second), "--workers", "1"
    )
    assert scanned.returncode == 0, scanned.stderr
    assert cli("decide", str(second), *PURPOSE).returncode == 0
    decision = decision_for(second, "code:retry.go")
    assert decision is not None
    assert decision.status.value == "cleared" and decision.policy_status is not None
    assert decision.policy_status.value == "review"
    assert decision.override is not None and decision.override.by == "B. Lawyer"
    # for another purpose the override does not apply
    assert cli("decide", str(second), "--purpose", "research-only").returncode == 0
    assert decision_for(second, "code:retry.go").override is None


def test_ledger_verify_and_a_tampered_ledger(decided: Path, tmp_path: Path) -> None:
    run = run_copy(decided, tmp_path)
    for reason in ("first look", "second look"):
        cli("override", str(run), NC_ITEM, "--status", "review", "--by", "C", "--reason", reason)
    assert cli("decide", str(run), *PURPOSE).returncode == 0
    ok = cli("ledger", "verify", str(run))
    assert ok.returncode == 0 and "2 entries" in ok.stdout
    ledger = tmp_path / "runs" / "clearance-ledger.sqlite"
    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq = 2")  # the newest: the chain alone looks fine
    conn.commit()
    conn.close()
    assert cli("ledger", "verify", "--ledger", str(ledger)).returncode == 0
    caught = cli("ledger", "verify", str(run))  # against the head the decision recorded
    assert caught.returncode == 5 and "entry 2" in caught.stdout
    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET status = 'cleared' WHERE seq = 1")
    conn.commit()
    conn.close()
    edited = cli("ledger", "verify", "--ledger", str(ledger), "--json")
    assert edited.returncode == 5
    assert json.loads(edited.stdout)["problems"][0][0] == 1
    refused = cli("decide", str(run), *PURPOSE)
    assert refused.returncode == 1 and "failed verification at entry 1" in refused.stderr


def test_findings_as_sarif(decided: Path) -> None:
    run = decided / "runs" / "first"
    result = cli("findings", str(run), "--format", "sarif")
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "clearance" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    results = sarif_run["results"]
    assert results
    for res in results:
        assert res["message"]["text"]
        assert res["level"] in {"none", "note", "warning", "error"}
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        (location,) = res["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        region = physical.get("region", {})
        assert region.get("startLine", 1) >= 1
    nc = [r for r in results if r["properties"]["item_id"] == NC_ITEM]
    assert nc and all(r["level"] == "error" for r in nc)  # the item is blocked
    assert {r["level"] for r in results} >= {"error", "warning", "note"}


def test_sarif_of_one_kind_and_the_policies_listing(decided: Path) -> None:
    run = decided / "runs" / "first"
    log = json.loads(cli("findings", str(run), "--format", "sarif", "--kind", "error").stdout)
    results = log["runs"][0]["results"]
    assert results and all(r["level"] in {"warning", "error"} for r in results)
    assert all(r["message"]["text"].startswith("error:") for r in results)
    listing = cli("policies")
    assert listing.returncode == 0
    for name in ("commercial-training", "research-only", "open-weights-release", "eu-gpai"):
        assert name in listing.stdout
    rules = cli("policies", "open-weights-release")
    assert rules.returncode == 0 and "share-alike" in rules.stdout and "us-fair-use" in rules.stdout


def test_scan_json_carries_the_decision_summary(examples_copy: Path, tmp_path: Path) -> None:
    result = cli(
        "scan",
        str(examples_copy / "clearance.yaml"),
        "--out",
        str(tmp_path / "r"),
        "--workers",
        "1",
        "--json",
        "--purpose",
        "research-only",
        "--detectors",
        "spdx-tag",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["decisions"]["policy"] == "research-only"
    assert sum(data["decisions"]["counts"].values()) == data["items"]


def test_a_bad_policy_fails_before_the_scan(examples_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\nversion: 1\npurpose: x\nrules:\n  - id: r\n    outcome: maybe\n")
    result = cli(
        "scan",
        str(examples_copy / "clearance.yaml"),
        "--out",
        str(tmp_path / "r"),
        "--policy",
        str(bad),
    )
    assert result.returncode == 2
    assert f"{bad}:6: rule 'r': outcome" in result.stderr.replace("\n", "")
    assert not (tmp_path / "r").exists()


def test_a_rescan_drops_stale_decisions(decided: Path, tmp_path: Path) -> None:
    from helpers import run_scan

    run = run_copy(decided, tmp_path)
    run_scan([str(decided / "examples" / "clearance.yaml")], run, resume=True)
    assert not (run / "decisions.parquet").exists()
    gate = cli("gate", str(run))
    assert gate.returncode == 1 and "clearance decide" in gate.stderr


def test_show_summarises_decisions_by_source_and_rule(decided: Path) -> None:
    run = decided / "runs" / "first"
    summary = json.loads(cli("show", str(run), "--json").stdout)["decisions"]
    assert summary["purpose"] == "commercial-training"
    assert summary["by_source"]["crawl"].get("blocked", 0) == 5
    assert summary["top_rules"]["eu-art4-reservation"] == 5
    table = cli("show", str(run)).stdout
    assert "Decisions for commercial-training" in table and "Rules that fired most" in table
