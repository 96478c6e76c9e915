"""`clearance guard` on the command line and over HTTP."""

from __future__ import annotations

import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import licensedcode
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.cli import app
from clearance.guard import Guard, build_index
from clearance.guard.service import ServiceConfig, create_app
from clearance.model.errors import ConfigError

LICENSEDB = Path(next(iter(licensedcode.__path__))) / "data" / "licenses"
runner = CliRunner()


def _body(key: str) -> str:
    text = (LICENSEDB / f"{key}.LICENSE").read_text("utf-8")
    return text.split("\n---\n", 1)[1]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for key in ("gpl-3.0", "mpl-2.0"):
        shutil.copy(LICENSEDB / f"{key}.LICENSE", root / f"{key}.txt")
    out = tmp_path_factory.mktemp("i") / "index"
    result = runner.invoke(app, ["guard", "build", str(root), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout[result.stdout.index("{") :])["documents"] == 2
    return out


COPY = " ".join(_body("gpl-3.0").split()[500:560])
SHORT = " ".join(_body("mpl-2.0").split()[300:314])


def test_check_exit_codes_and_json(index: Path) -> None:
    clean = runner.invoke(app, ["guard", "check", str(index), "a harmless answer", "--json"])
    assert clean.exit_code == 0 and json.loads(clean.stdout)["verdict"] == "pass"
    blocked = runner.invoke(app, ["guard", "check", str(index), f"Here: {COPY}", "--json"])
    assert blocked.exit_code == 5
    span = json.loads(blocked.stdout)["spans"][0]
    assert span["sources"][0]["item_id"].endswith("gpl-3.0.txt")
    review = runner.invoke(app, ["guard", "check", str(index), SHORT])
    assert review.exit_code == 4 and "review" in review.stdout
    stdin = runner.invoke(app, ["guard", "check", str(index), "-"], input=COPY)
    assert stdin.exit_code == 5


def test_jsonl_round_trip(index: Path, tmp_path: Path) -> None:
    records = [
        {"id": "clean", "text": "nothing to see here"},
        {"id": "copy", "text": f"As the license says: {COPY}"},
        {"id": "short", "text": SHORT},
    ]
    path = tmp_path / "outputs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = runner.invoke(app, ["guard", "check", str(index), "--jsonl", str(path)])
    assert result.exit_code == 5
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["verdict"]) for r in lines] == [
        ("clean", "pass"),
        ("copy", "block"),
        ("short", "review"),
    ]
    copy = lines[1]["spans"][0]
    text = records[1]["text"]
    assert text[copy["start"] : copy["end"]] in COPY


def test_check_options_and_usage_errors(index: Path, tmp_path: Path) -> None:
    lenient = runner.invoke(
        app, ["guard", "check", str(index), SHORT, "--review-words", "30", "--review-chars", "150"]
    )
    assert lenient.exit_code == 0
    policy = tmp_path / "p.yaml"
    policy.write_text("review_words: 30\nreview_chars: 150\n")
    assert (
        runner.invoke(app, ["guard", "check", str(index), SHORT, "--policy", str(policy)]).exit_code
        == 0
    )
    both = runner.invoke(app, ["guard", "check", str(index)])
    assert isinstance(both.exception, ConfigError)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\n{not json\n')
    failed = runner.invoke(app, ["guard", "check", str(index), "--jsonl", str(bad)])
    assert isinstance(failed.exception, ConfigError) and ":2:" in str(failed.exception)


def test_detectors_option(index: Path) -> None:
    text = "Copyright (c) 2020 Example Corp. All rights reserved."
    found = runner.invoke(
        app, ["guard", "check", str(index), text, "--detectors", "copyright", "--json"]
    )
    assert found.exit_code == 4
    assert json.loads(found.stdout)["findings"][0]["kind"] == "copyright"
    none = runner.invoke(app, ["guard", "check", str(index), text, "--detectors", ""])
    assert none.exit_code == 0


def test_add_and_merge_commands(index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(LICENSEDB / "eupl-1.2.LICENSE", more / "eupl.txt")
    assert runner.invoke(app, ["guard", "add", str(copy), str(more)]).exit_code == 0
    eupl = " ".join(_body("eupl-1.2").split()[200:260])
    assert runner.invoke(app, ["guard", "check", str(copy), eupl]).exit_code == 5
    assert runner.invoke(app, ["guard", "merge", str(copy)]).exit_code == 0
    assert len(Guard.open(copy).segments) == 1
    assert runner.invoke(app, ["guard", "check", str(copy), eupl]).exit_code == 5


# --- the HTTP service ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(index: Path) -> TestClient:
    guard = Guard.open(index, detectors=["copyright"])
    return TestClient(create_app(guard, ServiceConfig(max_request_bytes=64 * 1024)))


def test_service_single_and_batch(client: TestClient) -> None:
    one = client.post("/v1/check", json={"text": COPY})
    assert one.status_code == 200 and one.json()["verdict"] == "block"
    batch = client.post(
        "/v1/check",
        json={"outputs": [{"id": "a", "text": "fine"}, {"id": "b", "text": SHORT}]},
    )
    assert batch.status_code == 200
    body = batch.json()
    assert body["verdict"] == "review"
    assert [(r["id"], r["verdict"]) for r in body["results"]] == [("a", "pass"), ("b", "review")]
    assert client.get("/healthz").json()["documents"] == 2


def test_service_rejects_bad_requests(client: TestClient) -> None:
    assert client.post("/v1/check", json={"text": "x" * 70_000}).status_code == 413
    malformed = client.post(
        "/v1/check", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert client.post("/v1/check", json={"txt": "typo"}).status_code == 422
    assert client.post("/v1/check", json={"text": 5}).status_code == 422
    both = client.post("/v1/check", json={"text": "a", "outputs": []})
    assert both.status_code == 422


def test_service_concurrent_requests(client: TestClient) -> None:
    texts = [
        COPY if i % 3 == 0 else SHORT if i % 3 == 1 else f"clean answer {i}" for i in range(48)
    ]
    expected = {0: "block", 1: "review", 2: "pass"}
    barrier = threading.Barrier(8)

    def post(i: int) -> tuple[int, str]:
        if i < 8:
            barrier.wait()
        reply = client.post("/v1/check", json={"id": str(i), "text": texts[i]})
        return i, reply.json()["verdict"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(len(texts))))
    assert all(verdict == expected[i % 3] for i, verdict in results)


def test_service_timeout(index: Path) -> None:
    slow = TestClient(create_app(Guard.open(index, detectors=[]), ServiceConfig(timeout_s=1e-6)))
    assert slow.post("/v1/check", json={"text": COPY * 50}).status_code == 503


def test_serve_missing_index_fails_at_start(tmp_path: Path) -> None:
    result = runner.invoke(app, ["guard", "serve", str(tmp_path / "nope")])
    assert isinstance(result.exception, ConfigError)
    assert "not a guard index" in str(result.exception)


def test_build_progress_and_bad_corpus(tmp_path: Path) -> None:
    out = tmp_path / "x"
    missing = runner.invoke(app, ["guard", "build", str(tmp_path / "nope"), "--out", str(out)])
    assert isinstance(missing.exception, ConfigError)
    assert not out.exists()  # nothing written
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(_body("gpl-3.0"))
    (corpus / "bad.jsonl").write_bytes(b'{"text": "ok ok"}\n\xff\xfe garbage\n')
    built = build_index([str(corpus)], tmp_path / "i")
    assert built.documents >= 2 and built.problems >= 1


def test_jsonl_from_stdin(index: Path) -> None:
    lines = json.dumps({"id": "x", "text": COPY}) + "\n"
    result = runner.invoke(app, ["guard", "check", str(index), "--jsonl", "-"], input=lines)
    assert result.exit_code == 5
    assert json.loads(result.stdout)["id"] == "x"
