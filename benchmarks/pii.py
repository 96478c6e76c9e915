"""PII detection: clearance's ``pii-text`` scanner against Presidio on the same labelled set.

Generates a labelled set offline (Faker in several locales, valid phone numbers from
``phonenumbers``' metadata, our own templates with compact and grouped forms, and digit
distractors: order numbers, references, versions, ISBNs, dates), runs our scanner in this
process and Presidio (``presidio-analyzer``, regex-only: ``NoOpNlpEngine``) in its own venv
(created on first use, never in the project venv), and prints per-entity precision/recall for
both (exact char-span match, and nervaluate's "strict" when nervaluate is installed) and
throughput (MB/s, single core, same docs, same run).

    python benchmarks/pii.py [--docs 3000] [--seed 7] [--presidio-venv benchmarks/.venv-presidio]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import phonenumbers
from faker import Faker

from clearance.detectors.pii.scan import scan_text

ENTITIES = ("EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IP", "DOB", "PERSON")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL")
HELD_OUT = ("sv_SE", "da_DK", "cs_CZ")  # person names from locales not in our gazetteer
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "ES", "IT", "NL", "BR", "AU")
CARD_TYPES = (
    "visa16",
    "visa13",
    "visa19",
    "mastercard",
    "amex",
    "discover",
    "diners",
    "jcb16",
    "jcb15",
    "maestro",
)
PRESIDIO_MAP = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "US_SSN": "SSN",
    "IP_ADDRESS": "IP",
    "PERSON": "PERSON",
}
PRESIDIO_RUNNER = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NoOpNlpEngine
docs = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
engine.analyze(docs[0], language="en")  # warm-up
times, out = [], None
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    res = [engine.analyze(d, language="en") for d in docs]
    times.append(time.perf_counter() - t)
    out = [[(r.entity_type, r.start, r.end, r.score) for r in rs] for rs in res]
json.dump({"times": times, "pred": out}, open(sys.argv[2], "w"))
"""


def _phone(rng: random.Random) -> str:
    region = rng.choice(PHONE_REGIONS)
    kind = rng.choice(
        (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    national = str(example.national_number)
    number = example
    for _ in range(50):
        tail = "".join(rng.choice("0123456789") for _ in range(4))
        candidate = phonenumbers.PhoneNumber(
            country_code=example.country_code,
            national_number=int(national[:-4] + tail),
            italian_leading_zero=example.italian_leading_zero,
        )
        if phonenumbers.is_valid_number(candidate):
            number = candidate
            break
    fmt = rng.choice(
        (
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.NATIONAL,
            phonenumbers.PhoneNumberFormat.E164,
        )
    )
    return phonenumbers.format_number(number, fmt)


def _group(digits: str, rng: random.Random, amex: bool = False) -> str:
    style = rng.choice(("compact", "space", "dash"))
    if style == "compact":
        return digits
    sep = " " if style == "space" else "-"
    if amex and len(digits) == 15:
        return sep.join((digits[:4], digits[4:10], digits[10:]))
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _distractor(fake: Faker, rng: random.Random) -> str:
    choice = rng.randrange(9)
    if choice == 0:
        return f"Order #{rng.randrange(10**7, 10**12)} has shipped."
    if choice == 1:
        return f"Ref {rng.randrange(10**15, 10**16)} was archived."
    if choice == 2:
        return f"Upgrade to version {rng.randrange(1, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 99)}."
    if choice == 3:
        return f"See ISBN {fake.isbn13()} and {fake.isbn10()}."
    if choice == 4:
        return f"The invoice dated {fake.date(pattern=rng.choice(('%d/%m/%Y', '%Y-%m-%d', '%m.%d.%Y')))} is paid."
    if choice == 5:
        return f"Build {rng.randrange(2015, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}.{rng.randrange(1, 9)} passed."
    if choice == 6:
        return f"It costs ${rng.randrange(1, 99999):,}.{rng.randrange(0, 99):02d} plus {rng.randrange(1, 30)}% tax."
    if choice == 7:
        return f"Tracking: 1Z{rng.randrange(10**15, 10**16)}, parcel {rng.randrange(10**5, 10**6)}-{rng.randrange(100, 999)}."
    return f"Meeting at {rng.randrange(1, 12)}:{rng.randrange(0, 59):02d} in room {rng.randrange(100, 999)}."


def generate(n_docs: int, seed: int) -> list[dict[str, Any]]:
    """Docs with labelled spans: {"text", "spans": [[entity, start, end]], "held_out": bool}."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES + HELD_OUT}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    docs = []
    for _ in range(n_docs):
        locale = rng.choice(LOCALES)
        fake = fakers[locale]
        parts: list[tuple[str, str | None]] = []  # (text, entity or None)
        entity = rng.choice(ENTITIES)
        held_out = False
        if entity == "EMAIL":
            value = fake.email()
            tpl = rng.choice(
                (
                    "Contact us at {v} for details.",
                    "email: {v}",
                    "Send it to <{v}>.",
                    "{v} wrote back.",
                )
            )
        elif entity == "PHONE":
            value = _phone(rng)
            tpl = rng.choice(
                (
                    "Call me on {v} tomorrow.",
                    "Tel: {v}",
                    "phone {v}",
                    "Mobile: {v}.",
                    "Reach the desk at {v} after nine.",
                    "Fax {v}",
                )
            )
        elif entity == "CARD":
            kind = rng.choice(CARD_TYPES)
            value = _group(fake.credit_card_number(card_type=kind), rng, amex=kind == "amex")
            tpl = rng.choice(
                (
                    "Card number {v} expires soon.",
                    "Paid with {v}.",
                    "cc: {v}",
                    "Please charge {v} for the order.",
                )
            )
        elif entity == "IBAN":
            raw = fake.iban()
            value = (
                raw
                if rng.random() < 0.5
                else " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
            )
            tpl = rng.choice(("IBAN: {v}", "Transfer to {v} by Friday.", "Account {v} (savings)."))
        elif entity == "SSN":
            ssn = fakers["en_US"].ssn()
            compact = rng.random() < 0.25
            value = ssn.replace("-", "") if compact else ssn
            tpl = (
                rng.choice(("SSN: {v}", "Social Security number {v} on file."))
                if compact
                else rng.choice(
                    ("SSN: {v}", "Social Security number {v} on file.", "Her number is {v}.", "{v}")
                )
            )
        elif entity == "IP":
            value = rng.choice((fake.ipv4_public(), fake.ipv4_private(), fake.ipv6()))
            tpl = rng.choice(("Login from {v} failed.", "server at {v}", "Blocked {v}."))
        elif entity == "DOB":
            value = fake.date_of_birth().strftime(
                rng.choice(("%d/%m/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y"))
            )
            tpl = rng.choice(("Date of birth: {v}", "She was born on {v}.", "DOB {v}"))
        else:
            held_out = rng.random() < 0.25
            pfake = fakers[rng.choice(HELD_OUT)] if held_out else fake
            value = f"{pfake.first_name()} {pfake.last_name()}"
            tpl = rng.choice(
                (
                    "Thanks to {v} for the report.",
                    "{v} said the results were fine.",
                    "Dear {v},",
                    "Author: {v}",
                    "Meeting with {v} on Friday.",
                    "Signed by {v} yesterday.",
                    "Dr. {v} will call.",
                    "{v} joined the team last year.",
                    "We met {v} at the fair.",
                )
            )
        before, after = tpl.split("{v}")
        if rng.random() < 0.7:
            parts.append((_distractor(fake, rng) + " ", None))
        parts += [(before, None), (value, entity), (after, None)]
        if rng.random() < 0.5:
            parts.append((" " + _distractor(fake, rng), None))
        text, spans, pos = "", [], 0
        for chunk, ent in parts:
            if ent:
                spans.append([ent, pos, pos + len(chunk)])
            text += chunk
            pos += len(chunk)
        docs.append({"text": text, "spans": spans, "held_out": held_out})
    return docs


def score(
    docs: list[dict[str, Any]], preds: list[set[tuple[str, int, int]]]
) -> dict[str, tuple[float, float, int]]:
    """Exact-span precision/recall per entity: (precision, recall, gold count)."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for doc, pred in zip(docs, preds, strict=True):
        gold = {(e, s, t) for e, s, t in doc["spans"]}
        for g in gold:
            (tp if g in pred else fn)[g[0]] += 1
        for p in pred - gold:
            if p[0] in ENTITIES:
                fp[p[0]] += 1
    out = {}
    for ent in ENTITIES:
        p = tp[ent] / (tp[ent] + fp[ent]) if tp[ent] + fp[ent] else 0.0
        r = tp[ent] / (tp[ent] + fn[ent]) if tp[ent] + fn[ent] else 0.0
        out[ent] = (p, r, tp[ent] + fn[ent])
    return out


def held_out_person_recall(
    docs: list[dict[str, Any]], preds: list[set[tuple[str, int, int]]]
) -> tuple[float, int]:
    hits = total = 0
    for doc, pred in zip(docs, preds, strict=True):
        if doc["held_out"]:
            for e, s, t in doc["spans"]:
                total += 1
                hits += (e, s, t) in pred
    return (hits / total if total else 0.0), total


def nervaluate_strict(
    docs: list[dict[str, Any]], preds: list[set[tuple[str, int, int]]]
) -> dict[str, tuple[float, float]] | None:
    try:
        from nervaluate import Evaluator  # type: ignore[import-untyped]
    except ImportError:
        return None
    true = [[{"label": e, "start": s, "end": t - 1} for e, s, t in d["spans"]] for d in docs]
    pred = [
        [{"label": e, "start": s, "end": t - 1} for e, s, t in sorted(p) if e in ENTITIES]
        for p in preds
    ]
    results = Evaluator(true, pred, tags=list(ENTITIES)).evaluate()
    per = results.get("entities", results[1] if isinstance(results, tuple) else {})
    out = {}
    for ent, strategies in per.items():
        strict = strategies["strict"]
        if isinstance(strict, dict):
            out[ent] = (float(strict["precision"]), float(strict["recall"]))
        else:
            out[ent] = (float(strict.precision), float(strict.recall))
    return out


def ensure_presidio(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} with presidio-analyzer (first run only)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "presidio-analyzer"], check=True)
    return python


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--presidio-venv", type=Path, default=Path(__file__).parent / ".venv-presidio")
    ap.add_argument("--no-presidio", action="store_true")
    args = ap.parse_args()

    docs = generate(args.docs, args.seed)
    texts = [d["text"] for d in docs]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    scan_text(texts[0])  # warm-up: loads the name lists
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ours = [scan_text(text) for text in texts]
        times.append(time.perf_counter() - t)
    ours_t = statistics.median(times)
    our_preds = [{(s.entity, s.start, s.end) for s in spans} for spans in ours]
    results = {
        "clearance": (
            score(docs, our_preds),
            ours_t,
            nervaluate_strict(docs, our_preds),
            held_out_person_recall(docs, our_preds),
        )
    }

    if not args.no_presidio:
        python = ensure_presidio(args.presidio_venv)
        with tempfile.TemporaryDirectory() as tmp:
            src, dst, runner = Path(tmp, "docs.jsonl"), Path(tmp, "out.json"), Path(tmp, "run.py")
            src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
            runner.write_text(PRESIDIO_RUNNER)
            subprocess.run(
                [str(python), str(runner), str(src), str(dst), str(args.repeat)], check=True
            )
            got = json.loads(dst.read_text())
        p_preds = [{(PRESIDIO_MAP.get(e, e), s, t) for e, s, t, _ in doc} for doc in got["pred"]]
        results["presidio-regex"] = (
            score(docs, p_preds),
            statistics.median(got["times"]),
            nervaluate_strict(docs, p_preds),
            held_out_person_recall(docs, p_preds),
        )

    print(
        f"{len(docs)} docs, {mb:.2f} MB, seed {args.seed}; exact char-span match "
        f"(nervaluate strict in brackets)"
    )
    print(f"{'entity':8} {'n':>5} " + " ".join(f"{name + ' P/R':>30}" for name in results))
    for ent in ENTITIES:
        cells = []
        for scores, _t, nerv, _h in results.values():
            p, r, n = scores[ent]
            nv = f" [{nerv[ent][0]:.3f}/{nerv[ent][1]:.3f}]" if nerv and ent in nerv else ""
            cells.append(f"{p:.3f}/{r:.3f}{nv}".rjust(30))
        print(f"{ent:8} {n:5} " + " ".join(cells))
    for name, (_s, _t, _n, (rec, total)) in results.items():
        print(
            f"{name}: PERSON recall on held-out locales {', '.join(HELD_OUT)}: {rec:.3f} (n={total})"
        )
    for name, (_s, t, _n, _h) in results.items():
        print(f"{name}: {t:.2f} s median of {args.repeat}, {mb / t:.2f} MB/s")
    if "presidio-regex" in results:
        ratio = results["presidio-regex"][1] / results["clearance"][1]
        print(f"throughput ratio clearance / presidio-regex: {ratio:.1f}x")


if __name__ == "__main__":
    main()
