#!/usr/bin/env python3
"""Logos, and word marks in text: accuracy and speed, each against a peer in the same run.

1. Logos: a gallery of ``--marks`` drawn logos and ``--images`` generated pictures (60% with
   one gallery logo pasted at a random scale 0.35-1.3, rotation +-45 deg, a quarter of them
   partly covered, JPEG quality 40-90; 40% without: half plain, half with a logo that is NOT
   in the gallery as a distractor). Counted: a true positive is the right mark with a box of
   IoU >= 0.5; any other reported mark is a false positive. Peer: perceptual hash alone
   (``imagehash.phash`` of the whole picture vs each reference), what a near-duplicate
   filter would catch. images/s includes JPEG decoding.
2. Text: ``--text-marks`` generated marks, a ``--text-mb`` corpus of 10 KB documents of real
   English (license texts shipped by the licensedcode-data package) with ~5 marks each;
   clearance's matcher (``MarkMatcher.find``: folding, word boundaries, case rules, symbols)
   and the whole detector (plus use-in-context, evidence, ``Finding`` objects) vs one compiled
   ``re`` alternation of all marks (``\\b(?:...)\\b``, IGNORECASE) on the first
   ``--regex-mb`` of the same documents, hit counts compared there; and the bare
   pyahocorasick trie walk (no checks; the engine before ahocorasick-rs) for reference.

Run::

    .venv/bin/python benchmarks/logos.py                     # 500 images, 24 marks, 10k marks
    .venv/bin/python benchmarks/logos.py --images 100 --text-mb 5
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import ahocorasick as pyahocorasick
import imagehash
from PIL import Image

from clearance.detectors.marks.gallery import PHASH_MAX_DISTANCE, LogoGallery
from clearance.detectors.marks.images import open_image
from clearance.detectors.marks.marklist import Mark
from clearance.detectors.marks.matcher import MarkMatcher
from clearance.detectors.marks.text import TrademarkDetector
from clearance.model.item import Item
from logo_images import background, draw_logo, jpeg, paste_logo


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def make_images(n: int, marks: int, seed: int) -> list[tuple[bytes, str | None, tuple[int, ...]]]:
    rng = random.Random(seed)
    out: list[tuple[bytes, str | None, tuple[int, ...]]] = []
    for i in range(n):
        size = rng.choice([(800, 600), (640, 480), (1024, 768)])
        scene = background(seed * 100_000 + i, size)
        kind = rng.random()
        if kind < 0.6:
            mark = rng.randrange(marks)
            scale = rng.uniform(0.35, 1.3)
            logo = draw_logo(mark)
            side = round(logo.width * scale * 1.5)
            at = (
                rng.randrange(0, max(1, size[0] - side)),
                rng.randrange(0, max(1, size[1] - side)),
            )
            scene, box = paste_logo(
                scene,
                logo,
                scale=scale,
                angle=rng.uniform(-45, 45),
                at=at,
                occlude=rng.choice([0.0, 0.0, 0.0, 0.25]),
            )
            out.append((jpeg(scene, rng.randrange(40, 91)), f"mark{mark}", box))
        else:
            if kind < 0.8:  # distractor: a logo the gallery does not hold
                scene, _ = paste_logo(
                    scene,
                    draw_logo(marks + rng.randrange(200)),
                    scale=rng.uniform(0.4, 1.2),
                    angle=rng.uniform(-45, 45),
                    at=(rng.randrange(0, 200), rng.randrange(0, 150)),
                )
            out.append((jpeg(scene, rng.randrange(40, 91)), None, ()))
    return out


def bench_logos(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(args.marks):
            (root / f"mark{i}").mkdir()
            draw_logo(i).save(root / f"mark{i}" / "ref.png")
        started = time.perf_counter()
        gallery = LogoGallery.load(root)
        load_s = time.perf_counter() - started
    images = make_images(args.images, args.marks, args.seed)
    results = {}
    for name in ("clearance (SIFT+RANSAC+phash)", "peer: phash only"):
        tp = fp = fn = 0
        started, cpu = time.perf_counter(), time.process_time()
        for data, truth, box in images:
            image = open_image(data)
            if name.startswith("clearance"):
                found = [(m.mark, m.bbox) for m in gallery.match(image)]
            else:
                whole = imagehash.phash(image)
                found = [
                    (r.mark, (0.0, 0.0, float(image.width), float(image.height)))
                    for r in gallery.references
                    if whole - r.phash <= PHASH_MAX_DISTANCE
                ]
            hit = any(m == truth and iou(b, box) >= 0.5 for m, b in found)
            tp += hit
            fn += truth is not None and not hit
            fp += len(found) - hit
        seconds = time.perf_counter() - started
        cpu_s = time.process_time() - cpu
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        results[name] = (precision, recall, len(images) / seconds, len(images) / cpu_s, tp, fp, fn)
    positives = sum(truth is not None for _, truth, _ in images)
    print(f"## logos: {len(images)} images ({positives} with a gallery logo), {args.marks} marks")
    print(f"gallery load: {load_s:.2f} s")
    print("| method | precision | recall | images/s wall | images/CPU-s | TP | FP | FN |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (p, r, ips, cps, tp, fp, fn) in results.items():
        print(f"| {name} | {p:.3f} | {r:.3f} | {ips:.1f} | {cps:.1f} | {tp} | {fp} | {fn} |")


SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ze",
    "tu",
    "vin",
    "qua",
    "bor",
    "el",
    "sta",
    "pex",
    "ion",
    "dra",
    "fu",
    "no",
    "gre",
    "lux",
    "mo",
    "ri",
    "sa",
    "tek",
    "ul",
    "yo",
)


def brand(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5)))
    if rng.random() < 0.2:
        word += " " + "".join(rng.choice(SYLLABLES) for _ in range(2))
    return word.capitalize()


def _english() -> str:
    """Real English prose: the license texts that ship in the licensedcode-data package (a
    dependency of clearance), whitespace-normalised."""
    import licensedcode

    root = Path(next(iter(licensedcode.__path__))) / "data" / "licenses"
    texts = (
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.glob("*.LICENSE"))
    )
    return " ".join(" ".join(t.split()) for t in texts)


def bench_text(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    names = sorted({brand(rng) for _ in range(args.text_marks * 2)})[: args.text_marks]
    marks = [Mark(n, f"Owner {i}") for i, n in enumerate(names)]
    docs: list[str] = []
    total = 0
    english = _english()
    cursor = 0
    while total < args.text_mb * 1_000_000:
        chunk = english[cursor : cursor + 10_000]
        cursor = (cursor + 10_000) % max(1, len(english) - 10_000)
        words = chunk.split(" ")
        for _ in range(5):  # ~5 marks per 10 KB document
            words[rng.randrange(len(words))] = rng.choice(names) + rng.choice(["", "", "®", "™"])
        doc = " ".join(words)
        docs.append(doc)
        total += len(doc.encode())
    started = time.perf_counter()
    matcher = MarkMatcher(marks)
    build_s = time.perf_counter() - started
    rounds, cpu_rounds = [], []
    hits = 0
    for _ in range(args.repeat):
        started, cpu = time.perf_counter(), time.process_time()
        hits = sum(len(matcher.find(doc)) for doc in docs)
        rounds.append(time.perf_counter() - started)
        cpu_rounds.append(time.process_time() - cpu)
    ac_mbps = total / 1e6 / statistics.median(rounds)
    ac_cpu = total / 1e6 / statistics.median(cpu_rounds)
    detector = TrademarkDetector()  # the same list, plus context, evidence and Finding objects
    detector._default = matcher
    items = [
        Item.from_text(source="s", locator=str(i), uri="u", text=d, data=d.encode())
        for i, d in enumerate(docs)
    ]
    det_rounds = []
    for _ in range(args.repeat):
        cpu = time.process_time()
        findings = sum(1 for item in items for _ in detector.detect(item))
        det_rounds.append(time.process_time() - cpu)
    det_cpu = total / 1e6 / statistics.median(det_rounds)
    # the previous engine: pyahocorasick's trie walk over text.lower(), no checks at all
    trie = pyahocorasick.Automaton()
    for i, mark in enumerate(marks):
        trie.add_word(mark.mark.lower(), i)
    trie.make_automaton()
    raw_rounds = []
    for _ in range(args.repeat):
        cpu = time.process_time()
        for doc in docs:
            for _ in trie.iter(doc.lower()):
                pass
        raw_rounds.append(time.process_time() - cpu)
    raw_cpu = total / 1e6 / statistics.median(raw_rounds)

    started = time.perf_counter()
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    compile_s = time.perf_counter() - started
    subset, size = [], 0
    for doc in docs:
        if size >= args.regex_mb * 1_000_000:
            break
        subset.append(doc)
        size += len(doc.encode())
    started = time.process_time()
    regex_hits = sum(sum(1 for _ in pattern.finditer(doc)) for doc in subset)
    regex_s = time.process_time() - started
    ac_subset_hits = sum(len(matcher.find(doc)) for doc in subset)
    regex_mbps = size / 1e6 / regex_s
    print(f"## text marks: {len(marks)} marks, {total / 1e6:.1f} MB in {len(docs)} documents")
    print(f"automaton build: {build_s:.2f} s; regex compile: {compile_s:.2f} s")
    print("MB/s per core = MB / CPU seconds of this process (median of rounds); wall in brackets")
    print("| matcher | MB/s per core | hits | corpus |")
    print("|---|---|---|---|")
    print(
        f"| clearance MarkMatcher.find (ahocorasick-rs DFA + checks) | {ac_cpu:.1f} (wall "
        f"{ac_mbps:.1f}; CPU rounds {' '.join(f'{r:.2f}s' for r in cpu_rounds)}) | {hits} "
        f"| {total / 1e6:.1f} MB |"
    )
    print(
        f"| clearance TrademarkDetector.detect (+ context, evidence, Finding) | {det_cpu:.1f} "
        f"| {findings} | same |"
    )
    print(
        "| pyahocorasick iter over text.lower(), no checks (old engine) "
        f"| {raw_cpu:.1f} | - | same |"
    )
    print(
        f"| peer: re alternation | {regex_mbps:.3f} | {regex_hits} "
        f"(automaton on the same: {ac_subset_hits}) | {size / 1e6:.1f} MB |"
    )
    print(
        f"ratio matcher / regex (CPU): {ac_cpu / regex_mbps:.0f}x; "
        f"detector / regex: {det_cpu / regex_mbps:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--marks", type=int, default=24)
    parser.add_argument("--text-marks", type=int, default=10_000)
    parser.add_argument("--text-mb", type=float, default=50)
    parser.add_argument("--regex-mb", type=float, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-logos", action="store_true")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, Pillow {Image.__version__}")
    bench_text(args)
    if not args.skip_logos:
        bench_logos(args)


if __name__ == "__main__":
    main()
