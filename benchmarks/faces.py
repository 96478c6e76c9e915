"""Faces: the ``faces`` detector (OpenCV Haar cascade) on a labelled set composed offline.

Sources, all public domain or CC0 and shipped in packages (nothing downloaded):
- faces: scikit-image's ``data.astronaut()`` (Eileen Collins, NASA photograph, public domain)
  and ``tests/data/pii/grace_hopper.jpg`` (US Navy photograph, public domain, from matplotlib's
  wheel). Their face boxes were read off the detector at full size and checked by eye.
- backgrounds with no human face: scikit-image's ``coffee`` (CC0, Rachel Michetti), ``chelsea``
  (a cat, CC0, Stefan van der Walt), ``text``, ``rocket`` (NASA, public domain), ``brick``,
  ``grass``, ``gravel`` (CC0), per the scikit-image ``data`` module documentation.

Each image is a 640x480 background with 0-3 head crops pasted at random positions, face widths
of 40-200 px, some mirrored. A detection is a true positive when its IoU with an unmatched
labelled box is >= 0.5. Two distinct faces only: this measures scale, position and
background robustness, not face diversity.

    python benchmarks/faces.py [--images 300] [--seed 3]   (needs the bench extra: scikit-image)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from clearance.detectors.faces.haar import detect_faces

Box = tuple[int, int, int, int]
HOPPER = Path(__file__).resolve().parents[1] / "tests" / "data" / "pii" / "grace_hopper.jpg"
BACKGROUNDS = ("coffee", "chelsea", "text", "rocket", "brick", "grass", "gravel")


def sources() -> list[tuple[np.ndarray, Box]]:
    astronaut = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    hopper = cv2.imread(str(HOPPER))
    return [(astronaut, (178, 67, 93, 93)), (hopper, (150, 100, 230, 230))]


def background(name: str) -> np.ndarray:
    image = getattr(data, name)()
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    else:
        image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    return cv2.resize(image, (640, 480))


def compose(rng: random.Random, faces: list[tuple[np.ndarray, Box]]) -> tuple[bytes, list[Box]]:
    canvas = background(rng.choice(BACKGROUNDS)).copy()
    labels: list[Box] = []
    taken: list[Box] = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        image, (fx, fy, fw, fh) = rng.choice(faces)
        # head crop: the face box grown by 60% each way, clipped to the image
        x0, y0 = max(0, fx - int(0.6 * fw)), max(0, fy - int(0.6 * fh))
        x1 = min(image.shape[1], fx + fw + int(0.6 * fw))
        y1 = min(image.shape[0], fy + fh + int(0.6 * fh))
        crop = image[y0:y1, x0:x1]
        target = rng.randint(40, 200)
        scale = target / fw
        crop = cv2.resize(crop, (int(crop.shape[1] * scale), int(crop.shape[0] * scale)))
        face = (int((fx - x0) * scale), int((fy - y0) * scale), target, int(fh * scale))
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
            face = (crop.shape[1] - face[0] - face[2], face[1], face[2], face[3])
        h, w = crop.shape[:2]
        if w >= 640 or h >= 480:
            continue
        for _try in range(20):
            px, py = rng.randint(0, 640 - w), rng.randint(0, 480 - h)
            if all(iou((px, py, w, h), t) == 0 for t in taken):
                break
        else:
            continue
        canvas[py : py + h, px : px + w] = crop
        taken.append((px, py, w, h))
        labels.append((px + face[0], py + face[1], face[2], face[3]))
    ok, buf = cv2.imencode(".png", canvas)
    assert ok
    return buf.tobytes(), labels


def iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=300)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    faces = sources()
    images = [compose(rng, faces) for _ in range(args.images)]
    times: list[float] = []
    preds: list[list[Box]] = []
    for _ in range(args.repeat):
        t = time.process_time()
        preds = [detect_faces(blob) for blob, _ in images]
        times.append(time.process_time() - t)
    tp = fp = fn = 0
    by_size: dict[str, list[int]] = {}
    negatives = neg_fp = 0
    for (_, gold), pred in zip(images, preds, strict=True):
        unmatched = list(gold)
        for box in pred:
            best = max(unmatched, key=lambda g: iou(box, g), default=None)
            if best is not None and iou(box, best) >= 0.5:
                unmatched.remove(best)
                tp += 1
            else:
                fp += 1
        fn += len(unmatched)
        for g in gold:
            bucket = "40-79" if g[2] < 80 else "80-139" if g[2] < 140 else "140-200"
            by_size.setdefault(bucket, [0, 0])[1] += 1
            by_size[bucket][0] += g not in unmatched
        if not gold:
            negatives += 1
            neg_fp += len(pred)
    cpu = statistics.median(times)
    n_faces = sum(len(g) for _, g in images)
    print(f"{len(images)} images 640x480, {n_faces} labelled faces, {negatives} with none")
    print(f"precision {tp / max(1, tp + fp):.3f}  recall {tp / max(1, tp + fn):.3f}  (IoU >= 0.5)")
    print(f"false detections: {fp} in all, {neg_fp} on the {negatives} face-free images")
    for bucket in ("40-79", "80-139", "140-200"):
        hit, total = by_size.get(bucket, [0, 0])
        print(f"  recall, face width {bucket} px: {hit / max(1, total):.3f} (n={total})")
    runs = " ".join(f"{t:.2f}" for t in times)
    print(f"CPU {cpu:.2f} s median (runs {runs}): {len(images) / cpu:.1f} images/CPU-s")


if __name__ == "__main__":
    main()
