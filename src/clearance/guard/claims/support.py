"""Support check: do a claim's key terms co-occur in a trusted reference passage?

A reference corpus is a folder of trusted text files and/or the documents a guard index
names (their ``uri`` read back when it is a local file). Each document is tokenised once
into lower-case words with character offsets and an inverted index word -> positions.
A claim is supported when, within ``window`` words of a mention of its entity, the passage
holds a predicate term (same word stem, or any lexicon term of the same category) and every
number the claim states. Co-occurrence is not truth: "supported" means "a trusted document
says something like this near this name", for a reviewer to confirm.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

from clearance.guard.claims.detect import Claim
from clearance.guard.claims.rules import Lexicon
from clearance.model.errors import ConfigError

_TOKEN = re.compile(r"\w+(?:[.,']\w+)*")
MAX_DOC_BYTES: Final = 20_000_000
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "and",
        "or",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "had",
        "have",
        "his",
        "her",
        "their",
        "its",
        "mr",
        "mrs",
        "ms",
        "dr",
        "inc",
        "ltd",
        "llc",
        "plc",
        "gmbh",
        "corp",
        "co",
    ]
)


@dataclass
class RefDoc:
    name: str
    text: str
    starts: list[int]
    ends: list[int]
    words: list[str]
    positions: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class References:
    docs: list[RefDoc] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, name: str, text: str) -> None:
        starts, ends, words = [], [], []
        positions: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(_TOKEN.finditer(text)):
            starts.append(m.start())
            ends.append(m.end())
            word = m.group().casefold()
            words.append(word)
            positions[word].append(i)
        self.docs.append(RefDoc(name, text, starts, ends, words, dict(positions)))

    @classmethod
    def load(
        cls, folders: Iterable[str | Path] = (), index: str | Path | None = None
    ) -> References:
        refs = cls()
        for folder in folders:
            root = Path(folder)
            if not root.exists():
                raise ConfigError(f"reference folder not found: {root}")
            paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
            for path in paths:
                refs._read(path, str(path))
        if index is not None:
            from clearance.guard.index import Manifest, Segment

            manifest = Manifest.read(Path(index))
            for seg in manifest.segments:
                for doc in Segment.open(Path(index) / str(seg["name"])).documents:
                    local = _local_path(doc.uri)
                    if local is None or not local.is_file():
                        refs.problems.append(f"{doc.item_id}: not a local file ({doc.uri})")
                        continue
                    refs._read(local, doc.item_id)
        return refs

    def _read(self, path: Path, name: str) -> None:
        try:
            if path.stat().st_size > MAX_DOC_BYTES:
                self.problems.append(f"{name}: over {MAX_DOC_BYTES:,} bytes, not read")
                return
            data = path.read_bytes()
        except OSError as exc:
            self.problems.append(f"{name}: {exc}")
            return
        if b"\x00" in data[:4096]:
            self.problems.append(f"{name}: not text")
            return
        self.add(name, data.decode("utf-8", "replace"))

    def support(self, claim: Claim, lexicon: Lexicon, window: int) -> dict[str, Any] | None:
        """The first passage that supports ``claim``, as a citation; None when none does."""
        keys = _entity_keys(claim.entity.canonical or claim.entity.text)
        if not keys:
            return None
        stems = [w[:5] for w in _content(claim.predicate)]
        numbers = [t.casefold() for x in claim.numbers for t in _number_tokens(x)]
        pattern = lexicon.categories.get(claim.category)
        for doc in self.docs:
            for pos in doc.positions.get(keys[-1], ()):
                lo, hi = max(0, pos - window), min(len(doc.words), pos + window + 1)
                passage = doc.words[lo:hi]
                if len(keys) > 1 and not all(k in passage for k in keys[:-1]):
                    continue
                a, b = doc.starts[lo], doc.ends[hi - 1]
                how = self._predicate_in(doc, passage, a, b, stems, pattern, claim.category)
                if how is None or not all(n in passage for n in numbers):
                    continue
                return {"document": doc.name, "start": a, "end": b, "match": how}
        return None

    @staticmethod
    def _predicate_in(
        doc: RefDoc,
        passage: list[str],
        a: int,
        b: int,
        stems: list[str],
        pattern: re.Pattern[str] | None,
        category: str,
    ) -> str | None:
        if category in ("quote", "figure"):
            return "terms" if any(w.startswith(s) for s in stems for w in passage) else None
        if stems and any(w.startswith(s) for s in stems for w in passage):
            return "predicate"
        if pattern is not None and pattern.search(doc.text, a, b):
            return "category"
        return None


def _content(text: str) -> list[str]:
    return [w for w in (m.group().casefold() for m in _TOKEN.finditer(text)) if w not in _STOP]


def _entity_keys(name: str) -> list[str]:
    """Words that must appear: all content words of the name, the last one searched first."""
    return [w for w in _content(name) if len(w) > 1]


def _number_tokens(figure: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(figure) if any(c.isdigit() for c in m.group())]


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file://"):
        return Path(urlparse(uri).path)
    if "://" in uri:
        return None
    return Path(uri.split("#", 1)[0])
