"""The claims check through `clearance guard check --claims` and `POST /v1/check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.cli import app
from clearance.guard import Guard, build_index
from clearance.guard.claims import ClaimsChecker
from clearance.guard.service import ServiceConfig, create_app

DATA = Path(__file__).resolve().parent / "data" / "claims"
runner = CliRunner()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claims-cli") / "index"
    build_index([str(DATA / "refs")], out)
    return out


def _check(index: Path, text: str, *options: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(
        app, ["guard", "check", str(index), text, "--json", "--detectors", "", *options]
    )
    return result.exit_code, json.loads(result.stdout)


def test_cli_claims_off_by_default_then_on(index: Path) -> None:
    text = "Sofia Brandt was convicted of armed robbery."
    code, data = _check(index, text)
    assert code == 0 and data["claims"] == []
    code, data = _check(index, text, "--claims")
    assert code == 5 and data["verdict"] == "block"
    [claim] = data["claims"]  # type: ignore[misc]
    assert claim["entity"]["text"] == "Sofia Brandt" and claim["category"] == "crime"
    assert claim["supported"] is None and claim["state"] == "unsupported"


def test_cli_support_from_folder_and_index(index: Path) -> None:
    text = "Martin Keller was convicted of armed robbery."
    code, data = _check(index, text, "--references", str(DATA / "refs"))
    assert code == 0
    claim = data["claims"][0]  # type: ignore[index]
    assert claim["supported"] is True and claim["reference"]["document"].endswith(
        "court-report.txt"
    )
    code, data = _check(index, text, "--claims", "--refs-from-index")
    assert code == 0 and data["claims"][0]["supported"] is True  # type: ignore[index]
    code, data = _check(index, "Sofia Brandt was convicted.", "--claims", "--refs-from-index")
    assert code == 5 and data["claims"][0]["supported"] is False  # type: ignore[index]


def test_cli_names_policy_and_text_output(index: Path, tmp_path: Path) -> None:
    code, data = _check(index, "Bloggs reportedly has HIV.", "--names", str(DATA / "names.yaml"))
    assert code == 4
    claim = data["claims"][0]  # type: ignore[index]
    assert claim["entity"]["canonical"] == "Joe Bloggs" and claim["hedged"] is True
    policy = tmp_path / "p.yaml"
    policy.write_text("categories:\n  disease: {hedged: pass}\n")
    code, _ = _check(
        index,
        "Bloggs reportedly has HIV.",
        "--names",
        str(DATA / "names.csv"),
        "--names",
        str(DATA / "names.yaml"),
        "--claims-policy",
        str(policy),
    )
    assert code == 0
    shown = runner.invoke(
        app,
        ["guard", "check", str(index), "Ahmed Karimi took bribes.", "--claims", "--detectors", ""],
    )
    assert shown.exit_code == 4
    assert "claim review" in shown.stdout and "Ahmed Karimi" in shown.stdout
    bad = runner.invoke(
        app, ["guard", "check", str(index), "x", "--names", str(tmp_path / "missing.yaml")]
    )
    assert bad.exit_code == 1 and "cannot read names file" in str(bad.exception) + bad.output


def test_cli_jsonl(index: Path, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Nothing here."})
        + "\n"
        + json.dumps({"id": "b", "text": "In the novel, Ann Vega robbed a bank."})
        + "\n"
        + json.dumps({"id": "c", "text": "Ann Vega robbed a bank."})
        + "\n"
    )
    result = runner.invoke(
        app, ["guard", "check", str(index), "--jsonl", str(path), "--claims", "--detectors", ""]
    )
    assert result.exit_code == 5
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["verdict"], len(r["claims"])) for r in rows] == [
        ("a", "pass", 0),
        ("b", "pass", 1),
        ("c", "block", 1),
    ]
    assert rows[1]["claims"][0]["fiction"] is True


def test_service_reports_claims(index: Path) -> None:
    guard = Guard.open(index, detectors=[], claims=ClaimsChecker.create(reference_index=index))
    client = TestClient(create_app(guard, ServiceConfig()))
    assert client.get("/healthz").json()["claims"] is True
    reply = client.post(
        "/v1/check",
        json={
            "outputs": [
                {"id": "ok", "text": "Martin Keller was sentenced to six years."},
                {"id": "bad", "text": "Priya Raman was sentenced to six years."},
                {"id": "huge", "text": "Word " * 150_000},
            ]
        },
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["verdict"] == "block"
    results = {r["id"]: r for r in body["results"]}
    assert results["ok"]["verdict"] == "pass" and results["ok"]["claims"][0]["supported"]
    assert results["bad"]["verdict"] == "block"
    assert results["huge"]["claims"] == []
