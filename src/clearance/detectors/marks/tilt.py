"""Tilted overlays: the angle that levels a diagonal watermark, so Tesseract can read it.

Stock previews stamp "PREVIEW" or the agency's name across the picture at 30-45°; Tesseract
reads level text only. Trying OCR at several angles would multiply its cost (~1 s a pass), so
the angle is estimated first from the text mask the upright pass already makes (pixels
brighter or darker than their neighbourhood): rotated by the right angle, the text's pixels
pile into a few rows, and the sum of squared row counts peaks (a projection-profile skew
estimate, the classic deskew method). A picture without text has no such peak, so it costs
the estimate (~35 small rotations) and no OCR. The thresholds were set on rendered overlays
and blob pictures (tests/test_watermarks.py, benchmarks/logos.py --watermarks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

ANALYSIS_SIDE = 400  # the mask is analysed at this longest side
COARSE = tuple(range(-60, 61, 5))  # degrees, PIL's counter-clockwise rotation
MIN_TILT = 8.0  # below this the upright pass reads it already
MIN_GAIN = 2.0  # peak profile energy over the unrotated one, for a tilt to count
AGREED_GAIN = 1.5  # enough when the other mask peaks at the same angle
AGREE_DEGREES = 5.0
MIN_INK = 0.002  # share of mask pixels: less is no text at all


def _energy(mask: Image.Image, angle: float) -> float:
    """Sum of squared row counts of the rotated mask over its squared total."""
    rows = np.asarray(mask.rotate(angle, expand=True), dtype=np.float64).sum(axis=1)
    ink = rows.sum()
    return float((rows * rows).sum() / (ink * ink)) if ink else 0.0


def peak(mask: np.ndarray) -> tuple[float, float] | None:
    """The rotation (degrees counter-clockwise, as ``Image.rotate``) at which a boolean text
    mask's row profile peaks, and the gain over the unrotated profile; None without ink."""
    if mask.size == 0 or mask.mean() < MIN_INK:
        return None
    image = Image.fromarray(mask.astype(np.uint8) * 255)
    scale = ANALYSIS_SIDE / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    level = _energy(image, 0)
    if level <= 0:
        return None
    scores = {a: _energy(image, a) for a in COARSE}
    coarse = max(scores, key=lambda a: scores[a])
    fine = {float(a): _energy(image, a) for a in np.arange(coarse - 4, coarse + 4.5, 1.0)}
    best = max(fine, key=lambda a: fine[a])
    return best, fine[best] / level


def levelling_angle(masks: Sequence[np.ndarray]) -> tuple[int, float] | None:
    """The mask that shows tilted text most clearly and the rotation that levels it, or None.
    A peak counts when its gain reaches ``MIN_GAIN``, or ``AGREED_GAIN`` where another mask
    peaks at about the same angle (a text's strokes and its rims tilt alike; blobs do not)."""
    peaks = [peak(m) for m in masks]
    best: tuple[float, int, float] | None = None
    for i, found in enumerate(peaks):
        if found is None or abs(found[0]) < MIN_TILT:
            continue
        angle, gain = found
        agreed = any(
            other is not None and abs(other[0] - angle) <= AGREE_DEGREES
            for j, other in enumerate(peaks)
            if j != i
        )
        if (gain >= MIN_GAIN or (agreed and gain >= AGREED_GAIN)) and (
            best is None or gain > best[0]
        ):
            best = (gain, i, angle)
    return None if best is None else (best[1], best[2])


def unrotate_box(
    box: tuple[float, float, float, float],
    angle: float,
    rotated_size: tuple[int, int],
    size: tuple[int, int],
) -> tuple[float, float, float, float]:
    """A box (x, y, w, h) found in ``image.rotate(angle, expand=True)`` as the axis-aligned
    box of the same region in the unrotated image (of ``size``)."""
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    rcx, rcy = rotated_size[0] / 2, rotated_size[1] / 2
    cx, cy = size[0] / 2, size[1] / 2
    x, y, w, h = box
    xs, ys = [], []
    for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
        dx, dy = px - rcx, py - rcy
        # inverse of PIL's counter-clockwise turn in y-down pixel coordinates
        xs.append(cx + dx * cos - dy * sin)
        ys.append(cy + dx * sin + dy * cos)
    x0, y0 = max(0.0, min(xs)), max(0.0, min(ys))
    x1, y1 = min(float(size[0]), max(xs)), min(float(size[1]), max(ys))
    return x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0)
