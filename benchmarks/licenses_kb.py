#!/usr/bin/env python3
"""Speed of the license knowledge base: ``evaluate()`` on a policy-sized stream of expressions.

A policy engine calls ``clearance.licenses.evaluate`` once per item, up to a million times,
with few distinct expressions. Timed, each the median of ``--repeat`` rounds, on the same
seeded stream (``--items`` expressions drawn from ``--distinct`` distinct ones: curated keys,
derived ScanCode keys, Hugging Face aliases, lower-case spellings, AND/OR/WITH combinations and
unknown keys):

* ``evaluate (warm)``: the whole stream through ``evaluate`` with its caches warm.
* ``evaluate (cold)``: every distinct expression once, caches cleared first (the first-seen
  cost: parse, normalise, look up, combine).
* peer ``license-expression parse``: ``Licensing.parse`` (the parser we build on, SPDX symbol
  table) on the distinct expressions, i.e. parsing alone, no terms.
* ``first call``: a fresh interpreter's first ``evaluate`` (loads the YAML and the index).

Run::

    .venv/bin/python benchmarks/licenses_kb.py                 # 1,000,000 items, 3 rounds
    .venv/bin/python benchmarks/licenses_kb.py --items 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

from clearance.licenses import Confidence, all_keys, evaluate
from clearance.licenses.combine import clear_caches as clear_evaluate
from clearance.licenses.expressions import _licensing
from clearance.licenses.kb import lookup


def expressions(distinct: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    curated = all_keys(Confidence.CURATED)
    derived = all_keys(Confidence.DERIVED)
    singles = curated + rng.sample(derived, 200) + ["llama3.1", "cc-by-nc-4.0", "apache-2.0"]
    out: set[str] = set()
    while len(out) < distinct:
        roll = rng.random()
        a, b = rng.choice(singles), rng.choice(singles)
        if roll < 0.5:
            out.add(a)
        elif roll < 0.7:
            out.add(f"{a} OR {b}")
        elif roll < 0.85:
            out.add(f"{a} AND {b}")
        elif roll < 0.9:
            out.add(f"GPL-2.0-or-later WITH Classpath-exception-2.0 AND {a}")
        elif roll < 0.95:
            out.add(a.lower())
        else:
            out.add(f"LicenseRef-unknown-{rng.randrange(1000)} OR {a}")
    return sorted(out)


def clear_caches() -> None:
    clear_evaluate()
    lookup.cache_clear()


def timed(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def run_stream(stream: list[str]) -> None:
    for expr in stream:
        evaluate(expr)


def run_cold(distinct: list[str]) -> None:
    clear_caches()
    for expr in distinct:
        evaluate(expr)


def run_peer(distinct: list[str]) -> None:
    licensing = _licensing()
    for expr in distinct:
        licensing.parse(expr, validate=False, strict=False, simple=False)


def first_call() -> float:
    code = (
        "import time; t=time.perf_counter(); from clearance.licenses import evaluate; "
        "evaluate('MIT'); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    distinct = expressions(args.distinct, args.seed)
    rng = random.Random(args.seed + 1)
    weights = [1 / (i + 1) for i in range(len(distinct))]  # a few expressions dominate
    stream = rng.choices(distinct, weights=weights, k=args.items)
    evaluate("MIT")  # load the tables once

    rounds: dict[str, list[float]] = {"warm": [], "cold": [], "peer": [], "first": []}
    for _ in range(args.repeat):
        rounds["cold"].append(timed(run_cold, distinct))
        rounds["warm"].append(timed(run_stream, stream))
        rounds["peer"].append(timed(run_peer, distinct))
        rounds["first"].append(first_call())
    med = {k: statistics.median(v) for k, v in rounds.items()}
    n, d = args.items, len(distinct)
    print(f"stream: {n:,} items over {d:,} distinct expressions (seed {args.seed})")
    print("| variant | median s | runs s | per item |")
    print("|---|---|---|---|")
    for name, key, count in (
        ("evaluate (warm), whole stream", "warm", n),
        ("evaluate (cold), each distinct once", "cold", d),
        ("peer: license-expression parse, each distinct once", "peer", d),
        ("first evaluate in a fresh process (load)", "first", 1),
    ):
        runs = " ".join(f"{x:.3f}" for x in rounds[key])
        print(f"| {name} | {med[key]:.3f} | {runs} | {med[key] / count * 1e6:.1f} µs |")
    print(f"cold evaluate / parse-only peer: {med['cold'] / med['peer']:.2f}x")
    print(f"warm items/s: {n / med['warm']:,.0f}")


if __name__ == "__main__":
    main()
