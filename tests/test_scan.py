from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clearance.model import RunError
from clearance.runs import open_run
from helpers import FOUNDATION, run_scan, tree_digest

PLUGIN = """
import time
from clearance.detectors.base import Detector, register

@register
class SlowPlugin(Detector):
    name = "test-slow-plugin"
    version = "1"
    media_types = ("*",)

    def detect(self, item):
        time.sleep(0.05)
        return []
"""


def _rows(run: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    store = open_run(run)
    items = sorted(tuple(r.values()) for r in store.items().drop_columns(["shard"]).to_pylist())
    findings = sorted(tuple(str(v) for v in r.values()) for r in store.findings().to_pylist())
    return items, findings


def test_example_scan_end_to_end(examples_copy: Path, tmp_path: Path) -> None:
    before = tree_digest(examples_copy)
    summary = run_scan(
        [str(examples_copy / "clearance.yaml")], tmp_path / "run", detectors=FOUNDATION
    )
    assert tree_digest(examples_copy) == before  # inputs are never modified
    assert summary.items == 39 and summary.errors == 2
    store = open_run(tmp_path / "run")
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["status"] == "complete"
    assert info["detectors"] == {
        "cc-url": "1.2",
        "copyright": "1.1",
        "exact-duplicate": "1.0",
        "license-text": "1.3",
        "package-license": "1.0",
        "spdx-tag": "1.1",
    }
    assert info["counts"]["items"] == 39 and info["counts"]["errors"] == 2
    assert set(info["timings"]) == {"plan_s", "scan_s", "run_detectors_s", "total_s"}
    assert "pyarrow" in info["environment"]["packages"]
    licenses = {
        (r["item_id"], r["detector"]): (r["value"], r["rule"])
        for r in store.findings(kind="license").to_pylist()
    }
    assert licenses["code:chunk.rs", "spdx-tag"][0] == "MIT OR Apache-2.0"
    assert licenses["code:retry.go", "spdx-tag"][0] == "MIT AND ("
    # Notices and references in prose and code, found by the text matcher.
    assert licenses["code:adler32.c", "license-text"] == (
        "GPL-2.0-or-later",
        "license-text/notice",
    )
    assert licenses["essays:field-notes-cc-by-nc.txt", "license-text"][0] == "CC-BY-NC-4.0"
    assert (
        licenses["crawl:" + _crawl_page(store, "tide-pools"), "license-text"][0] == "CC-BY-SA-4.0"
    )
    dups = {r["item_id"] for r in store.findings(kind="duplicate").to_pylist()}
    assert dups == {"code:wordcount.py", "code:wordcount_vendored.py"}
    errors = {r["item_id"]: r["rule"] for r in store.findings(kind="error").to_pylist()}
    assert errors == {
        "essays:legacy-latin1.txt": "decode",
        "posts:posts.jsonl#L7": "malformed-record",
    }


def test_many_workers_give_the_same_results_as_one(examples_copy: Path, tmp_path: Path) -> None:
    manifest = str(examples_copy / "clearance.yaml")
    run_scan([manifest], tmp_path / "one", workers=1)
    run_scan([manifest], tmp_path / "two", workers=2)
    assert _rows(tmp_path / "one") == _rows(tmp_path / "two")


def test_run_folder_is_not_overwritten_without_force(examples_copy: Path, tmp_path: Path) -> None:
    manifest = str(examples_copy / "clearance.yaml")
    run_scan([manifest], tmp_path / "run")
    with pytest.raises(RunError, match=r"--resume.*--force"):
        run_scan([manifest], tmp_path / "run")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "precious.txt").write_text("mine")
    with pytest.raises(RunError, match="not a clearance run"):
        run_scan([manifest], tmp_path / "other", force=True)
    assert (tmp_path / "other" / "precious.txt").read_text() == "mine"
    run_scan([manifest], tmp_path / "run", force=True)


def test_resume_skips_finished_shards_and_refuses_other_config(
    examples_copy: Path, tmp_path: Path
) -> None:
    manifest = str(examples_copy / "clearance.yaml")
    first = run_scan([manifest], tmp_path / "run")
    again = run_scan([manifest], tmp_path / "run", resume=True)
    assert again.shards_skipped == first.shards and again.items == first.items
    with pytest.raises(RunError, match="other sources, detectors or limits"):
        run_scan([manifest], tmp_path / "run", resume=True, detectors=("spdx-tag",))


def _corpus(root: Path, files: int) -> Path:
    root.mkdir()
    for i in range(files):
        header = f"// SPDX-License-Identifier: {'MIT' if i % 2 else 'Apache-2.0'}\n"
        (root / f"f{i:03}.c").write_text(header + f"int v{i};\n" * 20_000)
    return root


def _plugin_env(tmp_path: Path) -> dict[str, str]:
    """A third-party detector installed through the entry point, as a plugin would be."""
    plugins = tmp_path / "plugins"
    dist = plugins / "slowplugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (plugins / "slowplugin.py").write_text(PLUGIN)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: slowplugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[clearance.detectors]\nslow = slowplugin\n")
    return {**os.environ, "PYTHONPATH": str(plugins)}


def _scan_cmd(corpus: Path, run: Path, *extra: str, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "clearance",
        "scan",
        str(corpus),
        "--out",
        str(run),
        "--workers",
        str(workers),
        "--shard-mb",
        "0.1",
        "--json",
        *extra,
    ]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("how", "workers", "group", "files", "stop_after"),
    [
        (signal.SIGKILL, 1, False, 30, 3),
        (signal.SIGINT, 1, False, 30, 3),
        (signal.SIGTERM, 2, False, 30, 3),
        # a terminal's Ctrl-C reaches the whole process group: the forkserver and the workers
        # ignore it, the scan stops cleanly (enough shards that the pool pays and is up by then)
        (signal.SIGINT, 2, True, 80, 30),
    ],
)
def test_killed_scan_resumes_to_the_same_result_as_an_uninterrupted_one(
    tmp_path: Path, how: signal.Signals, workers: int, group: bool, files: int, stop_after: int
) -> None:
    corpus = _corpus(tmp_path / "corpus", files)
    env = _plugin_env(tmp_path)
    run = tmp_path / "run"
    process = subprocess.Popen(
        _scan_cmd(corpus, run, workers=workers),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # as a terminal's Ctrl-C finds it: SIGINT at its default, whatever this runner
        # inherited (a shell starts background jobs with SIGINT ignored, and so does the scan)
        preexec_fn=_default_sigint,
        start_new_session=group,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(list((run / "_shards").glob("*.json"))) >= stop_after:
            break
        time.sleep(0.02)
    if group:
        os.killpg(process.pid, how)
    else:
        process.send_signal(how)
    process.wait(timeout=60)
    done_before = len(list((run / "_shards").glob("*.json")))
    assert stop_after <= done_before < files, "the scan should have been stopped midway"
    if how != signal.SIGKILL:  # Ctrl-C and TERM stop cleanly: status says so, exit 130
        assert process.returncode == 130
        assert json.loads((run / "run.json").read_text())["status"] == "interrupted"
    resumed = subprocess.run(
        _scan_cmd(corpus, run, "--resume"), env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["shards_skipped"] >= done_before
    clean = subprocess.run(
        _scan_cmd(corpus, tmp_path / "clean"), env=env, capture_output=True, text=True, timeout=120
    )
    assert clean.returncode == 0, clean.stderr
    assert _rows(run) == _rows(tmp_path / "clean")
    assert not list(run.rglob("*.tmp"))
    items, findings = _rows(run)
    assert len(items) == files and sum(1 for f in findings if f[1] == "spdx-tag") == files


def _crawl_page(store: object, needle: str) -> str:
    """The record id of the crawl page whose URI contains ``needle``."""
    items = store.items(columns=["item_id", "uri"]).to_pylist()  # type: ignore[attr-defined]
    ids = [r["item_id"] for r in items if r["item_id"].startswith("crawl:") and needle in r["uri"]]
    assert len(ids) == 1, ids
    return str(ids[0]).removeprefix("crawl:")


def test_example_scan_reads_the_crawl_opt_out_signals(examples_copy: Path, tmp_path: Path) -> None:
    run_scan(
        [str(examples_copy / "clearance.yaml")],
        tmp_path / "run",
        detectors=("robots-txt", "tdmrep", "noai", "ai-txt"),
    )
    store = open_run(tmp_path / "run")
    optouts = sorted(
        (r["value"], r["rule"]) for r in store.findings(kind="optout").to_pylist()
    )  # the crawl's robots.txt disallows GPTBot site-wide on example.org (3 pages); the
    # manifest's robots capture keeps CCBot and Google-Extended out of example.com/recipes/
    assert optouts == [
        ("noai", "noai/meta"),
        ("noai", "noai/x-robots-tag"),
        ("noimageai", "noai/meta"),
        ("robots:CCBot", "robots-txt/disallow"),
        ("robots:GPTBot", "robots-txt/disallow"),
        ("robots:GPTBot", "robots-txt/disallow"),
        ("robots:GPTBot", "robots-txt/disallow"),
        ("robots:Google-Extended", "robots-txt/disallow"),
        ("tdmrep:reserved", "tdmrep/header"),
    ]
    terms = [r["value"] for r in store.findings(kind="terms").to_pylist()]
    assert terms == ["https://example.com/tdm-policy.json"]
