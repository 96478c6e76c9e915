"""Named export transforms: ``name -> function(content) -> bytes``.

A transform gets one item's exported bytes (for records: the text field, UTF-8) with its
media type and findings, and returns the bytes to write. It must not touch the input.

Wiring a transform from ``clearance.transforms`` (the PII branch) is one line each, e.g.::

    register("strip-metadata", lambda c: images.strip_metadata(c.data))

``redact-pii``, ``blur-faces`` and ``strip-metadata`` are reserved names that fail with a clear
message until those transforms are merged into this build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.model.errors import ConfigError


@dataclass(frozen=True)
class Content:
    item_id: str
    media_type: str
    data: bytes
    #: the item's findings as dicts (columns of findings.parquet)
    findings: Sequence[dict[str, Any]] = field(default_factory=tuple)


Transform = Callable[[Content], bytes]
_REGISTRY: dict[str, Transform] = {}
#: names that exist but whose implementation is not part of this build
PENDING = {
    "redact-pii": "PII redaction (clearance.transforms.redact)",
    "blur-faces": "face blurring (clearance.transforms.images.blur_regions)",
    "strip-metadata": "image metadata stripping (clearance.transforms.images.strip_metadata)",
}


def register(name: str, fn: Transform) -> None:
    _REGISTRY[name] = fn


def available() -> list[str]:
    return sorted(set(_REGISTRY) | set(PENDING))


def resolve(names: Sequence[str]) -> list[tuple[str, Transform]]:
    """Look every name up before any byte is written (a bad name fails at start)."""
    chosen: list[tuple[str, Transform]] = []
    for name in names:
        if name in _REGISTRY:
            chosen.append((name, _REGISTRY[name]))
        elif name in PENDING:
            raise ConfigError(
                f"transform {name!r} is not available in this build: {PENDING[name]} "
                "is not merged yet"
            )
        else:
            raise ConfigError(f"unknown transform {name!r}; known: {', '.join(available())}")
    return chosen


def apply(chain: Sequence[tuple[str, Transform]], content: Content) -> bytes:
    data = content.data
    for _, fn in chain:
        data = fn(Content(content.item_id, content.media_type, data, content.findings))
    return data


def _identity(content: Content) -> bytes:
    """Writes the bytes as read: lets tests and users check the transform path end to end."""
    return content.data


register("identity", _identity)
