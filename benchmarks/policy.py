#!/usr/bin/env python3
"""Speed of the policy engine (``clearance decide``).

1. Decisions per second on synthetic runs of ``--items`` items (default 1,000,000) with a
   realistic mix of findings, generated directly as pyarrow tables (no scan): license
   findings from several detectors and confidences (clues below 0.5 included), copyright
   statements with many distinct holders, opt-outs on web sources, personal data, errors,
   duplicates. Timed on one core (pyarrow's pool pinned to one thread), medians of
   ``--repeat`` rounds:

   * ``engine, cold``: a fresh ``Engine`` (signatures grouped, each evaluated once);
   * ``engine, warm``: the same engine again (every signature already cached);
   * ``per item, no cache``: group each item's findings in Python and evaluate the rules for
     every item (the straightforward implementation, the peer), on ``--uncached-items``.

   The target is >= 500,000 items/s per core with caching.

2. ``decide`` against the scan that produced the findings: a corpus generated with
   ``scan_throughput.py``'s generator is scanned (``clearance scan --workers 1``), then
   decided (``clearance decide`` as a whole process, and ``decide_run`` in-process).

Run::

    .venv/bin/python benchmarks/policy.py                      # 1M items, 3 rounds, 20 MB scan
    .venv/bin/python benchmarks/policy.py --items 200000 --repeat 1 --scan-mb 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from clearance.policy import Engine, FindingSig, SourceInfo, decide_run, resolve_policy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scan_throughput

TARGET = 500_000

SOURCES = [  # name, kind, declared license, share of items
    ("github-code", "open-source", None, 0.30),
    ("web-crawl", "web-scraped", None, 0.25),
    ("forum", "web-scraped", None, 0.10),
    ("books", "licensed", "LicenseRef-vendor-books", 0.05),
    ("wiki", "licensed", "CC-BY-SA-4.0", 0.10),
    ("gov", "government", "CC0-1.0", 0.05),
    ("support", "customer", None, 0.05),
    ("synthetic", "synthetic", "MIT", 0.10),
]
LICENSES = [  # value, rule, confidence, weight (per license finding)
    ("MIT", "spdx-tag/valid", 1.0, 30),
    ("Apache-2.0", "spdx-tag/valid", 1.0, 15),
    ("MIT OR Apache-2.0", "spdx-tag/valid", 1.0, 6),
    ("GPL-2.0-or-later", "license-text/notice", 0.9, 5),
    ("GPL-3.0-only", "license-text/text", 1.0, 3),
    ("BSD-3-Clause", "license-text/text", 0.95, 5),
    ("CC-BY-4.0", "cc-url/declared", 0.95, 10),
    ("CC-BY-NC-4.0", "cc-url/declared", 0.95, 4),
    ("CC-BY-SA-4.0", "cc-url/mention", 0.7, 4),
    ("CC-BY-NC-ND-4.0", "license-text/reference", 0.85, 1),
    ("LicenseRef-llama3.1", "package/license", 1.0, 1),
    ("GPL-2.0-only WITH Classpath-exception-2.0", "spdx-tag/valid", 1.0, 1),
    ("LicenseRef-Proprietary", "spdx-tag/unknown-key", 0.5, 2),
    ("MIT AND (", "spdx-tag/unparseable", 0.2, 1),
    ("MIT", "license-text/reference/partial", 0.3, 6),
]
OTHER = [  # kind, value, rule, confidence, share of items, sources (None: any)
    ("optout", "robots:GPTBot", "robots-txt/disallow", 0.95, 0.30, {"web-crawl", "forum"}),
    ("optout", "robots:*", "robots-txt/disallow-wildcard", 0.8, 0.08, {"web-crawl"}),
    ("optout", "noai", "noai/meta", 0.6, 0.05, {"web-crawl", "forum"}),
    ("optout", "tdmrep:reserved", "tdmrep/header", 0.98, 0.04, {"web-crawl"}),
    ("pii", "EMAIL", "pii/email", 0.99, 0.08, None),
    ("pii", "PHONE", "pii/phone", 0.8, 0.04, None),
    ("consent", "consent-covers-ai-training", "consent/ok", 1.0, 0.7, {"support"}),
    ("consent", "consent-withdrawn", "consent/withdrawn", 1.0, 0.05, {"support"}),
    ("error", "unreadable", "unreadable", 1.0, 0.01, None),
    ("copyright", "rights", "copyright/rights-reserved", 0.9, 0.02, None),
]


def generate(n: int, seed: int) -> tuple[pa.Table, pa.Table, dict[str, SourceInfo]]:
    """Items and findings tables of a synthetic run (what a scan would have written)."""
    rng = np.random.default_rng(seed)
    names = [s[0] for s in SOURCES]
    weights = np.array([s[3] for s in SOURCES])
    src = rng.choice(len(SOURCES), size=n, p=weights / weights.sum())
    item_ids = np.array([f"{names[s]}:doc/{i}" for i, s in enumerate(src.tolist())], dtype=object)
    items = pa.table(
        {
            "item_id": pa.array(item_ids, pa.string()),
            "source": pa.array([names[s] for s in src.tolist()], pa.string()),
            "sha256": pa.array([f"{i:064x}" for i in range(n)], pa.string()),
        }
    )
    cols: dict[str, list[Any]] = {
        "item_id": [],
        "kind": [],
        "value": [],
        "rule": [],
        "confidence": [],
    }

    def add(idx: np.ndarray, kind: str, value: Any, rule: Any, conf: Any) -> None:
        k = len(idx)
        cols["item_id"].append(item_ids[idx])
        cols["kind"].append(np.full(k, kind, dtype=object))
        cols["value"].append(
            value if isinstance(value, np.ndarray) else np.full(k, value, dtype=object)
        )
        cols["rule"].append(
            rule if isinstance(rule, np.ndarray) else np.full(k, rule, dtype=object)
        )
        cols["confidence"].append(conf if isinstance(conf, np.ndarray) else np.full(k, conf))

    # license findings: 55% of code items, 15% of others; 10% of those carry two
    code = src == names.index("github-code")
    has = rng.random(n) < np.where(code, 0.55, 0.15)
    lic_items = np.flatnonzero(has)
    lic_items = np.concatenate([lic_items, lic_items[rng.random(len(lic_items)) < 0.10]])
    lw = np.array([x[3] for x in LICENSES], dtype=float)
    pick = rng.choice(len(LICENSES), size=len(lic_items), p=lw / lw.sum())
    add(
        lic_items,
        "license",
        np.array([LICENSES[p][0] for p in pick], dtype=object),
        np.array([LICENSES[p][1] for p in pick], dtype=object),
        np.array([LICENSES[p][2] for p in pick]),
    )
    # copyright statements: 35% of items, 20,000 distinct holders (read by no rule)
    cr = np.flatnonzero(rng.random(n) < 0.35)
    holders = np.array([f"Holder {h}" for h in range(20_000)], dtype=object)
    add(cr, "copyright", holders[rng.integers(0, 20_000, len(cr))], "copyright/statement", 0.95)
    # duplicates: 5% of items, value = a sha256 (unique; read by no rule)
    dup = np.flatnonzero(rng.random(n) < 0.05)
    add(
        dup, "duplicate", np.array([f"{i:064x}" for i in dup], dtype=object), "exact-duplicate", 1.0
    )
    for kind, value, rule, conf, share, where in OTHER:
        allowed = (
            np.ones(n, bool) if where is None else np.isin(src, [names.index(w) for w in where])
        )
        add(np.flatnonzero(allowed & (rng.random(n) < share)), kind, value, rule, conf)
    findings = pa.table(
        {
            "item_id": pa.array(np.concatenate(cols["item_id"]), pa.string()),
            "kind": pa.array(np.concatenate(cols["kind"]), pa.string()),
            "value": pa.array(np.concatenate(cols["value"]), pa.string()),
            "rule": pa.array(np.concatenate(cols["rule"]), pa.string()),
            "confidence": pa.array(np.concatenate(cols["confidence"]), pa.float64()),
        }
    )
    order = rng.permutation(findings.num_rows)  # scans write findings shard by shard
    findings = findings.take(pa.array(order))
    sources = {
        name: SourceInfo(name, kind=kind, license=lic, consent=None)
        for name, kind, lic, _ in SOURCES
    }
    return items, findings, sources


def per_item_uncached(
    engine: Engine, items: pa.Table, findings: pa.Table, sources: dict[str, SourceInfo]
) -> list[str]:
    """The peer: group findings per item in Python, evaluate every item."""
    by_item: dict[str, list[FindingSig]] = {}
    for item_id, kind, value, rule, conf in zip(
        *(
            findings.column(c).to_pylist()
            for c in ("item_id", "kind", "value", "rule", "confidence")
        ),
        strict=True,
    ):
        by_item.setdefault(item_id, []).append(FindingSig(kind, value, rule, engine.band(conf)))
    out = []
    for item_id, source in zip(
        items.column("item_id").to_pylist(), items.column("source").to_pylist(), strict=True
    ):
        out.append(engine.verdict(sources[source], by_item.get(item_id, [])).status.value)
    return out


def timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def engine_rounds(n: int, uncached_n: int, repeat: int, seed: int) -> dict[str, Any]:
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    policy = resolve_policy("commercial-training", overlays=["eu-gpai"])
    started = time.perf_counter()
    items, findings, sources = generate(n, seed)
    gen_s = time.perf_counter() - started
    sub_items = items.slice(0, uncached_n)
    sub_ids = pa.array(sub_items.column("item_id"))
    import pyarrow.compute as pc

    sub_findings = findings.filter(pc.is_in(findings.column("item_id"), value_set=sub_ids))
    Engine(policy).decide(items.slice(0, 1000), findings.slice(0, 1000), sources)  # imports, KB
    runs: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": [], "uncached": []}
    stats: dict[str, Any] = {}
    for _ in range(repeat):
        engine = Engine(policy)
        wall, cpu, table = timed(lambda e=engine: e.decide(items, findings, sources))
        runs["cold"].append((wall, cpu))
        stats = {"signatures": engine.stats.signatures, "evaluated": engine.stats.evaluated}
        wall, cpu, again = timed(lambda e=engine: e.decide(items, findings, sources))
        runs["warm"].append((wall, cpu))
        assert again.column("status").equals(table.column("status"))
        slow = Engine(policy, cache=False)
        wall, cpu, statuses = timed(
            lambda s=slow: per_item_uncached(s, sub_items, sub_findings, sources)
        )
        runs["uncached"].append((wall, cpu))
        fast = table.slice(0, uncached_n).column("status").to_pylist()
        assert statuses == fast, "the cached engine and the per-item peer disagree"
    counts = {
        s: table.column("status").to_pylist().count(s) for s in ("cleared", "review", "blocked")
    }

    def row(name: str, count: int) -> dict[str, Any]:
        walls = [w for w, _ in runs[name]]
        cpus = [c for _, c in runs[name]]
        return {
            "variant": name,
            "items": count,
            "median_wall_s": round(statistics.median(walls), 3),
            "runs_wall_s": [round(w, 3) for w in walls],
            "median_cpu_s": round(statistics.median(cpus), 3),
            "items_per_s": round(count / statistics.median(walls)),
            "items_per_cpu_s": round(count / statistics.median(cpus)),
        }

    return {
        "items": n,
        "findings": findings.num_rows,
        "generate_s": round(gen_s, 2),
        "counts": counts,
        **stats,
        "rows": [row("cold", n), row("warm", n), row("uncached", uncached_n)],
    }


def scan_vs_decide(size_mb: float, repeat: int, scratch: Path) -> dict[str, Any]:
    corpus, info = scan_throughput.ensure_corpus(None, size_mb, 0, scratch)
    run = scratch / "runs" / "scan"
    scans, decides_cli, decides_lib = [], [], []
    exe = scan_throughput.clearance_bin()
    policy = resolve_policy("commercial-training", overlays=["eu-gpai"])
    for _ in range(repeat):
        scans.append(scan_throughput.run_pipeline(corpus, run, 1, None).seconds)
        started = time.perf_counter()
        subprocess.run(
            [exe, "decide", str(run), "--purpose", "commercial-training", "--overlay", "eu-gpai"],
            check=True,
            capture_output=True,
        )
        decides_cli.append(time.perf_counter() - started)
        started = time.perf_counter()
        summary = decide_run(run, policy)
        decides_lib.append(time.perf_counter() - started)
    items = summary.items
    scan_s, cli_s, lib_s = (statistics.median(x) for x in (scans, decides_cli, decides_lib))
    return {
        "corpus_mb": round(info["bytes"] / 2**20, 1),
        "items": items,
        "scan_s": round(scan_s, 2),
        "decide_cli_s": round(cli_s, 2),
        "decide_inprocess_s": round(lib_s, 3),
        "decide_cli_vs_scan_pct": round(100 * cli_s / scan_s, 1),
        "decide_inprocess_vs_scan_pct": round(100 * lib_s / scan_s, 1),
        "runs": {"scan": scans, "decide_cli": decides_cli, "decide_inprocess": decides_lib},
        "counts": summary.counts,
        "signatures": summary.signatures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--uncached-items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scan-mb", type=float, default=20.0, help="0 skips the scan comparison")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"machine": scan_throughput.machine()}
    result["engine"] = engine_rounds(
        args.items, min(args.uncached_items, args.items), args.repeat, args.seed
    )
    if args.scan_mb > 0:
        scratch = Path(tempfile.mkdtemp(prefix="clearance-policy-bench-"))
        try:
            result["scan_vs_decide"] = scan_vs_decide(args.scan_mb, args.repeat, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    eng = result["engine"]
    print(
        f"{eng['items']:,} items, {eng['findings']:,} findings, {eng['signatures']:,} signatures "
        f"(evaluated {eng['evaluated']:,}); decisions {eng['counts']}"
    )
    print("| variant | items | median wall s | runs | items/s | items/CPU-s | target |")
    print("|---|---|---|---|---|---|---|")
    for r in eng["rows"]:
        ok = (
            "-"
            if r["variant"] == "uncached"
            else ("PASS" if r["items_per_cpu_s"] >= TARGET else "FAIL")
        )
        print(
            f"| {r['variant']} | {r['items']:,} | {r['median_wall_s']} | "
            f"{' '.join(str(x) for x in r['runs_wall_s'])} | {r['items_per_s']:,} | "
            f"{r['items_per_cpu_s']:,} | {ok} |"
        )
    cold = eng["rows"][0]["items_per_cpu_s"]
    print(f"cached engine vs per-item evaluation: {cold / eng['rows'][2]['items_per_cpu_s']:.1f}x")
    if "scan_vs_decide" in result:
        s = result["scan_vs_decide"]
        print(
            f"scan of {s['corpus_mb']} MB ({s['items']:,} items, --workers 1): {s['scan_s']} s; "
            f"clearance decide (whole process): {s['decide_cli_s']} s = "
            f"{s['decide_cli_vs_scan_pct']}% "
            f"of the scan; decide_run in-process: {s['decide_inprocess_s']} s = "
            f"{s['decide_inprocess_vs_scan_pct']}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
