"""``clearance init``: draft a manifest from what is in a folder, for people to complete."""

from __future__ import annotations

import re
from pathlib import Path

from clearance.model.errors import ConfigError
from clearance.readers.hf import looks_like_dataset_card, read_card
from clearance.readers.plan import record_format
from clearance.sources.manifest import SourceKind

MANIFEST_NAME = "clearance.yaml"

_HEADER = f"""\
# clearance source manifest: the data inventory of this corpus.
# Fill in `kind`, `license` and `terms` for every source before relying on a scan:
# a source left `unknown` sends its items to review.
#
# kind: {" | ".join(k.value for k in SourceKind)}
# license: the declared SPDX expression (e.g. CC-BY-4.0, MIT OR Apache-2.0) or LicenseRef-...
# format: auto | files | jsonl | parquet | csv | warc | hf
version: 1
sources:
"""


def draft_manifest(folder: Path) -> str:
    """The text of a manifest with one source per top-level entry of ``folder``."""
    entries = sorted(
        p for p in folder.iterdir() if not p.name.startswith(".") and p.name != MANIFEST_NAME
    )
    if not entries:
        raise ConfigError(f"{folder} is empty: nothing to list as a source")
    lines = [_HEADER]
    taken: set[str] = set()
    for entry in entries:
        name = _name(entry.name, taken)
        fmt = _guess_format(entry)
        lines.append(
            f"  - name: {name}\n"
            f"    path: {_quote(entry.name)}\n"
            f"    kind: unknown            # fill in\n"
            f"    format: {fmt}\n"
            f"    license: null            # declared SPDX expression, if any\n"
            f"    terms: null              # URL or file of the terms of use\n"
            f"    vendor_agreement: null\n"
            f"    consent: null            # customer data: the consent basis\n"
            f"    notes: null\n"
        )
    return "".join(lines)


def write_manifest(folder: Path, *, force: bool = False) -> Path:
    if not folder.is_dir():
        raise ConfigError(f"not a folder: {folder}")
    target = folder / MANIFEST_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target} exists; pass --force to overwrite it")
    target.write_text(draft_manifest(folder), encoding="utf-8")
    return target


def _guess_format(entry: Path) -> str:
    if entry.is_dir():
        return "hf" if looks_like_dataset_card(read_card(str(entry))) else "auto"
    return record_format(entry.name) or "files"


def _name(raw: str, taken: set[str]) -> str:
    stem = raw.split(".")[0] or raw
    base = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")[:60] or "source"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _quote(value: str) -> str:
    return (
        value if re.fullmatch(r"[A-Za-z0-9._/-]+", value) else '"' + value.replace('"', '\\"') + '"'
    )
