"""Claims check accuracy and cost: the rules vs a keyword list, same labelled set, same run.

    .venv/bin/python benchmarks/claims.py [--split dev|heldout|all|both] [--errors]
        [--runs 300] [--repeat 3] [--outputs 50]

Data: benchmarks/data/claims.jsonl (written for the project; see make_claims.py). A
sentence's prediction is the set of claim categories the check reports for it. Per category:
precision/recall. Target row "allegations about named persons": a sentence labelled with an
allegation category and a person entity is a positive (hedged, negated and fiction forms
included: they are still statements about the person, flagged in the output); a prediction
is any allegation claim about a person. Then, on the verdict: assertive allegations should
be flagged (review/block), negated and fiction forms should pass. The keyword baseline flags
a sentence when one of its words occurs, with no entity, negation, hedge or fiction logic.
Latency: ~1,000-token outputs of three kinds (dense, mixed, clean), each checked by the
same guard with and without the claims check, back to back; see ``latency``. The claims
stage is also timed on its own, inside the guard.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
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


def _outputs(rows: list[dict[str, Any]], count: int, seed: int) -> list[str]:
    """``count`` different outputs of about 1,000 whitespace tokens, sentences drawn at
    random (seeded) from ``rows``."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts, words = [], 0
        while words < 1000:
            text = rng.choice(rows)["text"]
            parts.append(text)
            words += len(text.split())
        out.append(" ".join(parts))
    return out


def _kinds(rows: list[dict[str, Any]], outputs: int) -> dict[str, list[str]]:
    """Output kinds: every sentence a claim; one sentence in ten an allegation; none."""
    claims = [r for r in rows if r["category"] != "none"]
    clean = [r for r in rows if r["category"] == "none"]
    loud = [r for r in rows if r["kind"] == "allegation"]
    quiet = [r for r in rows if r["kind"] in ("neutral", "nonperson", "figure", "quote")]
    mixed = [quiet[i % len(quiet)] if i % 10 else loud[i // 10 % len(loud)] for i in range(400)]
    return {
        "dense (every sentence a claim)": _outputs(claims, outputs, 1),
        "mixed (1 sentence in 10 an allegation)": _outputs(mixed, outputs, 2),
        "clean (names, trigger words, no claim)": _outputs(clean, outputs, 3),
    }


def latency(runs: int, repeat: int, outputs: int) -> None:
    """Added latency of the claims check: the same guard with and without it, on the same
    output, back to back (paired), cycling through ``outputs`` different outputs per kind
    after a warm-up pass over all of them. Two set-ups: the rules alone (no detectors, no
    person recogniser), and ``guard check --claims`` as the CLI opens it (default detectors
    pii-text and trademark; the claims check reuses pii-text's PERSON spans). Each
    measurement is repeated ``repeat`` times; the median of the repeats' p99s is quoted.

    The paired difference carries the other stages' run-to-run noise (pii-text's above all,
    a few ms at p99 on a shared machine): the claims stage is also timed alone, around the
    guard's call of ``ClaimsChecker.check`` in the same runs ("stage" columns)."""
    kinds = _kinds(load("all"), outputs)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "a.txt").write_text("protected text about ships and harbours " * 200)
        build_index([str(corpus)], Path(tmp) / "idx")
        setups = {
            "rules alone": (
                Guard.open(Path(tmp) / "idx", detectors=[]),
                Guard.open(Path(tmp) / "idx", detectors=[], claims=ClaimsChecker()),
            ),
            "CLI default (pii-text, trademark)": (
                Guard.open(Path(tmp) / "idx"),
                Guard.open(Path(tmp) / "idx", claims=ClaimsChecker.create()),
            ),
        }
        print(
            f"\n## latency: {outputs} outputs per kind, {runs} paired runs per repeat, "
            f"{repeat} repeat(s); ms; wall = perf_counter, CPU = thread_time"
        )
        print(
            "setup | output kind | tokens | added wall p50 | added wall p99 (median; range) "
            "| added CPU p50 | added CPU p99 (median; range) | guard alone wall p50/p99 "
            "| stage wall p50/p99 | stage CPU p50/p99"
        )
        for setup, (plain, claims) in setups.items():
            for kind, texts in kinds.items():
                for text in texts:  # warm-up: every output once through both guards
                    plain.check(text)
                    claims.check(text)
                stats = [_paired(plain, claims, texts, runs) for _ in range(repeat)]
                med = [statistics.median(col) for col in zip(*stats, strict=True)]
                tokens = statistics.median(len(t.split()) for t in texts)
                print(
                    f"{setup} | {kind} | {tokens:.0f} | {med[0]:.2f} | {med[1]:.2f} "
                    f"({min(s[1] for s in stats):.2f}-{max(s[1] for s in stats):.2f}) | "
                    f"{med[2]:.2f} | {med[3]:.2f} "
                    f"({min(s[3] for s in stats):.2f}-{max(s[3] for s in stats):.2f}) | "
                    f"{med[4]:.2f} / {med[5]:.2f} | {med[6]:.2f} / {med[7]:.2f} | "
                    f"{med[8]:.2f} / {med[9]:.2f}"
                )


def _paired(plain: Guard, claims: Guard, texts: list[str], runs: int) -> tuple[float, ...]:
    """p50/p99 of the added wall and CPU time, the plain guard's wall p50/p99, and the
    claims stage's own wall and CPU p50/p99."""
    assert claims.claims is not None
    checker = claims.claims
    stage: list[tuple[float, float]] = []  # (wall, CPU) of each claims stage, ms
    check = checker.check

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return check(*args, **kwargs)
        finally:
            stage.append(((time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000))

    wall: list[float] = []
    cpu: list[float] = []
    base: list[float] = []
    checker.check = timed  # type: ignore[method-assign]
    try:
        for i in range(runs):
            text = texts[i % len(texts)]
            t0, c0 = time.perf_counter(), time.thread_time()
            plain.check(text)
            t1, c1 = time.perf_counter(), time.thread_time()
            claims.check(text)
            t2, c2 = time.perf_counter(), time.thread_time()
            base.append((t1 - t0) * 1000)
            wall.append(((t2 - t1) - (t1 - t0)) * 1000)
            cpu.append(((c2 - c1) - (c1 - c0)) * 1000)
    finally:
        del checker.check  # the class's method again
    assert len(stage) == runs
    return (
        _q(wall, 50),
        _q(wall, 99),
        _q(cpu, 50),
        _q(cpu, 99),
        _q(base, 50),
        _q(base, 99),
        _q([w for w, _ in stage], 50),
        _q([w for w, _ in stage], 99),
        _q([c for _, c in stage], 50),
        _q([c for _, c in stage], 99),
    )


def _q(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[round(pct / 100 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="both", choices=("dev", "heldout", "all", "both"))
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--runs", type=int, default=300, help="paired runs per repeat (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="latency repeats (noise)")
    parser.add_argument("--outputs", type=int, default=50, help="different outputs per kind")
    args = parser.parse_args()
    checker = ClaimsChecker()
    for split in ("dev", "heldout") if args.split == "both" else (args.split,):
        rows = load(split)
        report(split, rows, score(rows, checker, args.errors))
    if args.runs:
        latency(args.runs, args.repeat, args.outputs)


if __name__ == "__main__":
    main()
