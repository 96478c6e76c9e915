"""Command-line inputs to sources: a manifest file, or plain paths scanned as unknown sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from clearance.model.errors import ConfigError
from clearance.sources.manifest import Source, load_manifest

MANIFEST_SUFFIXES = (".yaml", ".yml")


def is_manifest(path: str) -> bool:
    return "://" not in path and path.lower().endswith(MANIFEST_SUFFIXES) and Path(path).is_file()


def sources_from_inputs(inputs: Sequence[str]) -> tuple[list[Source], list[str]]:
    """The sources named by ``inputs`` and the manifests they came from.

    A ``.yaml`` input is a manifest; any other path becomes a source of kind ``unknown``
    named after the path, so ``clearance scan data/`` works before anyone writes a manifest.
    """
    if not inputs:
        raise ConfigError("nothing to scan: give a manifest (clearance.yaml) or paths")
    sources: list[Source] = []
    manifests: list[str] = []
    for raw in inputs:
        if is_manifest(raw):
            manifests.append(str(Path(raw).resolve()))
            sources.extend(load_manifest(raw).sources)
        else:
            if "://" not in raw and not Path(raw).exists():
                raise ConfigError(f"input does not exist: {raw}")
            path = raw if "://" in raw else str(Path(raw).resolve())
            sources.append(Source(name=_unique(_slug(raw), sources), path=path))
    names = [s.name for s in sources]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(f"source names used twice across inputs: {', '.join(duplicated)}")
    return sources, manifests


def _slug(path: str) -> str:
    base = path.rstrip("/").rsplit("/", 1)[-1] or "source"
    slug = re.sub(r"[^a-z0-9._-]+", "-", base.lower()).strip("-._") or "source"
    return slug[:64]


def _unique(name: str, sources: Sequence[Source]) -> str:
    taken = {s.name for s in sources}
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}-{n}"
        n += 1
    return candidate
