"""Watermarks and credit lines in images (kind ``watermark``), read with Tesseract OCR.

Three rules: ``watermark/agency`` (a stock or news-picture agency name from the built-in list,
data/agencies.yaml, plus the option ``watermark_agencies``), ``watermark/credit-line`` (a ©
or "Photo:/Credit:" line) and ``watermark/overlay`` (PREVIEW, SAMPLE, PROOF... stamped over
the picture). The bbox is the text line's box. When the upright reading finds nothing, a
tilted overlay (a diagonal "PREVIEW" or agency name) is levelled by its estimated angle
(``tilt.levelling_angle``) and read once more; its box is mapped back. Needs ``pip install
'clearance[ocr]'`` and the Tesseract binary (``apt-get install tesseract-ocr``).
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageFilter, ImageOps

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.marks.images import open_image
from clearance.detectors.marks.marklist import Mark
from clearance.detectors.marks.matcher import MarkMatcher
from clearance.detectors.marks.tilt import levelling_angle, unrotate_box
from clearance.model.errors import ItemError, MissingDependency
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

INSTALL_HINT = (
    "the Tesseract OCR binary is not installed (Debian/Ubuntu: apt-get install tesseract-ocr; "
    "macOS: brew install tesseract)"
)
# A credit line: a © (or "Copyright", "Photo:", "Credit:") followed by a year or a name; OCR
# noise often yields a stray ©, so a bare sign does not count.
_CREDIT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b|\b(?:photo|image|picture|credits?)\s*(?::|\bby\b))"
    r"\s*(?:(?:19|20)\d\d\b|[A-Z][A-Za-z]{2,})",
    re.IGNORECASE,
)
_OVERLAY = re.compile(
    r"\b(preview|sample|watermark(?:ed)?|proof|comp(?:ing)? image|do not copy"
    r"|not for (?:distribution|reproduction|publication)|unlicensed)\b",
    re.IGNORECASE,
)
FUZZY_MIN_CHARS = 7  # OCR garbles letters: names this long are compared with difflib too
FUZZY_RATIO = 0.8
MIN_OCR_SIDE = 1200
_RS = Image.Resampling  # small images are upscaled: Tesseract wants ~20 px tall letters


@dataclass(frozen=True)
class TextLine:
    text: str
    bbox: tuple[float, float, float, float]
    confidence: float
    angle: float = 0.0  # the tilt it was read at (degrees counter-clockwise)


@cache
def agency_marks() -> tuple[Mark, ...]:
    raw = files("clearance.detectors.marks").joinpath("data/agencies.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    return tuple(
        Mark(
            mark=a["name"],
            owner=a["name"],
            variants=tuple(a.get("variants") or ()),
            origin="agencies",
        )
        for a in data["agencies"]
    )


@register
class WatermarkDetector(Detector):
    name = "watermark"
    version = "1.0"
    description = "stock-agency watermarks, credit lines and preview overlays (Tesseract OCR)"
    media_types = ("image/*",)
    requires = ("pytesseract",)
    extra = "ocr"
    time_budget_s = 30.0

    @classmethod
    def available(cls) -> bool:
        """Whether the Tesseract binary is on PATH: a scan of "all detectors" leaves this one
        out without it; naming it explicitly fails with the install line."""
        return shutil.which("tesseract") is not None

    def __init__(self) -> None:
        super().__init__()
        if not self.available():
            raise MissingDependency(f"detector 'watermark': {INSTALL_HINT};", self.extra or "ocr")
        self._agencies = MarkMatcher(agency_marks())
        self._fuzzy_keys = _fuzzy_names(agency_marks())

    def configure(self, context: DetectorContext) -> None:
        extra = context.option("watermark_agencies") or []
        if extra:
            more = [Mark(mark=str(n), owner=str(n), origin="option") for n in extra]
            self._agencies = MarkMatcher([*agency_marks(), *more])
            self._fuzzy_keys = _fuzzy_names((*agency_marks(), *more))

    def _fuzzy(self, text: str) -> set[str]:
        """Agencies whose squeezed name is close (difflib ratio) to a squeezed OCR token run."""
        tokens = [re.sub(r"[^a-z0-9]", "", t.lower()) for t in text.split()]
        runs = {
            "".join(tokens[i:j])
            for i in range(len(tokens))
            for j in range(i + 1, min(i + 4, len(tokens) + 1))
        }
        found = set()
        for run in runs:
            if len(run) < FUZZY_MIN_CHARS:
                continue
            for key, name in self._fuzzy_keys:
                if (
                    abs(len(key) - len(run)) <= 3
                    and SequenceMatcher(None, key, run).ratio() >= FUZZY_RATIO
                ):
                    found.add(name)
        return found

    def detect(self, item: Item) -> Iterator[Finding]:
        try:
            image = open_image(item.data)
        except ItemError as exc:
            yield error_finding(item.item_id, exc.rule, str(exc), detector=self.name)
            return
        seen: set[tuple[str, str]] = set()
        page = OcrPage(image)
        # the tilted readings only while the upright one and those before found nothing
        for lines in itertools.chain([page.upright()], page.tilted()):
            for line in lines:
                for finding in self._line_findings(item, line):
                    if (finding.rule, finding.value) not in seen:
                        seen.add((finding.rule, finding.value))
                        yield finding
            if seen:
                return

    def _line_findings(self, item: Item, line: TextLine) -> Iterator[Finding]:
        common: dict[str, Any] = {"kind": "watermark", "bbox": line.bbox}
        evidence = f"OCR: {line.text!r} (confidence {line.confidence:.0f}%)"
        if line.angle:
            evidence += f", tilted {-line.angle:+.0f}° and read levelled"
        hits = self._agencies.find(line.text)
        for hit in hits:
            yield self.finding(
                item,
                value=hit.mark.mark,
                confidence=0.9,
                rule="watermark/agency",
                evidence=evidence,
                **common,
            )
        if not hits:
            for name in self._fuzzy(line.text):
                yield self.finding(
                    item,
                    value=name,
                    confidence=0.6,
                    rule="watermark/agency-fuzzy",
                    evidence=evidence,
                    **common,
                )
        if _CREDIT.search(line.text):
            yield self.finding(
                item,
                value="credit-line",
                confidence=0.8,
                rule="watermark/credit-line",
                evidence=evidence,
                **common,
            )
        for overlay in {m.group(1).lower() for m in _OVERLAY.finditer(line.text)}:
            yield self.finding(
                item,
                value=overlay,
                confidence=0.8,
                rule="watermark/overlay",
                evidence=evidence,
                **common,
            )


def _fuzzy_names(marks: tuple[Mark, ...]) -> list[tuple[str, str]]:
    """(squeezed spelling, agency) for spellings long enough to compare fuzzily."""
    pairs = []
    for mark in marks:
        for spelling in mark.spellings:
            key = re.sub(r"[^a-z0-9]", "", spelling.lower())
            if len(key) >= FUZZY_MIN_CHARS:
                pairs.append((key, mark.mark))
    return pairs


def ocr_lines(image: Image.Image) -> list[TextLine]:
    """Text lines read upright, with boxes in the original image's pixels."""
    return OcrPage(image).upright()


class OcrPage:
    """One picture prepared for OCR.

    Watermarks are light (or dark) text laid over a busy picture, which plain Tesseract reads
    poorly; so it reads three versions: text brighter than its neighbourhood (pixel minus a
    local median, thresholded), text darker than it, and the plain grey image. Sparse-text
    mode (psm 11), because overlays float anywhere; words are joined into lines by position.
    """

    def __init__(self, image: Image.Image):
        gray = image.convert("L")
        self.size = gray.size
        self.scale = max(1.0, MIN_OCR_SIDE / max(gray.size))
        if self.scale > 1:
            size = (round(gray.width * self.scale), round(gray.height * self.scale))
            gray = gray.resize(size, _RS.LANCZOS)
        self.gray = gray
        self.masks = _contrast_masks(gray)

    def upright(self) -> list[TextLine]:
        versions = [_ink(mask) for mask in self.masks] + [ImageOps.autocontrast(self.gray)]
        lines: list[TextLine] = []
        for version in versions:
            lines.extend(_lines(_words(version), self.scale))
        return lines

    def tilted(self) -> Iterator[list[TextLine]]:
        """Readings of the picture turned level, one Tesseract call each, for the caller to
        stop at the first that finds something: the grey picture levelled by the angle of
        the mask that shows a tilted line most clearly and masked again (clean strokes), that
        mask itself levelled (keeps thin strokes), and the other polarity levelled (a light
        stamp's dark rims can tilt as clearly as its strokes). Nothing, and no OCR, when no
        mask shows a tilted line."""
        found = levelling_angle(self.masks)
        if found is None:
            return
        which, angle = found
        fill = int(np.asarray(self.gray).mean())
        level = _contrast_masks(self.gray.rotate(angle, _RS.BICUBIC, expand=True, fillcolor=fill))
        turned = _ink(self.masks[which]).rotate(angle, _RS.BICUBIC, expand=True, fillcolor=255)
        for version in (_ink(level[which]), turned, _ink(level[1 - which])):
            lines = []
            for line in _lines(_words(version), 1.0):
                x, y, w, h = unrotate_box(line.bbox, angle, version.size, self.gray.size)
                s = self.scale
                box = (round(x / s, 1), round(y / s, 1), round(w / s, 1), round(h / s, 1))
                lines.append(TextLine(line.text, box, line.confidence, angle))
            yield lines


def _contrast_masks(gray: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Pixels brighter, and darker, than their neighbourhood: where overlaid text is."""
    pixels = np.asarray(gray, dtype=np.int16)
    median = np.asarray(_background(gray), dtype=np.int16)
    return pixels - median > _LOCAL_CONTRAST, median - pixels > _LOCAL_CONTRAST


def _ink(mask: np.ndarray) -> Image.Image:
    """Black text on white, as Tesseract likes it."""
    return Image.fromarray(np.where(mask, 0, 255).astype(np.uint8))


_LOCAL_CONTRAST = 25


def _background(gray: Image.Image) -> Image.Image:
    """The picture without its text: a 7 px median at quarter size, scaled back up (a full-
    size median of the same reach costs ~10x more)."""
    small = gray.resize((max(1, gray.width // 4), max(1, gray.height // 4)), _RS.BILINEAR)
    return small.filter(ImageFilter.MedianFilter(7)).resize(gray.size, _RS.BILINEAR)


@dataclass(frozen=True)
class _Word:
    text: str
    x0: int
    y0: int
    x1: int
    y1: int
    conf: float


def _words(image: Image.Image) -> list[_Word]:
    import pytesseract

    data = pytesseract.image_to_data(image, config="--psm 11", output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if text.strip() and conf >= 0:
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            words.append(_Word(text.strip(), x, y, x + w, y + h, conf))
    return words


def _lines(words: list[_Word], scale: float) -> list[TextLine]:
    """Join words whose vertical centres align and whose gap is under two letter heights."""
    groups: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.x0, w.y0)):
        height = word.y1 - word.y0
        centre = (word.y0 + word.y1) / 2
        for group in groups:
            last = group[-1]
            last_centre = (last.y0 + last.y1) / 2
            if abs(centre - last_centre) < 0.5 * max(height, last.y1 - last.y0) and (
                -height <= word.x0 - last.x1 <= 2 * max(height, last.y1 - last.y0)
            ):
                group.append(word)
                break
        else:
            groups.append([word])
    result = []
    for group in groups:
        x0, y0 = min(w.x0 for w in group), min(w.y0 for w in group)
        x1, y1 = max(w.x1 for w in group), max(w.y1 for w in group)
        box = (x0 / scale, y0 / scale, (x1 - x0) / scale, (y1 - y0) / scale)
        conf = sum(w.conf for w in group) / len(group)
        text = " ".join(w.text for w in group)
        result.append(
            TextLine(
                text, (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1)), conf
            )
        )
    return result
