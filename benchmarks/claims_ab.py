"""The claims check against an earlier version of itself, interleaved in one process.

    .venv/bin/python benchmarks/claims_ab.py BASELINE_SRC [--runs 600] [--outputs 50]

BASELINE_SRC: a ``src`` folder of another checkout (e.g. ``git archive <rev> src | tar -x
-C /tmp/base``, then ``/tmp/base/src``). Its ``clearance/guard/claims`` package is copied
under another name and imported beside ours (the rest of ``clearance`` is ours: the
comparison is of the claims code alone). Each run checks one output with both versions,
back to back, in alternating order, and records each one's thread CPU time: on a shared
machine the load changes from second to second, and this pairing puts both versions under
the same load. Outputs: the same ~1,000-token dense, mixed and clean outputs as
``claims.py``. Two set-ups: rules alone, and with PERSON spans from pii-text (computed once
per output beforehand, as the guard's own detectors give them). The claims of both
versions are compared (JSON) on every output first: the script stops if they differ.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claims import _kinds, _q, load

from clearance.detectors.base import instantiate
from clearance.guard.claims import ClaimsChecker
from clearance.model.finding import Finding
from clearance.model.item import Item

_ALIAS = "claims_baseline"


def baseline(src: Path, where: Path) -> Any:
    """The baseline's ``clearance.guard.claims`` package, imported as ``claims_baseline``."""
    target = where / _ALIAS
    shutil.copytree(src / "clearance" / "guard" / "claims", target)
    for path in target.rglob("*.py"):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\bclearance\.guard\.claims\b", _ALIAS, text), "utf-8")
    sys.path.insert(0, str(where))
    return importlib.import_module(_ALIAS)


def _findings(text: str) -> list[Finding]:
    item_level, _ = instantiate(["pii-text"])
    item = Item.from_text(
        source="output", locator="o", uri="output:o", text=text, data=text.encode("utf-8")
    )
    return [f for detector in item_level for f in detector.detect(item)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline_src", type=Path)
    parser.add_argument("--runs", type=int, default=600, help="paired runs per kind")
    parser.add_argument("--outputs", type=int, default=50, help="different outputs per kind")
    args = parser.parse_args()
    kinds = _kinds(load("all"), args.outputs)
    with tempfile.TemporaryDirectory() as tmp:
        old = baseline(args.baseline_src, Path(tmp))
        setups = {
            "rules alone": (ClaimsChecker(), old.ClaimsChecker(), False),
            "with pii-text PERSON spans": (
                ClaimsChecker.create(),
                old.ClaimsChecker.create(),
                True,
            ),
        }
        print(
            f"{args.runs} paired runs per kind, {args.outputs} outputs per kind; thread CPU ms "
            "of ClaimsChecker.check; ratio = this version / baseline"
        )
        print("setup | output kind | baseline p50 / p99 | this p50 / p99 | ratio p50 / p99")
        for setup, (new, base, persons) in setups.items():
            for kind, texts in kinds.items():
                found = [_findings(t) if persons else None for t in texts]
                ran = ["pii-text"] if persons else []
                for text, f in zip(texts, found, strict=True):  # warm-up and same output
                    a = [c.to_json() for c in new.check(text, findings=f, ran=ran)]
                    b = [c.to_json() for c in base.check(text, findings=f, ran=ran)]
                    if a != b:
                        raise SystemExit(f"outputs differ on a {kind} output ({setup})")
                times: dict[str, list[float]] = {"new": [], "base": []}
                for i in range(args.runs):
                    j = i % len(texts)
                    order = (("new", new), ("base", base))
                    for name, checker in order if i % 2 else order[::-1]:
                        c0 = time.thread_time()
                        checker.check(texts[j], findings=found[j], ran=ran)
                        times[name].append((time.thread_time() - c0) * 1000)
                b50, b99 = _q(times["base"], 50), _q(times["base"], 99)
                n50, n99 = _q(times["new"], 50), _q(times["new"], 99)
                print(
                    f"{setup} | {kind.split()[0]} | {b50:.2f} / {b99:.2f} | {n50:.2f} / {n99:.2f}"
                    f" | {n50 / b50:.2f} / {n99 / b99:.2f}"
                )
        tokens = statistics.median(len(t.split()) for t in kinds[next(iter(kinds))])
        print(f"(median output length: {tokens:.0f} tokens)")


if __name__ == "__main__":
    main()
