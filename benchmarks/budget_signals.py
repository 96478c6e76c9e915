#!/usr/bin/env python3
"""Does the budget clock's periodic SIGALRM break readers or C extensions? (issue: review of
``executors/budget.py``, 2026-11-29 session 5.)

Inside ``budget_clock`` a timer ticks for a whole shard, also while readers and C extensions
work; Python installs its handlers without SA_RESTART, so a system call that another thread
is in when the signal lands fails with EINTR unless that code retries. This runs what the
readers and detectors do (pyarrow Parquet read with threads and write, pyarrow CSV and gzip
JSON Lines readers, gzip, zlib, file reads in a thread pool, sleep) over and over under the
clock at its fastest tick (1 ms, 100x the default budgets' 0.1 s), and compares each
round's digest with the same work done without the clock.

    .venv/bin/python benchmarks/budget_signals.py [SECONDS]   # default 60
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.json as pjson
import pyarrow.parquet as pq

from clearance.executors.budget import budget_clock, run_with_budget

tmp = tempfile.mkdtemp()
n = 300_000
table = pa.table({"a": pa.array(range(n)), "s": pa.array([f"row {i} " * 3 for i in range(n)])})
pq.write_table(table, f"{tmp}/t.parquet", row_group_size=20_000)
with open(f"{tmp}/t.csv", "wb") as f:
    pcsv.write_csv(table, f)
with gzip.open(f"{tmp}/t.jsonl.gz", "wt") as f:
    for i in range(100_000):
        f.write(f'{{"id": {i}, "text": "record {i} lorem ipsum"}}\n')
blob = os.urandom(20_000_000)
with open(f"{tmp}/blob", "wb") as out:
    out.write(blob)


def _read_digest(_: int) -> bytes:
    with open(f"{tmp}/blob", "rb") as f:
        return hashlib.sha256(f.read()).digest()


def work() -> str:
    h = hashlib.sha256()
    t = pq.read_table(f"{tmp}/t.parquet", use_threads=True)
    h.update(str(t.num_rows).encode())
    h.update(str(pc.sum(t["a"])).encode())
    pq.write_table(t, f"{tmp}/w.parquet")
    h.update(str(pq.read_table(f"{tmp}/w.parquet").num_rows).encode())
    c = pcsv.read_csv(f"{tmp}/t.csv")
    h.update(str(c.num_rows).encode())
    j = pjson.read_json(f"{tmp}/t.jsonl.gz")
    h.update(str(j.num_rows).encode())
    with gzip.open(f"{tmp}/t.jsonl.gz", "rb") as f:
        h.update(hashlib.sha256(f.read()).digest())
    with open(f"{tmp}/blob", "rb") as f:
        h.update(hashlib.sha256(f.read()).digest())
    h.update(zlib.decompress(zlib.compress(blob[:5_000_000]))[:10])
    with ThreadPoolExecutor(4) as pool:  # Python threads doing file reads
        for digest in pool.map(_read_digest, range(4)):
            h.update(digest)
    time.sleep(0.01)
    return h.hexdigest()


expected = work()
errors: list[str] = []
rounds = 0
deadline = time.time() + float(sys.argv[1] if len(sys.argv) > 1 else 60)
cpu = time.process_time()
with budget_clock(0.01):  # tick = 1 ms, the fastest
    while time.time() < deadline:
        rounds += 1
        try:
            got = run_with_budget(1e9, work)  # a deadline never reached: ticks do nothing
            if got != expected:
                errors.append("different result")
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
print(
    f"rounds {rounds}, errors {len(errors)}: {errors[:5]}; process CPU "
    f"{time.process_time() - cpu:.0f} s, load average {os.getloadavg()[0]:.2f}"
)
