#!/usr/bin/env python3
"""Queue page load of the review app (`clearance review`) on a run of ``--items`` items.

1. Generates a decided run directly as Parquet (pyarrow, vectorised; no scan): ``--items``
   items (default 1,000,000) in 16 shard parts over six sources and several media types;
   about 2.4 findings per item (licenses of many SPDX ids, copyright holders from a pool of
   5,000, opt-outs, personal data, faces with boxes, errors, duplicates); decisions with the
   dictionary-encoded reasons/rules the policy writes; 2% of items share content (sha256).
2. Builds the app in process (``create_app``: the DuckDB index is built once, timed), signs
   in through the login form with FastAPI's TestClient, and times ``GET /queue`` for several
   filter combinations and pages deep in the list (keyset ``after=``), ``--repeat`` times each:

   * ``cold``: the facet-count cache emptied before every request (a filter nobody asked for);
   * ``warm``: cache kept (the same filter again, e.g. paging on); each request still runs the
     page query, the count of earlier rows and the template.

   Also times the item page and a single-item decision (ledger append + queue update).

Target: queue p95 < 300 ms. There is no named peer for this one (no other tool serves this
queue); the figures stand alone. Timings are wall-clock, TestClient in-process (no network).

Run::

    .venv/bin/python benchmarks/review.py                       # 1M items, 15 rounds
    .venv/bin/python benchmarks/review.py --items 100000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.runs.store import FINDING_SCHEMA, ITEM_SCHEMA

SOURCES = ["web", "books", "code", "forums", "photos", "licensed"]
LICENSES = ["", "MIT", "Apache-2.0", "CC-BY-4.0", "CC-BY-NC-4.0", "GPL-3.0-only", "CC0-1.0",
            "BSD-3-Clause", "CC-BY-SA-4.0", "proprietary"]  # fmt: skip
RULE_SETS = ["no-license", "attribution", "non-commercial,attribution", "optout",
             "biometric-data,attribution", "copyleft", "scan-error", "pii-found", ""]  # fmt: skip
STATUS_OF_RULES = ["review", "cleared", "blocked", "blocked", "review", "review", "review",
                   "review", "cleared"]  # fmt: skip
KINDS = ["license", "copyright", "optout", "pii", "face", "error", "duplicate"]


def generate(run: Path, n: int, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    shards = 16
    source_ix = rng.integers(0, len(SOURCES), n)
    shard_ix = np.arange(n) * shards // n
    ids = [f"{SOURCES[s]}:part-{i // 1000:04d}/doc-{i:07d}.txt" for i, s in enumerate(source_ix)]
    media = np.where(source_ix == 4, "image/jpeg", np.where(source_ix == 2, "text/x-python",
                                                            "text/plain"))  # fmt: skip
    sha = rng.integers(0, 2**63, n).astype(np.uint64)
    dup = rng.random(n) < 0.02
    sha[dup] = sha[rng.integers(0, n, dup.sum())]
    sha_text = [f"{v:064x}" for v in sha]
    shard_names = [f"{k:016x}" for k in range(shards)]
    for folder in ("items.parquet", "findings.parquet", "decisions.parquet", "_shards"):
        (run / folder).mkdir(parents=True, exist_ok=True)
    items = pa.table(
        {
            "item_id": ids,
            "source": [SOURCES[s] for s in source_ix],
            "uri": [f"s3://corpus/{i}" for i in ids],
            "media_type": media.tolist(),
            "sha256": sha_text,
            "size": rng.integers(200, 200_000, n),
            "meta": pa.repeat(pa.scalar('{"lang": "en"}'), n),
            "shard": [shard_names[k] for k in shard_ix],
        },
        schema=ITEM_SCHEMA,
    )
    # findings: 0-5 per item, kinds weighted
    per_item = rng.choice([0, 1, 2, 3, 4, 5], n, p=[0.1, 0.2, 0.25, 0.2, 0.15, 0.1])
    owner = np.repeat(np.arange(n), per_item)
    m = len(owner)
    kind_ix = rng.choice(len(KINDS), m, p=[0.35, 0.25, 0.1, 0.15, 0.05, 0.05, 0.05])
    holders = [f"Holder {k} Ltd" for k in range(5000)]
    values = []
    for k, r in zip(kind_ix.tolist(), rng.integers(0, 5000, m).tolist(), strict=True):
        kind = KINDS[k]
        values.append(
            LICENSES[1 + r % 9] if kind == "license" else holders[r] if kind == "copyright"
            else ["email", "phone", "iban", "name"][r % 4] if kind == "pii"
            else "face" if kind == "face" else ["robots", "tdmrep", "noai"][r % 3]
            if kind == "optout" else "oversize" if kind == "error" else "sha256"
        )  # fmt: skip
    starts = rng.integers(0, 5000, m)
    face = kind_ix == KINDS.index("face")
    bbox = [[10.0, 20.0, 64.0, 64.0] if f else None for f in face.tolist()]
    findings = pa.table(
        {
            "item_id": pa.array(ids).take(pa.array(owner)),
            "detector": [KINDS[k] for k in kind_ix],
            "detector_version": pa.repeat(pa.scalar("1"), m),
            "kind": [KINDS[k] for k in kind_ix],
            "value": values,
            "confidence": rng.uniform(0.5, 1.0, m),
            "start": np.where(face, None, starts).tolist(),
            "end": np.where(face, None, starts + 12).tolist(),
            "line": pa.nulls(m, pa.int64()),
            "bbox": pa.array(bbox, pa.list_(pa.float64())),
            "evidence": pa.repeat(pa.scalar("matched text (masked where personal)"), m),
            "rule": [f"{KINDS[k]}/rule" for k in kind_ix],
        },
        schema=FINDING_SCHEMA,
    )
    owner_shard = shard_ix[owner]
    for k, name in enumerate(shard_names):
        rows = np.flatnonzero(shard_ix == k)
        pq.write_table(items.slice(int(rows[0]), len(rows)),
                       run / "items.parquet" / f"part-{name}.parquet")  # fmt: skip
        frows = np.flatnonzero(owner_shard == k)
        pq.write_table(findings.take(pa.array(frows)),
                       run / "findings.parquet" / f"part-{name}.parquet")  # fmt: skip
    rule_ix = rng.choice(len(RULE_SETS), n)
    reasons = [
        json.dumps([{"rule_id": r, "outcome": STATUS_OF_RULES[i], "rationale": f"why {r}",
                     "legal_reference": "17 U.S.C. § 106", "evidence": []}
                    for r in RULE_SETS[i].split(",") if r])
        for i in range(len(RULE_SETS))
    ]  # fmt: skip
    index = pa.array(rule_ix.astype(np.int32))

    def encoded(texts: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(index, pa.array(texts))

    status = pa.array(STATUS_OF_RULES).take(index)
    licenses = pa.array([LICENSES[v] for v in rng.integers(0, len(LICENSES), n)])
    null = pa.nulls(n, pa.string())
    decisions = pa.table(
        {
            "item_id": items.column("item_id"), "source": items.column("source"),
            "sha256": items.column("sha256"), "status": status, "policy_status": status,
            "purpose": pa.repeat(pa.scalar("commercial-training"), n),
            "policy": pa.repeat(pa.scalar("commercial-training"), n),
            "policy_version": pa.repeat(pa.scalar("1"), n), "license": licenses,
            "rules": encoded(RULE_SETS), "reasons": encoded(reasons),
            "obligations": encoded(["[]"] * len(RULE_SETS)),
            "reliance": encoded(["[]"] * len(RULE_SETS)),
            "override_status": null, "override_by": null, "override_at": null,
            "override_why": null, "override_entry": pa.nulls(n, pa.int64()),
        }
    )  # fmt: skip
    pq.write_table(decisions, run / "decisions.parquet" / "part-0.parquet")
    info = {"decisions": {"purpose": "commercial-training", "policy": "commercial-training"}}
    (run / "run.json").write_text(json.dumps(info))
    return {"items": n, "findings": m}


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, help="keep the generated run here")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from clearance.review import ReviewConfig, UserStore, create_app

    tmp = Path(args.out or tempfile.mkdtemp(prefix="review-bench-"))
    run = tmp / "runs" / "bench"
    t0 = time.perf_counter()
    sizes = generate(run, args.items)
    print(f"generated {sizes['items']:,} items, {sizes['findings']:,} findings in "
          f"{time.perf_counter() - t0:.1f}s")  # fmt: skip
    users = run.parent / "clearance-users.sqlite"
    UserStore(users).add("bench", "admin", "benchmark-password")
    t0 = time.perf_counter()
    app = create_app(ReviewConfig(run=run, ledger=run.parent / "ledger.sqlite", users=users))
    build = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"app start (DuckDB index built): {build:.2f}s, peak RSS {rss:,.0f} MB")
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    reply = client.post("/login", data={"name": "bench", "password": "benchmark-password",
                                        "csrf": csrf})  # fmt: skip
    assert reply.status_code == 303, reply.text
    index = app.state.review.index
    n = args.items
    cases = {
        "no filter, page 1": {},
        "no filter, deep (after n/2)": {"after": n // 2},
        "no filter, last page": {"after": n - 30},
        "status=review": {"status": "review"},
        "status=blocked, deep": {"status": "blocked", "after": n * 3 // 4},
        "source=web & license=MIT": {"source": "web", "license": "MIT"},
        "rule=non-commercial": {"rule": "non-commercial"},
        "kind=face & status=review": {"kind": "face", "status": "review"},
        "signal=copyright:Holder 42 Ltd": {"signal": "copyright:Holder 42 Ltd"},
        "search=web:part-09 (id prefix)": {"search": "web:part-09"},
        "4 filters": {
            "status": "review",
            "source": "forums",
            "kind": "pii",
            "signal": "pii:email",
        },
    }
    rows = []
    for label, params in cases.items():
        cold, warm = [], []
        for i in range(args.repeat):
            for bucket, clear in ((cold, True), (warm, False)):
                if clear:
                    index._facets.clear()
                query = dict(params)
                if "after" in query:
                    query["after"] = int(query["after"]) + i
                t = time.perf_counter()
                reply = client.get("/queue", params=query)
                bucket.append((time.perf_counter() - t) * 1000)
                assert reply.status_code == 200
        shown = re.search(r'<span id="total">([\d,]+)</span>', reply.text)
        rows.append((label, shown.group(1) if shown else "?", cold, warm))
    print(f"\nGET /queue on {n:,} items, {args.repeat} requests each (ms):")
    print(
        "| filter | matching | cold p50 | cold p95 | warm p50 | warm p95 |\n"
        "|---|---|---|---|---|---|"
    )
    worst = 0.0
    for label, total, cold, warm in rows:
        worst = max(worst, percentile(cold, 95))
        print(f"| {label} | {total} | {statistics.median(cold):.0f} | {percentile(cold, 95):.0f} "
              f"| {statistics.median(warm):.0f} | {percentile(warm, 95):.0f} |")  # fmt: skip
    everything = [v for _, _, c, w in rows for v in c + w]
    print(
        f"\nall queue requests: p50 {statistics.median(everything):.0f} ms, "
        f"p95 {percentile(everything, 95):.0f} ms; worst cold p95 {worst:.0f} ms "
        f"(target < 300 ms: {'PASS' if percentile(everything, 95) < 300 else 'FAIL'})"
    )
    item_times = []
    for i in range(args.repeat):
        item_id = index.page(index_filters(), after=(i * 7919) % (n - 1), size=1).rows[0].item_id
        t = time.perf_counter()
        assert client.get("/item", params={"id": item_id}).status_code == 200
        item_times.append((time.perf_counter() - t) * 1000)
    print(
        f"GET /item: p50 {statistics.median(item_times):.0f} ms, "
        f"p95 {percentile(item_times, 95):.0f} ms"
    )
    page = client.get("/queue").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    decide_times = []
    for i in range(min(args.repeat, 10)):
        item_id = index.page(index_filters(), after=i * 1000, size=1).rows[0].item_id
        t = time.perf_counter()
        reply = client.post("/item/decide", data={"id": item_id, "action": "approve",
                                                  "reason": "bench", "csrf": token})  # fmt: skip
        decide_times.append((time.perf_counter() - t) * 1000)
        assert reply.status_code == 303, reply.text
    print(
        f"POST /item/decide: p50 {statistics.median(decide_times):.0f} ms, "
        f"p95 {percentile(decide_times, 95):.0f} ms"
    )
    index.close()  # what the app's shutdown does: a DuckDB query cut off at exit aborts
    return 0


def index_filters() -> Any:
    from clearance.review import Filters

    return Filters()


if __name__ == "__main__":
    sys.exit(main())
