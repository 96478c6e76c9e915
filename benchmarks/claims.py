"""Claims check accuracy and cost: the rules vs a keyword list, same labelled set, same run.

    .venv/bin/python benchmarks/claims.py [--split dev|heldout|all] [--errors] [--runs 300]

Data: benchmarks/data/claims.jsonl (written for the project; see make_claims.py). A
sentence's prediction is the set of claim categories the check reports for it. Per category:
precision/recall. Target row "allegations about named persons": a sentence labelled with an
allegation category and a person entity is a positive (hedged, negated and fiction forms
included: they are still statements about the person, flagged in the output); a prediction
is any allegation claim about a person. Then, on the verdict: assertive allegations should
be flagged (review/block), negated and fiction forms should pass. The keyword baseline flags
a sentence when one of its words occurs, with no entity, negation, hedge or fiction logic.
Latency: a ~1,000-token output checked by a guard with and without the claims check.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from clearance.guard import Guard, build_index
from clearance.guard.claims import ALLEGATIONS, CATEGORIES, ClaimsChecker

DATA = Path(__file__).with_name("data") / "claims.jsonl"
#: the baseline: plain keywords per category, as a reviewer might grep for them
KEYWORDS: dict[str, tuple[str, ...]] = {
    "crime": (
        "convicted",
        "arrested",
        "murder",
        "stole",
        "jailed",
        "guilty",
        "criminal",
        "sentenced",
        "charged",
        "robbed",
        "smuggled",
        "blackmail",
        "shoplifting",
    ),
    "fraud": (
        "fraud",
        "embezzl",
        "ponzi",
        "tax evasion",
        "falsified",
        "kickback",
        "laundered",
        "insider trading",
        "forged",
        "scam",
        "swindl",
        "misappropriat",
    ),
    "misconduct": (
        "bribe",
        "harass",
        "covered up",
        "lied",
        "plagiaris",
        "bullying",
        "bullied",
        "corrupt",
        "perjury",
        "racist",
        "rigged",
        "conflict of interest",
    ),
    "disease": (
        "dementia",
        "schizophreni",
        "alcoholi",
        "hiv",
        "addicted",
        "rehab",
        "cancer",
        "stroke",
        "parkinson",
        "depression",
        "alzheimer",
        "hepatitis",
        "bipolar",
    ),
    "sexual": (
        "affair",
        "sexual",
        "prostitut",
        "groped",
        "mistress",
        "sex ",
        "molest",
        "slept with",
        "adultery",
        "raped",
        "paedophile",
    ),
    "insolvency": (
        "bankrupt",
        "bust",
        "chapter 11",
        "defaulted",
        "insolvent",
        "creditors",
        "administration",
        "receivership",
        "liquidat",
        "broke",
    ),
    "incompetence": (
        "botched",
        "incompetent",
        "struck off",
        "disbarred",
        "fake degree",
        "misdiagnos",
        "negligen",
        "unqualified",
        "quack",
        "malpractice",
    ),
}


def load(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def keywords(text: str) -> set[str]:
    low = text.lower()
    return {c for c, words in KEYWORDS.items() if any(w in low for w in words)}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def score(rows: list[dict[str, Any]], checker: ClaimsChecker, errors: bool) -> dict[str, Any]:
    counts: dict[str, dict[str, list[int]]] = {
        "rules": defaultdict(lambda: [0, 0, 0]),
        "keywords": defaultdict(lambda: [0, 0, 0]),
    }
    person = {"rules": [0, 0, 0], "keywords": [0, 0, 0]}
    flags = {"hedged": [0, 0], "negated": [0, 0], "fiction": [0, 0]}
    verdicts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [as expected, n]
    for row in rows:
        claims = checker.check(row["text"])
        predicted = {
            "rules": {c.category for c in claims},
            "keywords": keywords(row["text"]),
        }
        label = row["category"]
        positive = label in ALLEGATIONS and row["entity_type"] == "person"
        for system, cats in predicted.items():
            for category in CATEGORIES:
                c = counts[system][category]
                if category == label and category in cats:
                    c[0] += 1
                elif category in cats:
                    c[1] += 1
                elif category == label:
                    c[2] += 1
            if system == "rules":
                hit = any(x.category in ALLEGATIONS and x.entity.type == "person" for x in claims)
            else:
                hit = bool(cats & set(ALLEGATIONS))
            p = person[system]
            p[0 if positive and hit else 1 if hit else 2 if positive else 0] += (
                1 if hit or positive else 0
            )
            if errors and system == "rules" and hit != positive:
                print(f"  {'FP' if hit else 'FN'} {row['id']} {row['text']}")
        relevant = [c for c in claims if c.category == label]
        if relevant:
            for flag in flags:
                flags[flag][0] += getattr(relevant[0], flag) == row[flag]
                flags[flag][1] += 1
        if label in ALLEGATIONS:
            worst = max(
                (c.verdict for c in claims), key=["pass", "review", "block"].index, default="pass"
            )
            expect_flag = row["kind"] in ("allegation", "hedged")
            verdicts[row["kind"]][0] += (worst != "pass") == expect_flag
            verdicts[row["kind"]][1] += 1
            if errors and (worst != "pass") != expect_flag:
                print(f"  VERDICT {worst} {row['id']} {row['text']}")
    return {"counts": counts, "person": person, "flags": flags, "verdicts": verdicts}


def report(name: str, rows: list[dict[str, Any]], s: dict[str, Any]) -> None:
    print(f"\n## {name}: {len(rows)} sentences")
    for system in ("rules", "keywords"):
        tp, fp, fn = s["person"][system]
        p, r = prf(tp, fp, fn)
        print(
            f"{system:9s} allegations about named persons: P {p:.3f} R {r:.3f} "
            f"(tp {tp} fp {fp} fn {fn})"
        )
    print(f"{'category':13s} {'n':>4s}  rules P / R    keywords P / R")
    for category in CATEGORIES:
        rules, kw = s["counts"]["rules"][category], s["counts"]["keywords"][category]
        n = rules[0] + rules[2]
        if category in ("quote", "figure"):
            print(f"{category:13s} {n:4d}  {prf(*rules)[0]:.2f} / {prf(*rules)[1]:.2f}     -")
            continue
        print(
            f"{category:13s} {n:4d}  {prf(*rules)[0]:.2f} / {prf(*rules)[1]:.2f}"
            f"     {prf(*kw)[0]:.2f} / {prf(*kw)[1]:.2f}"
        )
    print(
        "flag agreement on detected claims: "
        + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in s["flags"].items())
    )
    print(
        "verdict as expected (allegation/hedged flagged; negated/fiction pass): "
        + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(s["verdicts"].items()))
    )


def _text(rows: list[dict[str, Any]]) -> str:
    parts, words = [], 0
    for row in rows:  # ~1,000 whitespace tokens
        parts.append(row["text"])
        words += len(row["text"].split())
        if words >= 1000:
            break
    return " ".join(parts)


def latency(runs: int) -> None:
    rows = load("all")
    quiet = [r for r in rows if r["kind"] in ("neutral", "nonperson", "figure", "quote")]
    loud = [r for r in rows if r["kind"] == "allegation"]
    mixed = [quiet[i % len(quiet)] if i % 10 else loud[i // 10] for i in range(400)]
    texts = {"dense (every sentence a claim)": _text(rows), "mixed (1 in 10)": _text(mixed)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "a.txt").write_text("protected text about ships and harbours " * 200)
        build_index([str(corpus)], Path(tmp) / "idx")
        plain = Guard.open(Path(tmp) / "idx", detectors=[])
        claims = Guard.open(Path(tmp) / "idx", detectors=[], claims=ClaimsChecker())
        for name, text in texts.items():
            for guard in (plain, claims):
                guard.check(text)
            a: list[float] = []
            b: list[float] = []
            cpu: list[float] = []  # thread CPU time of the claims check alone
            checker = claims.claims
            assert checker is not None
            for _ in range(runs):
                t0 = time.perf_counter()
                plain.check(text)
                t1 = time.perf_counter()
                claims.check(text)
                t2 = time.perf_counter()
                c0 = time.thread_time()
                checker.check(text)
                cpu.append((time.thread_time() - c0) * 1000)
                a.append((t1 - t0) * 1000)
                b.append((t2 - t1) * 1000)
            added = [y - x for x, y in zip(a, b, strict=True)]
            print(
                f"\n## latency, {name}: {len(text.split())} tokens, {len(text)} chars, {runs} runs"
            )
            print(f"guard check without claims: p50 {_q(a, 50):.2f} ms  p99 {_q(a, 99):.2f} ms")
            print(f"guard check with claims:    p50 {_q(b, 50):.2f} ms  p99 {_q(b, 99):.2f} ms")
            print(
                f"added by claims (paired):   p50 {_q(added, 50):.2f} ms  "
                f"p99 {_q(added, 99):.2f} ms"
            )
            print(
                f"claims alone, thread CPU:   p50 {_q(cpu, 50):.2f} ms  p99 {_q(cpu, 99):.2f} ms"
                " (time spent waiting for a core is not counted)"
            )


def _q(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[round(pct / 100 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="both", choices=("dev", "heldout", "all", "both"))
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    checker = ClaimsChecker()
    for split in ("dev", "heldout") if args.split == "both" else (args.split,):
        rows = load(split)
        report(split, rows, score(rows, checker, args.errors))
    if args.runs:
        latency(args.runs)


if __name__ == "__main__":
    main()
