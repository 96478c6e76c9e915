"""Copyright and license tags in audio files: ID3 (MP3, WAV, AIFF), Vorbis comments (FLAC,
Ogg, Opus), MP4/M4A atoms and ASF (WMA).

Read with ``tinytag`` (MIT), which reads the tags without decoding audio. ``mutagen`` reads
more but is GPL-2.0-or-later, and clearance is Apache-2.0: the permissive reader is the core
dependency (shared/reference/signals.md), mutagen is used only by the tests to write tags.
Fields: ID3 ``TCOP`` and MP4 ``cprt`` and Vorbis ``COPYRIGHT`` (copyright), ID3 ``WCOP``,
``TXXX:LICENSE`` and Vorbis ``LICENSE`` (license), ``TPUB``/publisher (terms: who licenses).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Final

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal, dedupe, license_signal
from clearance.detectors.signals.xmp import emit
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

_COPYRIGHT_KEYS: Final = ("copyright",)
_LICENSE_KEYS: Final = ("license", "licence")
_TERMS_KEYS: Final = ("terms_of_use", "usage_terms", "rights")


@register
class AudioTagsDetector(Detector):
    name = "audio-tags"
    version = "1.0"
    description = "ID3/Vorbis/MP4 copyright and license tags (tinytag)"
    media_types = ("audio/*", "video/mp4", "video/x-m4v")
    requires = ("tinytag",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        from tinytag import TinyTag, TinyTagException

        try:
            tag = TinyTag.get(file_obj=io.BytesIO(item.data), duration=False)
        except TinyTagException as exc:
            if "no tag reader found" in str(exc).lower():
                return  # not a format tinytag reads: nothing to say
            yield self._error(item, exc)
            return
        except Exception as exc:  # a cut or hostile file can raise anything from struct/IO
            yield self._error(item, exc)
            return
        yield from emit(self, item, dedupe(_signals(tag.other)))
        cut = id3_cut(item.data) or flac_cut(item.data)
        if cut:
            yield error_finding(item.item_id, "audio-truncated", cut, detector=self.name)

    def _error(self, item: Item, exc: Exception) -> Finding:
        message = f"audio tags unreadable: {type(exc).__name__}: {exc}"
        return error_finding(item.item_id, "audio-unreadable", message, detector=self.name)


def id3_cut(data: bytes) -> str:
    """Why an ID3v2 tag is cut short (its declared size runs past the file), or ""."""
    if len(data) < 10 or not data.startswith(b"ID3"):
        return ""
    # The ID3v2 header gives the tag size as four "syncsafe" bytes, seven bits each.
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    if 10 + size > len(data):
        return f"ID3v2 tag declares {size} bytes but the file ends after {len(data) - 10}"
    return ""


def flac_cut(data: bytes) -> str:
    """Why a FLAC stream's metadata blocks are cut short (a block runs past the file), or ""."""
    if not data.startswith(b"fLaC"):
        return ""
    pos = 4
    for _ in range(1024):
        if pos + 4 > len(data):
            return f"FLAC metadata ends mid-header at byte {pos} of {len(data)}"
        header = data[pos]
        length = int.from_bytes(data[pos + 1 : pos + 4], "big")
        pos += 4 + length
        if pos > len(data):
            return f"FLAC metadata block declares {length} bytes past the end of the file"
        if header & 0x80:  # the last-metadata-block flag
            return ""
    return ""


def _signals(other: dict[str, list[str]]) -> list[Signal]:
    out: list[Signal] = []
    for key, values in sorted(other.items()):
        name = key.lower()
        for raw in values:
            value = str(raw).strip()
            if not value:
                continue
            evidence = f"audio tag {key}={value!r}"
            if name in _COPYRIGHT_KEYS:
                out.append(Signal("copyright", value, 0.9, "audio/copyright", evidence))
            elif name in _LICENSE_KEYS:
                out.append(license_signal(value, "audio/license", evidence))
            elif name in _TERMS_KEYS:
                out.append(Signal("terms", value, 0.8, "audio/terms", evidence))
            elif name == "publisher":
                out.append(Signal("terms", value, 0.4, "audio/publisher", evidence))
    return out
