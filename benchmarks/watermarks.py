#!/usr/bin/env python3
"""Watermarks: recall on upright and tilted overlays, false findings, images/s; three readers
over the same generated pictures in one run.

Pictures (``--per-class`` of each, 800x600 blob scenes, JPEG quality 80-90):
- upright: an agency name or PREVIEW/SAMPLE/PROOF stamped level, size 60-90 px, alpha
  170-230, somewhere in the middle;
- tilted: the same stamped across the centre at ±(20-45)°;
- clean: no text; ordinary: an ordinary phrase, level or tilted (a negative with text).

Readers: clearance's ``watermark`` detector (upright reading of three versions, then the
tilted pass when that finds nothing); the same without the tilted pass (the detector before
it: ``OcrPage.upright`` only); and the peer, plain Tesseract (``pytesseract.image_to_string``
of the grey picture) with the same agency list and overlay words applied to its text. A
positive counts when its agency (``watermark/agency*``) or overlay word is found; a false
finding is any finding on a negative, or a wrong agency or word on a positive.

Run::

    .venv/bin/python benchmarks/watermarks.py                 # 8 pictures a class
    .venv/bin/python benchmarks/watermarks.py --per-class 4
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pytesseract
from PIL import Image

from clearance.detectors.base import instantiate
from clearance.detectors.marks.images import open_image
from clearance.detectors.marks.watermarks import OcrPage, TextLine, WatermarkDetector
from clearance.model.finding import Finding
from clearance.model.item import Item
from logo_images import background, jpeg, overlay_text, tilted_text

STAMPS = [  # (text stamped, rule prefix, value expected)
    ("Shutterstock", "watermark/agency", "Shutterstock"),
    ("gettyimages", "watermark/agency", "Getty Images"),
    ("iStock", "watermark/agency", "iStock"),
    ("Dreamstime", "watermark/agency", "Dreamstime"),
    ("Adobe Stock", "watermark/agency", "Adobe Stock"),
    ("Depositphotos", "watermark/agency", "Depositphotos"),
    ("PREVIEW", "watermark/overlay", "preview"),
    ("SAMPLE", "watermark/overlay", "sample"),
    ("PROOF", "watermark/overlay", "proof"),
]
ORDINARY = ["Happy birthday Anna", "Summer holidays", "Welcome home", "Good morning"]
Case = tuple[str, bytes, tuple[str, str] | None]  # class, JPEG, expected (rule prefix, value)


def make_cases(per_class: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    for i in range(per_class * 4):
        kind = ("upright", "tilted", "clean", "ordinary")[i % 4]
        scene = background(seed * 10_000 + i)
        size, alpha = rng.randrange(60, 91), rng.randrange(170, 231)
        angle = rng.choice([-1, 1]) * rng.uniform(20, 45)
        expected: tuple[str, str] | None = None
        if kind in ("upright", "tilted"):
            text, rule, value = rng.choice(STAMPS)
            expected = (rule, value)
        elif kind == "ordinary":
            text = rng.choice(ORDINARY)
        if kind == "upright":
            at = (rng.randrange(60, 300), rng.randrange(150, 400))
            scene = overlay_text(scene, text, at=at, size=size, alpha=alpha)
        elif kind == "tilted" or (kind == "ordinary" and i % 8 == 3):
            scene, _ = tilted_text(scene, text, angle=angle, size=size, alpha=alpha)
        elif kind == "ordinary":
            scene = overlay_text(scene, text, at=(120, 260), size=size, alpha=alpha)
        cases.append((kind, jpeg(scene, rng.randrange(80, 91)), expected))
    return cases


def reader_full(detector: WatermarkDetector) -> Callable[[Item], list[Finding]]:
    return lambda item: list(detector.detect(item))


def reader_upright(detector: WatermarkDetector) -> Callable[[Item], list[Finding]]:
    def read(item: Item) -> list[Finding]:
        lines = OcrPage(open_image(item.data)).upright()
        return _unique(f for line in lines for f in detector._line_findings(item, line))

    return read


def reader_plain(detector: WatermarkDetector) -> Callable[[Item], list[Finding]]:
    def read(item: Item) -> list[Finding]:
        image = open_image(item.data).convert("L")
        text = pytesseract.image_to_string(image)
        whole = (0.0, 0.0, float(image.width), float(image.height))
        lines = [TextLine(t, whole, 0.0) for t in text.splitlines() if t.strip()]
        return _unique(f for line in lines for f in detector._line_findings(item, line))

    return read


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[tuple[str, str], Finding] = {}
    for f in findings:
        seen.setdefault((f.rule, f.value), f)
    return list(seen.values())


def score(cases: list[Case], read: Callable[[Item], list[Finding]]) -> dict[str, float]:
    hits = {"upright": 0, "tilted": 0}
    false = 0
    started, cpu = time.perf_counter(), time.process_time()
    cpu_children = _children_cpu()
    for n, (kind, data, expected) in enumerate(cases):
        item = Item.from_bytes(
            source="b", locator=str(n), uri=str(n), media_type="image/jpeg", data=data
        )
        found = read(item)
        if expected is None:
            false += len(found)
            continue
        rule, value = expected
        good = [f for f in found if f.rule.startswith(rule) and f.value == value]
        hits[kind] += bool(good)
        false += sum(
            1
            for f in found
            if f.rule.startswith(("watermark/agency", "watermark/overlay")) and f not in good
        )
    wall = time.perf_counter() - started
    cpu_s = time.process_time() - cpu + _children_cpu() - cpu_children  # tesseract runs apart
    per = len(cases) / 4
    return {
        "upright": hits["upright"] / per,
        "tilted": hits["tilted"] / per,
        "false": false,
        "ips": len(cases) / wall,
        "ipcpu": len(cases) / cpu_s,
    }


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-class", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, Pillow {Image.__version__}")
    print(f"tesseract {pytesseract.get_tesseract_version()}")
    (detector,), _ = instantiate(["watermark"])
    assert isinstance(detector, WatermarkDetector)
    cases = make_cases(args.per_class, args.seed)
    print(f"## watermarks: {len(cases)} pictures, {args.per_class} a class")
    print(
        "| reader | recall upright | recall tilted | false findings | images/s wall "
        "| images/CPU-s (incl. tesseract) |"
    )
    print("|---|---|---|---|---|---|")
    results = {}
    for name, make in (
        ("clearance watermark (upright + tilted pass)", reader_full),
        ("clearance, upright pass only (before)", reader_upright),
        ("peer: plain Tesseract image_to_string", reader_plain),
    ):
        r = results[name] = score(cases, make(detector))
        print(
            f"| {name} | {r['upright']:.2f} | {r['tilted']:.2f} | {r['false']:.0f} "
            f"| {r['ips']:.2f} | {r['ipcpu']:.2f} |"
        )
    full, before = results[reader_name(0)], results[reader_name(1)]
    print(f"cost of the tilted pass: {before['ipcpu'] / full['ipcpu']:.2f}x CPU per picture")


def reader_name(index: int) -> str:
    return (
        "clearance watermark (upright + tilted pass)",
        "clearance, upright pass only (before)",
        "peer: plain Tesseract image_to_string",
    )[index]


if __name__ == "__main__":
    main()
