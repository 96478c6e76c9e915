"""The source manifest (clearance.yaml) and turning command-line paths into sources."""

from clearance.sources.manifest import (
    Manifest,
    Source,
    SourceKind,
    load_manifest,
    parse_manifest,
)
from clearance.sources.resolve import sources_from_inputs

__all__ = [
    "Manifest",
    "Source",
    "SourceKind",
    "load_manifest",
    "parse_manifest",
    "sources_from_inputs",
]
