"""Runs on object storage: ``scan --out s3://bucket/run`` writes the same run as a local
folder, ``--resume`` trusts its markers, and the reading commands open it.

The store is moto's S3 server on loopback (conftest ``s3_endpoint``); credentials and
endpoint reach clearance only through the AWS_* environment, as on a real cluster.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.model.errors import ConfigError, RunError
from clearance.policy import builtin_policy, decide_run
from clearance.policy.table import DECISION_SCHEMA
from clearance.runs.store import RunStore, open_run
from clearance.scan import ScanOptions, scan
from helpers import EXAMPLES

MANIFEST = str(EXAMPLES / "clearance.yaml")
runner = CliRunner()


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda r: json.dumps(r, sort_keys=True, default=str))


def new_bucket() -> str:
    import boto3

    name = f"runs-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


def keys(bucket: str, prefix: str) -> list[str]:
    import boto3

    listing = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus scanned to a local folder: what an s3 run must equal."""
    out = tmp_path_factory.mktemp("local") / "run"
    scan([MANIFEST], out, ScanOptions(workers=1, target_shard_bytes=20_000))
    return out


def test_scan_to_s3_equals_local_run(s3_endpoint: str, local_run: Path) -> None:
    bucket = new_bucket()
    url = f"s3://{bucket}/runs/ex"
    summary = scan([MANIFEST], url, ScanOptions(workers=2, target_shard_bytes=20_000))
    local, remote = open_run(local_run), open_run(url)
    assert summary.run_dir == url
    assert rows(remote.items()) == rows(local.items())
    assert rows(remote.findings()) == rows(local.findings())
    assert remote.read_run_json()["status"] == "complete"
    assert remote.findings(kind="error").num_rows > 0  # bad items kept as error findings
    written = keys(bucket, "runs/ex/")
    assert "runs/ex/run.json" in written
    assert sum(k.startswith("runs/ex/_shards/") for k in written) == summary.shards > 2
    assert sum(k.startswith("runs/ex/items.parquet/part-") for k in written) == summary.shards
    assert not any(".tmp" in k for k in written)  # one PUT per object, no temp copies


def test_resume_on_s3_skips_finished_shards(s3_endpoint: str) -> None:
    url = f"s3://{new_bucket()}/run"
    first = scan([MANIFEST], url, ScanOptions(workers=1, target_shard_bytes=20_000))
    store = RunStore(url)
    before = rows(store.findings())
    lost = sorted(store.done_shards())[:2]
    for shard in lost:  # as if the job died before these two markers were written
        store.forget_shard(shard)
    resumed = scan([MANIFEST], url, ScanOptions(workers=1, target_shard_bytes=20_000, resume=True))
    assert resumed.shards_skipped == first.shards - 2
    assert rows(open_run(url).findings()) == before
    assert open_run(url).read_run_json()["shards"] == {
        "planned": first.shards,
        "scanned": 2,
        "resumed": first.shards - 2,
    }


def test_existing_s3_run_is_not_overwritten_without_force(s3_endpoint: str) -> None:
    url = f"s3://{new_bucket()}/run"
    scan([MANIFEST], url, ScanOptions(workers=1))
    with pytest.raises(RunError, match="--resume"):
        scan([MANIFEST], url, ScanOptions(workers=1))
    again = scan([MANIFEST], url, ScanOptions(workers=1, force=True))
    assert again.shards_skipped == 0
    assert open_run(url).items().num_rows == again.items


def test_decisions_on_s3_equal_local(s3_endpoint: str, local_run: Path) -> None:
    url = f"s3://{new_bucket()}/run"
    scan([MANIFEST], url, ScanOptions(workers=1, target_shard_bytes=20_000))
    policy = builtin_policy("commercial-training")
    a = decide_run(local_run, policy)
    b = decide_run(url, policy)  # no ledger beside an s3 run: no overrides, recorded as such
    assert a.counts == b.counts
    da = open_run(local_run).decisions(DECISION_SCHEMA)
    db = open_run(url).decisions(DECISION_SCHEMA)
    assert rows(da) == rows(db)
    recorded = open_run(url).read_run_json()["decisions"]
    assert recorded["ledger"]["path"] is None


def test_cli_reads_an_s3_run(s3_endpoint: str, tmp_path: Path) -> None:
    url = f"s3://{new_bucket()}/runs/cli"
    scanned = runner.invoke(app, ["scan", MANIFEST, "--out", url, "--json"])
    assert scanned.exit_code == 0, scanned.output
    shown = runner.invoke(app, ["show", url, "--json"])
    assert shown.exit_code == 0, shown.output
    summary = json.loads(shown.output)
    assert summary["items"] == json.loads(scanned.output)["items"] > 0
    listed = runner.invoke(app, ["findings", url, "--kind", "error", "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    errors = [json.loads(line) for line in listed.output.splitlines()]
    assert errors and all(e["kind"] == "error" for e in errors)
    decided = runner.invoke(app, ["decide", url, "--purpose", "commercial-training", "--json"])
    assert decided.exit_code == 0, decided.output
    counts = json.loads(decided.output)["counts"]
    assert sum(counts.values()) == summary["items"]
    gate = runner.invoke(app, ["gate", url, "--fail-on", "blocked", "--json"])
    assert json.loads(gate.output)["counts"] == counts
    item = errors[0]["item_id"]
    explained = runner.invoke(app, ["explain", url, item, "--json"])
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.output)["decision"]["status"] == "review"  # unknown is not clean
    report = runner.invoke(app, ["report", url, "--format", "json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["provenance"]["run"] == url
    exported = runner.invoke(app, ["export", url, "--to", str(tmp_path / "out"), "--json"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["items"] == counts["cleared"]
    to_s3 = runner.invoke(app, ["export", url, "--to", f"{url}/export"])
    assert isinstance(to_s3.exception, ConfigError)  # not a local folder named "s3:"
    assert "local folder" in str(to_s3.exception)
    drafted = runner.invoke(app, ["summary", url, "--eu-ai-act", "--format", "json"])
    assert drafted.exit_code == 0, drafted.output
    dossier = runner.invoke(app, ["dossier", url])
    assert dossier.exit_code == 0, dossier.output
    assert "no ledger" in dossier.output
    ledger = tmp_path / "ledger.sqlite"
    overridden = runner.invoke(
        app,
        ["override", url, item, "--status", "cleared", "--by", "counsel", "--reason", "checked"],
    )
    assert overridden.exit_code != 0  # no default ledger beside an s3 run: a clear error
    assert "--ledger" in str(overridden.exception)
    args = ["--status", "cleared", "--by", "counsel", "--reason", "checked"]
    overridden = runner.invoke(app, ["override", url, item, *args, "--ledger", str(ledger)])
    assert overridden.exit_code == 0, overridden.output
    args = ["--purpose", "commercial-training", "--ledger", str(ledger), "--json"]
    redecided = runner.invoke(app, ["decide", url, *args])
    assert json.loads(redecided.output)["overridden"] >= 1


def test_cli_missing_bucket_is_a_clear_error(s3_endpoint: str) -> None:
    url = f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}/run"
    result = runner.invoke(app, ["scan", MANIFEST, "--out", url])
    assert result.exit_code != 0
    assert isinstance(result.exception, RunError)
    assert "does not exist" in str(result.exception)
    shown = runner.invoke(app, ["show", url])
    assert isinstance(shown.exception, RunError)
    assert "not a clearance run" in str(shown.exception)
