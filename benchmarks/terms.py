"""Clause review accuracy: `clearance terms` rules vs plain keyword search, same labelled set.

    .venv/bin/python benchmarks/terms.py [--markdown] [--errors] [--public-only]

Per clause category: precision and recall of "present" (a category is present in a text when
the labels list it), over the labelled texts in tests/data/terms/labels (public texts from
the installed ScanCode LicenseDB plus the agreements written for the tests). Also: polarity
agreement on true positives, and the median review time per text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from terms_eval import (
    Score,
    load_labels,
    predict_keywords,
    predict_rules,
    quote_problems,
    score,
)

TARGET = 0.9


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every FP/FN")
    parser.add_argument("--public-only", action="store_true")
    parser.add_argument(
        "--split",
        choices=("all", "dev", "heldout"),
        default="all",
        help="dev: texts the rules were tuned on; heldout: labelled afterwards, never tuned on",
    )
    args = parser.parse_args()
    labels = [
        lab
        for lab in load_labels()
        if (lab.public or not args.public_only)
        and (args.split == "all" or lab.heldout == (args.split == "heldout"))
    ]
    problems = [p for lab in labels for p in quote_problems(lab)]
    if problems:
        print("label errors:\n" + "\n".join(problems))
        return 1
    timings = []
    for lab in labels:
        start = time.perf_counter()
        predict_rules(lab)
        timings.append(time.perf_counter() - start)
    ours, our_errors = score(labels, predict_rules)
    base, _ = score(labels, predict_keywords)
    print(
        f"{len(labels)} texts ({sum(lab.public for lab in labels)} public, "
        f"{sum(lab.heldout for lab in labels)} held out), "
        f"{sum(len(lab.present) for lab in labels)} labelled present categories; "
        f"median review {statistics.median(timings) * 1000:.0f} ms/text"
    )
    sep = "|" if args.markdown else " "
    head = ["category", "support", "P", "R", "polarity", "kw P", "kw R", "target"]
    print(sep.join(head))
    if args.markdown:
        print("|".join("---" for _ in head))
    total, total_kw = Score(), Score()
    for cat, s in ours.items():
        k = base[cat]
        for agg, src in ((total, s), (total_kw, k)):
            agg.tp += src.tp
            agg.fp += src.fp
            agg.fn += src.fn
            agg.polarity_ok += src.polarity_ok
        ok = all(v is None or v >= TARGET for v in (s.precision, s.recall))
        pol = f"{s.polarity_ok}/{s.tp}" if s.tp else "-"
        row = [cat, str(s.tp + s.fn), fmt(s.precision), fmt(s.recall), pol]
        row += [fmt(k.precision), fmt(k.recall), "ok" if ok else "BELOW"]
        print(sep.join(row))
    pol = f"{total.polarity_ok}/{total.tp}"
    print(
        sep.join(
            [
                "all (micro)",
                str(total.tp + total.fn),
                fmt(total.precision),
                fmt(total.recall),
                pol,
                fmt(total_kw.precision),
                fmt(total_kw.recall),
                "",
            ]
        )
    )
    if args.errors:
        print("\n".join(our_errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
