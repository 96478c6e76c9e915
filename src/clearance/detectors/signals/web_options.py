"""Scan options of the web signal detectors, as ``ScanOptions.detector_options`` entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def signal_options(fetch_robots: bool = False, cache: Path | str | None = None) -> dict[str, Any]:
    """Only the options that were set, so runs without them keep their fingerprint."""
    options: dict[str, Any] = {}
    if fetch_robots:
        options["fetch_robots"] = True
    if cache is not None:
        options["signals_cache"] = str(Path(cache).resolve())
    return options
