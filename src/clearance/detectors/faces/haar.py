"""The ``faces`` detector: frontal faces with OpenCV's Haar cascade.

Why this model: it ships inside the ``opencv-python-headless`` 4.x wheel
(``cv2.data.haarcascades``), so it runs offline with nothing downloaded; MediaPipe's BlazeFace
and OpenCV's YuNet need a model file fetched separately. It is a 2001-era detector
(Viola-Jones): good on frontal, well-lit faces, weak on profiles and small faces. Findings
carry the bounding box (x, y, width, height) for blurring.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from clearance.detectors.base import Detector, register
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

_MAX_SIDE = 1024  # images are scaled down to this before detection (speed), boxes scaled back


@cache
def _cascade() -> Any:
    import cv2

    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"OpenCV face cascade not found at {path} (opencv-python-headless<5)")
    return cascade


def detect_faces(data: bytes) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) in pixels of the original image; raises ValueError if unreadable."""
    import cv2
    import numpy as np

    array = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(array, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError("not a decodable image")
    height, width = image.shape[:2]
    scale = min(1.0, _MAX_SIDE / max(height, width))
    if scale < 1.0:
        image = cv2.resize(image, (int(width * scale), int(height * scale)))
    image = cv2.equalizeHist(image)
    side = max(24, int(min(image.shape[:2]) * 0.05))
    boxes = _cascade().detectMultiScale(
        image, scaleFactor=1.1, minNeighbors=6, minSize=(side, side)
    )
    return [
        (int(x / scale), int(y / scale), int(w / scale), int(h / scale)) for x, y, w, h in boxes
    ]


@register
class FaceDetector(Detector):
    name = "faces"
    version = "1.0"
    description = "frontal faces in images (OpenCV Haar cascade), with bounding boxes"
    media_types = ("image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff")
    requires = ("cv2", "numpy")
    extra = "faces"
    time_budget_s = 20.0

    def detect(self, item: Item) -> Iterator[Finding]:
        try:
            boxes = detect_faces(item.data)
        except ValueError as exc:
            yield error_finding(item.item_id, "faces/unreadable", str(exc), detector=self.name)
            return
        for x, y, w, h in boxes:
            yield self.finding(
                item,
                kind="face",
                value="FACE",
                confidence=0.7,
                rule="face/haar-frontal",
                evidence=f"face at x={x} y={y} w={w} h={h}",
                bbox=(float(x), float(y), float(w), float(h)),
            )
