"""Redact personal-data spans in a text with one method; returns the new text and offset map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from clearance.transforms.spans import OffsetMap, Replacement, apply_replacements
from clearance.transforms.values import Placeholders, fake_value, mask_value, pseudonym

Method = Literal["mask", "placeholder", "pseudonym", "fake"]


def redact(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    method: Method = "placeholder",
    *,
    key: bytes = b"",
    keep_last: int = 4,
) -> tuple[str, OffsetMap]:
    """Replace each ``(start, end, entity)`` span; overlapping spans keep the first (longest).

    ``key`` (the project secret) is required for ``pseudonym`` and ``fake``.
    """
    if method in ("pseudonym", "fake") and not key:
        raise ValueError(f"method {method!r} needs a key (the project secret)")
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    placeholders = Placeholders()
    replacements: list[Replacement] = []
    end = -1
    for start, stop, entity in ordered:
        if start < end:
            continue
        value = text[start:stop]
        if method == "mask":
            new = mask_value(value, keep_last)
        elif method == "placeholder":
            new = placeholders(entity, value)
        elif method == "pseudonym":
            new = pseudonym(entity, value, key)
        elif method == "fake":
            new = fake_value(entity, value, key)
        else:
            raise ValueError(f"unknown redaction method {method!r}")
        replacements.append(Replacement(start, stop, new))
        end = stop
    return apply_replacements(text, replacements)
