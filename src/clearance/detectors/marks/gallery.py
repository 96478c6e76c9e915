"""A user's logo gallery and the matcher behind the ``logo`` detector.

Layout: ``GALLERY/<mark>/<any>.png|jpg|webp...`` (one folder per mark, several references
allowed) and an optional ``GALLERY/owners.yaml`` mapping mark -> owner.

Two methods, both off-the-shelf: perceptual hashes (``imagehash.phash``) catch near-identical
copies of a reference; SIFT local features (patent-free since OpenCV 4.4) with Lowe's ratio
test and a RANSAC homography find a logo pasted at another scale, rotation or partly
covered, and give its box. A homography must map the reference to a convex quadrilateral of
sensible size, which rejects most chance matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import imagehash
import numpy as np
from PIL import Image

from clearance.detectors.marks.images import open_image
from clearance.detectors.marks.marklist import NO_OWNER
from clearance.model.errors import ConfigError, ItemError
from clearance.model.yaml_config import line_of, parse_yaml

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
REFERENCE_SIDE = 400  # references are resized to this longest side
SCENE_SIDE = 1024  # scenes are matched at most at this longest side
RATIO = 0.75  # Lowe's ratio test
MIN_INLIERS = 12
MIN_INLIER_SHARE = 0.25  # of the ratio-test matches
MAX_DISTORTION = 1.3  # side-length ratios a verified match may show
PHASH_MAX_DISTANCE = 8  # of 64 bits


@dataclass(frozen=True)
class LogoMatch:
    mark: str
    owner: str
    reference: str
    method: str  # "phash" or "features"
    bbox: tuple[float, float, float, float]
    score: float  # inlier count (features) or 64 - hamming distance (phash)
    confidence: float


class _Reference:
    def __init__(self, mark: str, owner: str, path: Path, image: Image.Image, sift: Any):
        self.mark, self.owner, self.path = mark, owner, str(path)
        self.phash = imagehash.phash(image)
        image = _fit(image, REFERENCE_SIDE)
        gray = np.asarray(image.convert("L"))
        self.size = gray.shape[1], gray.shape[0]
        self.keypoints, self.descriptors = sift.detectAndCompute(gray, None)


def _fit(image: Image.Image, side: int) -> Image.Image:
    scale = side / max(image.size)
    if scale >= 1:
        return image
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))


class LogoGallery:
    """Reference logos with their features computed once; ``match`` is per scene image."""

    def __init__(self, references: list[_Reference], sift: Any):
        self.references = references
        self._sift = sift
        self._matcher = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 5}, {"checks": 50})

    @classmethod
    def load(cls, folder: str | Path) -> LogoGallery:
        root = Path(folder)
        if not root.is_dir():
            raise ConfigError("logo gallery is not a folder", file=str(root))
        owners = _owners(root / "owners.yaml")
        sift = cv2.SIFT.create()
        refs: list[_Reference] = []
        for mark_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for path in sorted(mark_dir.iterdir()):
                if path.suffix.lower() not in IMAGE_SUFFIXES:
                    continue
                try:
                    image = open_image(path.read_bytes())
                except (OSError, ItemError) as exc:
                    raise ConfigError(f"logo reference unreadable: {exc}", file=str(path)) from exc
                mark = mark_dir.name
                refs.append(_Reference(mark, owners.get(mark, NO_OWNER), path, image, sift))
        if not refs:
            raise ConfigError(
                "logo gallery has no reference images (GALLERY/<mark>/*.png)", file=str(root)
            )
        return cls(refs, sift)

    def match(self, image: Image.Image) -> list[LogoMatch]:
        """Best match per mark: a near-copy by hash first, else a verified feature match."""
        found: dict[str, LogoMatch] = {}
        whole = imagehash.phash(image)
        for ref in self.references:
            distance = int(whole - ref.phash)
            if distance <= PHASH_MAX_DISTANCE and ref.mark not in found:
                found[ref.mark] = LogoMatch(
                    ref.mark,
                    ref.owner,
                    ref.path,
                    "phash",
                    (0.0, 0.0, float(image.width), float(image.height)),
                    float(64 - distance),
                    round(1.0 - distance / 64, 3),
                )
        scene = _fit(image, SCENE_SIDE)
        factor = image.width / scene.width
        keypoints, descriptors = self._sift.detectAndCompute(np.asarray(scene.convert("L")), None)
        if descriptors is None or len(keypoints) < MIN_INLIERS:
            return list(found.values())
        for ref in self.references:
            if ref.mark in found or ref.descriptors is None or len(ref.keypoints) < MIN_INLIERS:
                continue
            located = self._locate(ref, keypoints, descriptors)
            if located is None:
                continue
            (x, y, w, h), inliers = located
            previous = found.get(ref.mark)
            if previous is not None and previous.score >= inliers:
                continue
            found[ref.mark] = LogoMatch(
                ref.mark,
                ref.owner,
                ref.path,
                "features",
                (x * factor, y * factor, w * factor, h * factor),
                float(inliers),
                round(min(0.99, 0.5 + inliers / 100), 3),
            )
        return _suppress_overlaps(list(found.values()))

    def _locate(
        self, ref: _Reference, keypoints: Any, descriptors: Any
    ) -> tuple[tuple[float, float, float, float], int] | None:
        pairs = self._matcher.knnMatch(ref.descriptors, descriptors, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
        if len(good) < MIN_INLIERS:
            return None
        src = np.array([ref.keypoints[m.queryIdx].pt for m in good], dtype=np.float32).reshape(
            -1, 1, 2
        )
        dst = np.array([keypoints[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
        homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
        if homography is None or mask is None:
            return None
        inliers = int(mask.sum())
        if inliers < MIN_INLIERS or inliers < MIN_INLIER_SHARE * len(good):
            return None
        w, h = ref.size
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32).reshape(-1, 1, 2)
        quad = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
        if not _plausible(quad, w, h):
            return None
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        return (float(x0), float(y0), float(x1 - x0), float(y1 - y0)), inliers


def _suppress_overlaps(matches: list[LogoMatch]) -> list[LogoMatch]:
    """Where feature boxes of different marks cover the same region, keep the strongest:
    logos share letters and shapes, and a few shared features can verify a wrong mark."""
    kept: list[LogoMatch] = []
    for match in sorted(matches, key=lambda m: (m.method != "phash", -m.score)):
        if match.method == "phash" or all(_overlap(match.bbox, k.bbox) < 0.5 for k in kept):
            kept.append(match)
    return kept


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return (w * h) / max(1e-9, min(a[2] * a[3], b[2] * b[3]))


def _plausible(quad: Any, w: float, h: float) -> bool:
    """Close to a similarity transform of the reference: convex, opposite sides of about the
    same length, the reference's aspect ratio kept, and 0.5%..2500% of its area. Logos are
    printed flat; a homography that shears them is almost always a chance fit."""
    if not np.all(np.isfinite(quad)):
        return False
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return False
    sides = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    if min(sides) <= 1:
        return False
    top, right, bottom, left = sides
    if not (_within(top / bottom) and _within(left / right)):
        return False
    if not _within(((top + bottom) / (left + right)) / (w / h)):
        return False
    area = float(cv2.contourArea(quad.astype(np.float32)))
    return 0.005 * w * h <= area <= 25 * w * h


def _within(ratio: float, tolerance: float = MAX_DISTORTION) -> bool:
    return 1 / tolerance <= ratio <= tolerance


def _owners(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read owners: {exc}", file=str(path)) from exc
    node, data = parse_yaml(text, file=str(path))
    if not isinstance(data, dict):
        raise ConfigError(
            "owners.yaml maps mark folder names to owners", file=str(path), line=line_of(node, ())
        )
    for key, value in data.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ConfigError(
                f"owners.yaml: the owner of {key!r} must be a name",
                file=str(path),
                line=line_of(node, (key,)),
            )
    return {str(k): str(v) for k, v in data.items()}
