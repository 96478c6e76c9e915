"""The on-disk verbatim index: a folder of sorted, memory-mapped segments.

```
INDEX/
  manifest.json              format, mode, n, stride, segments, allowlist, counts
  seg-000001/keys.npy        uint64 n-gram hashes, sorted (np.load(mmap_mode="r"))
  seg-000001/docs.npy        uint16/uint32 document number (within the segment) per key
  seg-000001/documents.jsonl one line per document: source, item_id, uri, bytes
  allow/keys.npy             sorted unique hashes of every allowlisted n-gram (subtracted)
```

Why our own format rather than a library: what the guard needs is narrow (exact lookups of
64-bit keys with a document payload, appendable segments, zero start-up cost through
``np.load(mmap_mode="r")``), and sorted numpy arrays give it in a few lines with no new
dependency; a key-value store or a search engine would add a server or a heavy extra.

Segments are written to a temporary folder and renamed into place, and the manifest is
replaced atomically last, so a crash never leaves a half-written index that looks complete.
``add`` writes a new segment; ``merge`` rewrites all segments as one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from clearance import __version__
from clearance.guard.normalize import MODES, Mode
from clearance.model.errors import ConfigError, RunError

FORMAT: Final = "clearance-guard-index"
FORMAT_VERSION: Final = 1
HASH_NAME: Final = "lanes64-fmix64/v1"
MANIFEST: Final = "manifest.json"
#: at most this many documents are kept per n-gram; boilerplate beyond it names a sample.
MAX_DOCS_PER_KEY: Final = 32

U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class DocumentRef:
    """Where an indexed text came from: enough for counsel to find it again."""

    source: str
    item_id: str
    uri: str
    bytes: int = 0


@dataclass(frozen=True)
class IndexParams:
    mode: Mode = "text"
    n: int = 8
    stride: int = 4

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"index mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not 2 <= self.n <= 32 or not 1 <= self.stride <= self.n:
            raise ConfigError(f"need 2 <= n <= 32 and 1 <= stride <= n (n={self.n})")

    @property
    def guaranteed_words(self) -> int:
        """Any shared run of this many words contains at least one stored n-gram."""
        return self.n + self.stride - 1


@dataclass
class Manifest:
    params: IndexParams
    segments: list[dict[str, Any]] = field(default_factory=list)
    allow_keys: int = 0
    created: str = ""
    updated: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "hash": HASH_NAME,
            "clearance_version": __version__,
            **asdict(self.params),
            "segments": self.segments,
            "allow_keys": self.allow_keys,
            "documents": sum(int(s["documents"]) for s in self.segments),
            "entries": sum(int(s["entries"]) for s in self.segments),
            "bytes_in": sum(int(s["bytes_in"]) for s in self.segments),
            "created": self.created,
            "updated": self.updated,
        }

    @classmethod
    def read(cls, index: Path) -> Manifest:
        path = index / MANIFEST
        if not path.is_file():
            raise ConfigError(f"not a guard index (no {MANIFEST}): {index}")
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"unreadable index manifest: {exc}", file=str(path)) from exc
        if data.get("format") != FORMAT or data.get("hash") != HASH_NAME:
            raise ConfigError("not a clearance guard index or another hash", file=str(path))
        if data.get("version") != FORMAT_VERSION:
            raise ConfigError(f"index format version {data.get('version')}", file=str(path))
        params = IndexParams(mode=data["mode"], n=int(data["n"]), stride=int(data["stride"]))
        return cls(
            params=params,
            segments=list(data["segments"]),
            allow_keys=int(data.get("allow_keys", 0)),
            created=str(data.get("created", "")),
            updated=str(data.get("updated", "")),
        )

    def write(self, index: Path) -> None:
        self.updated = _now()
        self.created = self.created or self.updated
        _atomic_write(index / MANIFEST, json.dumps(self.to_json(), indent=2) + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def next_segment_name(manifest: Manifest) -> str:
    numbers = [int(s["name"].split("-")[1]) for s in manifest.segments]
    return f"seg-{max(numbers, default=0) + 1:06d}"


def write_segment(
    index: Path,
    name: str,
    keys: U64,
    docs: npt.NDArray[np.int64],
    documents: Sequence[DocumentRef],
    bytes_in: int,
) -> dict[str, Any]:
    """Sort and write one segment; returns its manifest entry. Duplicate pairs are dropped."""
    keys, docs = sort_entries(keys, docs)
    dtype = np.uint16 if len(documents) <= 0xFFFF else np.uint32
    tmp = Path(tempfile.mkdtemp(dir=index, prefix=f".{name}."))
    try:
        np.save(tmp / "keys.npy", keys)
        np.save(tmp / "docs.npy", docs.astype(dtype))
        with (tmp / "documents.jsonl").open("w", encoding="utf-8") as out:
            for doc in documents:
                out.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
        os.replace(tmp, index / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {
        "name": name,
        "entries": int(keys.size),
        "documents": len(documents),
        "bytes_in": int(bytes_in),
        "index_bytes": segment_bytes(index / name),
    }


def sort_entries(keys: U64, docs: npt.NDArray[np.int64]) -> tuple[U64, npt.NDArray[np.int64]]:
    """Entries sorted by (key, doc), exact duplicates dropped, at most MAX_DOCS_PER_KEY docs."""
    if keys.size == 0:
        return keys, docs
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    keep = np.ones(keys.size, bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs = keys[keep], docs[keep]
    new_key = np.ones(keys.size, bool)
    new_key[1:] = keys[1:] != keys[:-1]
    group_start = np.maximum.accumulate(np.where(new_key, np.arange(keys.size), 0))
    rank = np.arange(keys.size) - group_start
    capped = rank < MAX_DOCS_PER_KEY
    return keys[capped], docs[capped]


def segment_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def write_allow(index: Path, keys: U64) -> int:
    """Write the allowlist (sorted unique); returns how many keys it holds."""
    keys = np.unique(keys)
    tmp = Path(tempfile.mkdtemp(dir=index, prefix=".allow."))
    np.save(tmp / "keys.npy", keys)
    old = index / "allow"
    if old.exists():
        shutil.rmtree(old)
    os.replace(tmp, old)
    return int(keys.size)


def read_allow(index: Path) -> U64:
    path = index / "allow" / "keys.npy"
    if not path.is_file():
        return np.empty(0, np.uint64)
    keys: U64 = np.load(path, mmap_mode="r")
    return keys


def contains(sorted_keys: U64, keys: U64) -> npt.NDArray[np.bool_]:
    """Membership of each of ``keys`` in ``sorted_keys`` (binary search, vectorised)."""
    if sorted_keys.size == 0 or keys.size == 0:
        return np.zeros(keys.size, bool)
    at = np.searchsorted(sorted_keys, keys)
    at[at == sorted_keys.size] = 0
    found: npt.NDArray[np.bool_] = sorted_keys[at] == keys
    return found


@dataclass
class Segment:
    """One segment, memory-mapped; its documents table is read on first use."""

    folder: Path
    keys: U64
    docs: npt.NDArray[np.unsignedinteger[Any]]
    _documents: list[DocumentRef] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, folder: Path, *, in_memory: bool = False) -> Segment:
        try:
            keys = np.load(folder / "keys.npy", mmap_mode=None if in_memory else "r")
            docs = np.load(folder / "docs.npy", mmap_mode=None if in_memory else "r")
        except (OSError, ValueError) as exc:
            raise RunError(f"index segment {folder} is damaged: {exc}") from exc
        if keys.dtype != np.uint64 or keys.shape != docs.shape:
            raise RunError(f"index segment {folder} is damaged: keys and docs disagree")
        return cls(folder, keys, docs)

    @property
    def documents(self) -> list[DocumentRef]:
        with self._lock:  # service threads may ask at the same time
            if self._documents is None:
                with (self.folder / "documents.jsonl").open(encoding="utf-8") as lines:
                    self._documents = [DocumentRef(**json.loads(line)) for line in lines]
            return self._documents

    def lookup(self, grams: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(gram index, document number) for every stored match of ``grams``."""
        if self.keys.size == 0 or grams.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        lo = np.searchsorted(self.keys, grams, side="left")
        at = np.minimum(lo, self.keys.size - 1)
        hit = np.flatnonzero(self.keys[at] == grams)
        if hit.size == 0:
            return hit, hit
        hi = np.searchsorted(self.keys, grams[hit], side="right")
        counts = hi - lo[hit]
        which = np.repeat(hit, counts)
        # positions lo..hi-1 of each hit, flattened
        first = np.repeat(lo[hit] - np.cumsum(counts) + counts, counts)
        positions = first + np.arange(which.size)
        return which, np.asarray(self.docs[positions], dtype=np.int64)


def iter_segments(index: Path, manifest: Manifest) -> Iterable[tuple[dict[str, Any], Path]]:
    for entry in manifest.segments:
        yield entry, index / str(entry["name"])
