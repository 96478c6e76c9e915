"""Export transforms for logo and watermark regions: blur, pixelate or fill the boxes that
``logo`` / ``watermark`` findings give, or crop the picture to the largest part free of them.

Both take the original bytes and return new bytes (the input is never changed), in the
original format where Pillow can write it (else PNG).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter

Box = tuple[float, float, float, float]  # x, y, width, height in pixels, as in Finding.bbox
Method = Literal["blur", "pixelate", "fill"]


def obscure_regions(
    data: bytes, boxes: Iterable[Box], *, method: Method = "blur", margin: float = 0.1
) -> bytes:
    """Blur (Gaussian, radius ~ a third of the box), pixelate or grey-fill each box, grown by
    ``margin`` of its size so the logo's edge does not survive."""
    image, fmt = _open(data)
    for x0, y0, x1, y1 in _pixel_boxes(boxes, image.size, margin):
        region = image.crop((x0, y0, x1, y1))
        if method == "blur":
            radius = max(4.0, max(x1 - x0, y1 - y0) / 3)
            region = region.filter(ImageFilter.GaussianBlur(radius))
        elif method == "pixelate":
            small = (max(1, (x1 - x0) // 16), max(1, (y1 - y0) // 16))
            region = region.resize(small, Image.Resampling.BILINEAR).resize(
                (x1 - x0, y1 - y0), Image.Resampling.NEAREST
            )
        elif method == "fill":
            ImageDraw.Draw(region).rectangle((0, 0, x1 - x0, y1 - y0), fill=_grey(image.mode))
        else:
            raise ValueError(f"unknown method {method!r}: blur, pixelate or fill")
        image.paste(region, (x0, y0))
    return _save(image, fmt)


def crop_away(data: bytes, boxes: Iterable[Box], *, margin: float = 0.05) -> bytes | None:
    """The largest full-width or full-height band of the picture that holds none of the boxes,
    or None when no band is left (then drop or blur the item instead)."""
    image, fmt = _open(data)
    width, height = image.size
    regions = _pixel_boxes(boxes, image.size, margin)
    if not regions:
        return _save(image, fmt)
    bands = _free_spans([(y0, y1) for _, y0, _, y1 in regions], height, width, vertical=True)
    bands += _free_spans([(x0, x1) for x0, _, x1, _ in regions], width, height, vertical=False)
    best = max(bands, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), default=None)
    if best is None or (best[2] - best[0]) * (best[3] - best[1]) <= 0:
        return None
    return _save(image.crop(best), fmt)


def _free_spans(
    spans: Sequence[tuple[int, int]], limit: int, across: int, *, vertical: bool
) -> list[tuple[int, int, int, int]]:
    """Gaps between the covered spans along one axis, as crop boxes across the other axis."""
    gaps: list[tuple[int, int]] = []
    cursor = 0
    for lo, hi in sorted(spans):
        if lo > cursor:
            gaps.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < limit:
        gaps.append((cursor, limit))
    return [(0, lo, across, hi) if vertical else (lo, 0, hi, across) for lo, hi in gaps]


def _pixel_boxes(
    boxes: Iterable[Box], size: tuple[int, int], margin: float
) -> list[tuple[int, int, int, int]]:
    width, height = size
    out = []
    for x, y, w, h in boxes:
        if w <= 0 or h <= 0:
            continue
        dx, dy = w * margin, h * margin
        x0, y0 = max(0, int(x - dx)), max(0, int(y - dy))
        x1, y1 = min(width, int(x + w + dx + 0.999)), min(height, int(y + h + dy + 0.999))
        if x1 > x0 and y1 > y0:
            out.append((x0, y0, x1, y1))
    return out


def _open(data: bytes) -> tuple[Image.Image, str]:
    opened = Image.open(io.BytesIO(data))
    fmt = opened.format or "PNG"
    opened.load()
    image = opened.convert("RGBA" if "A" in opened.getbands() else "RGB")
    return image, fmt


def _grey(mode: str) -> tuple[int, ...]:
    return (128, 128, 128, 255) if mode == "RGBA" else (128, 128, 128)


def _save(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    try:
        image.save(buffer, fmt, **({"quality": 92} if fmt == "JPEG" else {}))
    except (OSError, KeyError, ValueError):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
    return buffer.getvalue()
