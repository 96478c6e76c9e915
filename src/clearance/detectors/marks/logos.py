"""Logos in images (kind ``logo``), matched against the user's gallery of reference logos.

The gallery comes from the scan option ``logo_gallery`` (every source) or the manifest field
``logo_gallery: FOLDER`` (that source). No gallery, no findings: there is no built-in logo
set (logos are artwork we could not ship). Findings: value = mark and owner (``mark_value``),
rule = ``logo/features`` (located, with its bbox) or ``logo/near-copy`` (the whole image is a
copy of a reference).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.marks.images import open_image
from clearance.detectors.marks.marklist import mark_value
from clearance.model.errors import ItemError
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

if TYPE_CHECKING:
    from clearance.detectors.marks.gallery import LogoGallery


@register
class LogoDetector(Detector):
    name = "logo"
    version = "1.0"
    description = "logos from a user gallery: SIFT + RANSAC homography, perceptual hashes"
    media_types = ("image/*",)
    requires = ("cv2", "imagehash")
    extra = "logos"
    time_budget_s = 20.0

    def __init__(self) -> None:
        super().__init__()
        self._default: LogoGallery | None = None
        self._per_source: dict[str, LogoGallery] = {}

    def configure(self, context: DetectorContext) -> None:
        from clearance.detectors.marks.gallery import LogoGallery

        folder = context.option("logo_gallery")
        loaded: dict[str, LogoGallery] = {}
        if folder:
            self._default = loaded[folder] = LogoGallery.load(folder)
        for source in context.sources:
            path = getattr(source, "logo_gallery", None)
            if path:
                if path not in loaded:
                    loaded[path] = LogoGallery.load(path)
                self._per_source[source.name] = loaded[path]

    def handles(self, item: Item) -> bool:
        return (self._default is not None or bool(self._per_source)) and super().handles(item)

    def detect(self, item: Item) -> Iterator[Finding]:
        gallery = self._per_source.get(item.source, self._default)
        if gallery is None:
            return
        try:
            image = open_image(item.data)
        except ItemError as exc:
            yield error_finding(item.item_id, exc.rule, str(exc), detector=self.name)
            return
        for match in gallery.match(image):
            how = "near-copy" if match.method == "phash" else "features"
            score = (
                f"{int(match.score)} inliers"
                if how == "features"
                else f"{int(match.score)}/64 hash bits"
            )
            yield self.finding(
                item,
                kind="logo",
                value=mark_value(match.mark, match.owner),
                confidence=match.confidence,
                rule=f"logo/{how}",
                evidence=f"matches {match.reference} ({score}); mark claimed by {match.owner}",
                bbox=tuple(round(v, 1) for v in match.bbox),
            )
