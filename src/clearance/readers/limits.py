"""Bounds that keep hostile or huge input from exhausting memory or time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """Everything above a limit becomes an error finding; nothing is silently dropped.

    ``max_ratio`` catches zip bombs: a member that inflates more than this many times over
    its compressed size (and past 1 MiB) is refused. ``max_archive_bytes`` caps what one
    archive may inflate to in total, which also defeats overlapping-entry bombs.
    """

    max_item_bytes: int = 64 * 1024 * 1024
    max_archive_bytes: int = 2 * 1024 * 1024 * 1024
    max_archive_members: int = 200_000
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024
