"""The on-disk verbatim index: a folder of sorted, memory-mapped segments.

```
INDEX/
  manifest.json              format, version, mode, n, stride, segments, allowlist, counts
  seg-000001/records.npy     packed (key, document number) records, sorted by key (``packed``)
  seg-000001/directory.npy   bucket offsets into the records
  seg-000001/layout.json     bucket bits, document bits, record width
  seg-000001/documents.jsonl.gz  one line per document: source, item_id, uri, bytes
  allow/                     every allowlisted n-gram, the same packing without documents
```

Format 2 (this one) packs ~7 bytes per entry; format 1 stored a uint64 key and a uint16/32
document per entry (10 bytes). An index of another format is refused with a message to
rebuild it.

Why our own format rather than a library: what the guard needs is narrow (exact lookups of
64-bit keys with a document payload, appendable segments, zero start-up cost through
``np.load(mmap_mode="r")``), and sorted numpy arrays give it in a few lines with no new
dependency; a key-value store or a search engine would add a server or a heavy extra.

Segments are written to a temporary folder and renamed into place, and the manifest is
replaced atomically last, so a crash never leaves a half-written index that looks complete.
``add`` writes a new segment; ``merge`` rewrites all segments as one.
"""

from __future__ import annotations

import gzip
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
from clearance.guard import build_kernels, kernels
from clearance.guard.normalize import MODES, Mode
from clearance.guard.packed import KEY_BITS, MAX_DOC_BITS, PackedKeys
from clearance.model.errors import ConfigError, RunError

FORMAT: Final = "clearance-guard-index"
FORMAT_VERSION: Final = 2
HASH_NAME: Final = "lanes64-fmix64/v1"
MANIFEST: Final = "manifest.json"
#: the documents table, gzip-compressed (its lines repeat source and uri: ~10x smaller)
DOCUMENTS: Final = "documents.jsonl.gz"
#: at most this many documents are kept per n-gram; boilerplate beyond it names a sample.
MAX_DOCS_PER_KEY: Final = 32

U64 = npt.NDArray[np.uint64]
#: ``json.dumps(..., ensure_ascii=False)`` without making an encoder per document
_JSON: Final = json.JSONEncoder(ensure_ascii=False)


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
        if data.get("format") != FORMAT:
            raise ConfigError("not a clearance guard index", file=str(path))
        if data.get("version") != FORMAT_VERSION or data.get("hash") != HASH_NAME:
            raise ConfigError(
                f"index format {data.get('version')} ({data.get('hash')}) is not the format "
                f"this clearance reads ({FORMAT_VERSION}, {HASH_NAME}): rebuild it with "
                f"`clearance guard build`",
                file=str(path),
            )
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
    """Sort and write one segment of ``truncate``d keys; returns its manifest entry.
    Duplicate pairs are dropped."""
    keys, docs = sort_entries(keys, docs)
    packed = PackedKeys.encode(keys, docs, len(documents))
    tmp = Path(tempfile.mkdtemp(dir=index, prefix=f".{name}."))
    try:
        packed.write(tmp)
        with gzip.open(tmp / DOCUMENTS, "wt", encoding="utf-8", compresslevel=6) as out:
            for doc in documents:
                out.write(_JSON.encode(vars(doc)) + "\n")
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
    doc_bits = int(docs.max()).bit_length()
    compiled = kernels.available() and doc_bits <= MAX_DOC_BITS and int(docs.min()) >= 0
    if compiled and int(keys.max()) < 1 << KEY_BITS:
        # buckets of ~2 entries; the rest of a key beside its document fits a uint64
        bucket_bits = min(22, max(0, (keys.size // 2).bit_length() - 1))
        bucket_bits = max(bucket_bits, KEY_BITS + doc_bits - 64)
        return build_kernels.sort_entries(
            keys, docs, KEY_BITS, bucket_bits, doc_bits, MAX_DOCS_PER_KEY
        )
    order = np.argsort(keys)  # not stable, but several times faster than lexsort
    keys, docs = keys[order], docs[order]
    new_key = np.ones(keys.size, bool)
    new_key[1:] = keys[1:] != keys[:-1]
    if new_key.all():
        return keys, docs
    # documents in order within runs of equal keys: sort (key rank, doc) packed in one uint64
    rank = np.cumsum(new_key, dtype=np.uint64)
    pairs = np.sort((rank << np.uint64(32)) | docs.astype(np.uint64))
    docs = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    keep = np.ones(keys.size, bool)
    keep[1:] = pairs[1:] != pairs[:-1]
    keys, docs = keys[keep], docs[keep]
    new_key = np.ones(keys.size, bool)
    new_key[1:] = keys[1:] != keys[:-1]
    group_start = np.flatnonzero(new_key)
    sizes = np.diff(group_start, append=keys.size)
    if sizes.max() <= MAX_DOCS_PER_KEY:
        return keys, docs
    capped = (np.arange(keys.size) - np.repeat(group_start, sizes)) < MAX_DOCS_PER_KEY
    return keys[capped], docs[capped]


def segment_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def write_allow(index: Path, keys: U64) -> int:
    """Write the allowlist (``truncate``d keys); returns how many distinct keys it holds."""
    keys = np.unique(keys)
    tmp = Path(tempfile.mkdtemp(dir=index, prefix=".allow."))
    PackedKeys.encode(keys, np.zeros(keys.size, np.int64), 1).write(tmp)
    old = index / "allow"
    if old.exists():
        shutil.rmtree(old)
    os.replace(tmp, old)
    return int(keys.size)


def open_allow(index: Path, *, in_memory: bool = False) -> PackedKeys | None:
    folder = index / "allow"
    if not (folder / "layout.json").is_file():
        return None
    try:
        return PackedKeys.read(folder, in_memory=in_memory)
    except (OSError, ValueError) as exc:
        raise RunError(f"index allowlist {folder} is damaged: {exc}") from exc


def read_allow(index: Path) -> U64:
    """The allowlist's keys, sorted (in memory)."""
    allow = open_allow(index)
    return allow.decode()[0] if allow is not None else np.empty(0, np.uint64)


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
    packed: PackedKeys
    _documents: list[DocumentRef] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, folder: Path, *, in_memory: bool = False) -> Segment:
        try:
            return cls(folder, PackedKeys.read(folder, in_memory=in_memory))
        except (OSError, ValueError, TypeError) as exc:
            raise RunError(f"index segment {folder} is damaged: {exc}") from exc

    @property
    def documents(self) -> list[DocumentRef]:
        with self._lock:  # service threads may ask at the same time
            if self._documents is None:
                with gzip.open(self.folder / DOCUMENTS, "rt", encoding="utf-8") as lines:
                    self._documents = [DocumentRef(**json.loads(line)) for line in lines]
            return self._documents

    def lookup(self, keys: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(index into ``keys``, document number) for every stored match of ``keys``
        (``truncate``d n-gram hashes)."""
        return self.packed.lookup(keys)


def iter_segments(index: Path, manifest: Manifest) -> Iterable[tuple[dict[str, Any], Path]]:
    for entry in manifest.segments:
        yield entry, index / str(entry["name"])
