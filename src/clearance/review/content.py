"""An item's content for the item page: re-read through the project's readers, never trusted.

The scan kept each shard's spec in its completion marker (``_shards/<shard>.json``); the item
is read again through the same reader, and its sha256 compared with the one the scan
recorded: when the input changed since, the page says so and highlights nothing (the finding
offsets would point into other text). Text is split into plain and marked segments here; the
template escapes every segment, so markup in the item stays text.
"""

from __future__ import annotations

import io
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from clearance.model.item import Item
from clearance.readers import ReadLimits, ShardSpec, read_shard
from clearance.runs.store import MARKERS, RunStore

#: text beyond this is shown only around the highlighted spans
TEXT_SHOWN = 60_000
CONTEXT = 400
#: raster formats served to the browser (never SVG: it can carry script)
SERVED_IMAGES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                 "WEBP": "image/webp", "BMP": "image/bmp"}  # fmt: skip
BOXED_KINDS = ("face", "logo", "watermark", "trademark", "biometric")


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[str, ...] = ()  # labels of the findings covering it ("" when plain)
    gap: bool = False  # an elided stretch of text


@dataclass
class Content:
    item: Item | None = None
    problem: str = ""
    image: tuple[str, int, int] | None = None  # (media type, width, height)
    segments: list[Segment] = field(default_factory=list)


class ContentCache:
    """A few recently read items (re-reading a shard costs more than a page view)."""

    def __init__(self, store: RunStore, size: int = 16):
        self.store = store
        self.size = size
        self._cache: OrderedDict[str, Content] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, item_id: str, shard: str, sha256: str) -> Content:
        with self._lock:
            if item_id in self._cache:
                self._cache.move_to_end(item_id)
                return self._cache[item_id]
        content = self._load(item_id, shard, sha256)
        with self._lock:
            self._cache[item_id] = content
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return content

    def _load(self, item_id: str, shard: str, sha256: str) -> Content:
        marker = Path(self.store.location) / MARKERS / f"{shard}.json"
        if not shard or not marker.exists():
            return Content(problem="the scan kept no record of where this item was read from")
        try:
            spec = ShardSpec.from_json(json.loads(marker.read_text())["spec"])
            for read in read_shard(spec, ReadLimits()):
                if read.item.item_id == item_id:
                    return _checked(read.item, sha256)
        except Exception as exc:  # any reader failure is shown, never raised into the page
            return Content(problem=f"the source could not be read again: {type(exc).__name__}")
        return Content(problem="the item is no longer in its source")


def _checked(item: Item, sha256: str) -> Content:
    data = item.data
    if not data:
        return Content(item, problem="the reader withheld this item's bytes (over a limit)")
    if sha256 and item.sha256 != sha256:
        return Content(item, problem="the source changed since the scan (sha256 differs)")
    content = Content(item)
    if item.media_type.startswith("image/"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                served = SERVED_IMAGES.get(image.format or "")
                if served:
                    content.image = (served, image.width, image.height)
        except (UnidentifiedImageError, OSError, ValueError):
            content.problem = "the image could not be decoded"
    return content


def segments(text: str, findings: Sequence[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` at the findings' [start, end) spans; overlapping spans share segments.
    Long texts keep only the context around spans (gaps marked)."""
    n = len(text)
    spans = [
        (int(f["start"]), min(int(f["end"]), n), f"{f['kind']}: {f['value'] or f['rule']}")
        for f in findings
        if f.get("start") is not None and f.get("end") is not None
        and 0 <= int(f["start"]) < int(f["end"])
        and int(f["start"]) < n
    ]  # fmt: skip
    cuts = {0, n}
    for start, end, _ in spans:
        cuts.update((start, end))
    points = sorted(cuts)
    out: list[Segment] = []
    for a, b in itertools.pairwise(points):
        labels = tuple(dict.fromkeys(lbl for s, e, lbl in spans if s <= a and b <= e))
        out.append(Segment(text[a:b], labels))
    if n <= TEXT_SHOWN:
        return out
    return _window(out, bool(spans))


def _window(segs: list[Segment], has_spans: bool) -> list[Segment]:
    """Keep marked segments and CONTEXT characters either side; elide the rest."""
    if not has_spans:
        return [Segment(segs[0].text[:TEXT_SHOWN]), Segment("", gap=True)]
    out: list[Segment] = []
    for i, seg in enumerate(segs):
        if seg.marks:
            out.append(seg)
            continue
        before = i > 0 and bool(segs[i - 1].marks)
        after = i + 1 < len(segs) and bool(segs[i + 1].marks)
        text = seg.text
        if len(text) <= 2 * CONTEXT + 20:
            out.append(seg)
            continue
        if before:
            out.append(Segment(text[:CONTEXT]))
        out.append(Segment("", gap=True))
        if after:
            out.append(Segment(text[-CONTEXT:]))
    return out


def boxes(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings with a bounding box (x, y, width, height in pixels), for the SVG overlay."""
    out = []
    for f in findings:
        bbox = f.get("bbox")
        if bbox is not None and len(bbox) == 4 and all(v is not None for v in bbox):
            x, y, w, h = (float(v) for v in bbox)
            out.append({"x": x, "y": y, "w": w, "h": h, "kind": f["kind"],
                        "label": f"{f['kind']}: {f['value'] or f['rule']}"})  # fmt: skip
    return out
