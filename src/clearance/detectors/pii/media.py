"""The ``biometric-media`` detector: audio and video items may hold voice (and for video,
faces): biometric identifiers under Illinois BIPA (740 ILCS 14/10, "voiceprint", "scan of
face geometry") and special-category data under GDPR Art. 9 when processed to identify.

No speech model runs here: the finding says the item is voice material by its media type, so a
policy can send it to review or to a consent check. A source's manifest notes are kept as the
reason when they mention speech or speakers.
"""

from __future__ import annotations

from collections.abc import Iterator

from clearance.detectors.base import Detector, register
from clearance.model.finding import Finding
from clearance.model.item import Item


@register
class BiometricMediaDetector(Detector):
    name = "biometric-media"
    version = "1.0"
    description = "audio and video items flagged as possible voice/face (biometric) material"
    media_types = ("audio/*", "video/*")
    time_budget_s = 1.0

    def detect(self, item: Item) -> Iterator[Finding]:
        kind = "audio" if item.media_type.startswith("audio/") else "video"
        yield self.finding(
            item,
            kind="biometric",
            value="VOICE" if kind == "audio" else "VOICE_FACE",
            confidence=0.5,
            rule=f"biometric/{kind}-media-type",
            evidence=f"{item.media_type}: may record a person's voice"
            + (" and face" if kind == "video" else ""),
        )
