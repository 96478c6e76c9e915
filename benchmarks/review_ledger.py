#!/usr/bin/env python3
"""Cost of one counsel decision in the review app against a ledger of ``--entries`` entries.

Before (session 4): each decision walked the whole hash chain (``Ledger.verify``) and then
appended. Now (``clearance.review.chain.CheckedLedger``): the chain is walked once, then each
decision checks the file's stamp (stat + SQLite header) and appends with ``expect_head``.
Both variants run in this process, alternating decision by decision on their own copy of the
same ledger, and each decision's wall and process CPU time are recorded (the machine is
shared: the pairing puts both under the same load). Both include the append's commit.

    .venv/bin/python benchmarks/review_ledger.py [--entries 20000] [--decisions 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from clearance.policy.ledger import Ledger
from clearance.review.chain import CheckedLedger

SHA = "cd" * 32


def make_ledger(path: Path, entries: int) -> None:
    book, batch = Ledger(path), 1000
    for start in range(0, entries, batch):
        rows = [(f"{n:064x}", f"src:item-{n}") for n in range(start, min(entries, start + batch))]
        book.append_many(rows, status="cleared", by="counsel", reason="generated for the bench")


def timed(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--decisions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.sqlite"
        make_ledger(base, args.entries)
        old_path, new_path = Path(tmp) / "old.sqlite", Path(tmp) / "new.sqlite"
        shutil.copyfile(base, old_path)
        shutil.copyfile(base, new_path)
        old, chain = Ledger(old_path), CheckedLedger(Ledger(new_path))
        load_wall, load_cpu = timed(chain.verification)  # the app's one walk, at load

        def before(n: int) -> None:  # the session-4 desk: verify, then append
            assert old.verify().ok
            old.append(sha256=SHA, item_id=f"x{n}", status="blocked", by="rex", reason="r")

        def after(n: int) -> None:
            assert chain.append_many([(SHA, f"x{n}")], status="blocked", by="rex", reason="r")

        times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for n in range(args.decisions):
            order = [("before", before), ("after", after)]
            for name, fn in order if n % 2 == 0 else order[::-1]:
                times[name].append(timed(partial(fn, n)))
        assert Ledger(new_path).verify().ok and old.verify().ok
        assert Ledger(new_path).verify().entries == old.verify().entries
    print(f"ledger of {args.entries} entries, {args.decisions} decisions each, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"app load (one walk): wall {load_wall * 1e3:.0f} ms, CPU {load_cpu * 1e3:.0f} ms")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in times.items()}  # fmt: skip
    for name, (wall, cpu) in med.items():
        print(f"{name:>6} per decision, median: wall {wall * 1e3:.1f} ms, CPU {cpu * 1e3:.1f} ms")
    print(f"ratio before/after: wall {med['before'][0] / med['after'][0]:.0f}x, "
          f"CPU {med['before'][1] / med['after'][1]:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
