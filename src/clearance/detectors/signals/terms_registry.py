"""The source-terms registry: web domain patterns -> the kind of terms that govern the site.

Shipped as data (``data/terms_registry.yaml``, each entry with its citation and how far it
was checked) and extended per source by the manifest field ``terms_registry: FILE`` (same
format; the file itself is the citation). A bad registry file fails the scan at start with
the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

from clearance.model.errors import ConfigError
from clearance.model.yaml_config import parse_yaml

BUILTIN: Final = "data/terms_registry.yaml"
STATUSES: Final = frozenset({"primary", "secondary", "unverified", "declared"})
CONFIDENCE: Final = {"primary": 0.9, "declared": 0.9, "secondary": 0.7, "unverified": 0.5}


@dataclass(frozen=True)
class TermsEntry:
    id: str
    patterns: tuple[str, ...]
    terms_class: str
    ai_training: str
    name: str
    summary: str
    citation: str
    status: str
    quote: str = ""
    read_on: str = ""


@dataclass(frozen=True)
class Match:
    entry: TermsEntry
    host: str
    pattern: str


class TermsRegistry:
    """Host lookup in O(labels): exact domains and ``*.`` wildcards, most specific first."""

    def __init__(self, entries: list[TermsEntry]) -> None:
        self.entries = entries
        self._exact: dict[str, TermsEntry] = {}
        self._wild: dict[str, TermsEntry] = {}
        for entry in entries:  # earlier entries (a manifest's) win ties
            for pattern in entry.patterns:
                table = self._wild if pattern.startswith("*.") else self._exact
                table.setdefault(pattern.removeprefix("*."), entry)

    def match_url(self, url: str) -> Match | None:
        host = host_of(url)
        return self.match_host(host) if host else None

    def match_host(self, host: str) -> Match | None:
        labels = host.lower().rstrip(".").split(".")
        for i in range(len(labels)):
            suffix = ".".join(labels[i:])
            entry = self._exact.get(suffix)
            if entry is not None:
                return Match(entry, host, suffix)
            if i > 0 and (entry := self._wild.get(suffix)) is not None:
                return Match(entry, host, f"*.{suffix}")
        return None

    def extended(self, extra: list[TermsEntry]) -> TermsRegistry:
        return TermsRegistry([*extra, *self.entries])


def host_of(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@lru_cache(maxsize=1)
def builtin_registry() -> TermsRegistry:
    text = files("clearance.detectors.signals").joinpath(BUILTIN).read_text(encoding="utf-8")
    return TermsRegistry(parse_registry(text, file=BUILTIN, builtin=True))


def load_registry_file(path: str) -> list[TermsEntry]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read terms registry: {exc}", file=path) from None
    return parse_registry(text, file=path, builtin=False)


def parse_registry(text: str, *, file: str, builtin: bool) -> list[TermsEntry]:
    node, data = parse_yaml(text, file=file)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError("a terms registry is a mapping with an 'entries' list", file=file, line=1)
    nodes = _entry_nodes(node)
    return [
        _entry(raw, file, nodes[i] if i < len(nodes) else None, builtin)
        for i, raw in enumerate(data["entries"])
    ]


def _entry_nodes(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "entries" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []


def _entry(raw: Any, file: str, node: Any, builtin: bool) -> TermsEntry:
    line = node.start_mark.line + 1 if node is not None else None

    def fail(message: str) -> ConfigError:
        return ConfigError(f"terms registry entry: {message}", file=file, line=line)

    if not isinstance(raw, dict):
        raise fail("must be a mapping")
    patterns = raw.get("patterns")
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) and p.strip() for p in patterns)
    ):
        raise fail("'patterns' must be a non-empty list of domains (e.g. example.com, *.gov)")
    for pattern in patterns:
        bare = pattern.removeprefix("*.")
        if "*" in bare or "/" in bare or not bare.strip("."):
            raise fail(f"pattern {pattern!r}: use a domain or '*.' followed by a domain")
    terms_class = raw.get("class")
    if not isinstance(terms_class, str) or not terms_class:
        raise fail("'class' is required (e.g. news-publisher, stock-photo)")
    status = str(raw.get("status") or ("unverified" if builtin else "declared"))
    if status not in STATUSES:
        raise fail(f"'status' must be one of {', '.join(sorted(STATUSES))}")
    citation = str(raw.get("citation") or ("" if builtin else file))
    if builtin and not citation:
        raise fail("a shipped entry needs a citation (or 'unverified')")
    return TermsEntry(
        id=str(raw.get("id") or patterns[0]),
        patterns=tuple(p.strip().lower() for p in patterns),
        terms_class=terms_class,
        ai_training=str(raw.get("ai_training") or "unknown"),
        name=str(raw.get("name") or patterns[0]),
        summary=" ".join(str(raw.get("summary") or "").split()),
        citation=citation,
        status=status,
        quote=" ".join(str(raw.get("quote") or "").split()),
        read_on=str(raw.get("read_on") or ""),
    )
