"""Clause review accuracy: `clearance terms` rules vs plain keyword search, same labelled set.

    .venv/bin/python benchmarks/terms.py [--markdown] [--errors] [--public-only]
        [--split both|dev|heldout|all] [--batch N]

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
    Labelled,
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


def table(labels: list[Labelled], title: str, markdown: bool, errors: bool) -> None:
    """One per-category table (rules vs keyword search) over ``labels``."""
    timings = []
    for lab in labels:
        start = time.perf_counter()
        predict_rules(lab)
        timings.append(time.perf_counter() - start)
    ours, our_errors = score(labels, predict_rules)
    base, _ = score(labels, predict_keywords)
    print(
        f"\n## {title}: {len(labels)} texts ({sum(lab.public for lab in labels)} public), "
        f"{sum(len(lab.present) for lab in labels)} labelled present categories; "
        f"median review {statistics.median(timings) * 1000:.0f} ms/text"
    )
    sep = "|" if markdown else " "
    head = ["category", "support", "P", "R", "polarity", "kw P", "kw R", "target"]
    print(sep.join(head))
    if markdown:
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
    row = ["all (micro)", str(total.tp + total.fn), fmt(total.precision), fmt(total.recall)]
    row += [pol, fmt(total_kw.precision), fmt(total_kw.recall), ""]
    print(sep.join(row))
    if errors:
        print("\n".join(our_errors))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every FP/FN")
    parser.add_argument("--public-only", action="store_true")
    parser.add_argument(
        "--split",
        choices=("both", "all", "dev", "heldout"),
        default="both",
        help="dev: texts the rules were tuned on (incl. the authored agreements); heldout: "
        "labelled before the rules were first run on them, never tuned on; both (default): "
        "dev, held-out and all, as separate tables",
    )
    parser.add_argument(
        "--batch", type=int, help="only the texts of this held-out batch (first-run figures)"
    )
    args = parser.parse_args()
    labels = [
        lab
        for lab in load_labels()
        if (lab.public or not args.public_only) and args.batch in (None, lab.batch)
    ]
    problems = [p for lab in labels for p in quote_problems(lab)]
    if problems:
        print("label errors:\n" + "\n".join(problems))
        return 1
    dev = [lab for lab in labels if not lab.heldout]
    held = [lab for lab in labels if lab.heldout]
    splits = {
        "dev": [("dev (tuned on)", dev)],
        "heldout": [("held-out", held)],
        "all": [("all", labels)],
    }
    chosen = (
        splits["dev"] + splits["heldout"] + splits["all"]
        if args.split == "both"
        else splits[args.split]
    )
    for title, subset in chosen:
        if subset:
            table(subset, title, args.markdown, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
