"""Sorted n-gram keys with a document payload in ~7 bytes per entry, memory-mappable.

Keys are the top ``KEY_BITS`` bits of the 64-bit n-gram hashes. A segment of N entries
splits them by their top ``bucket_bits`` (about log2(N / 16)) bits: a directory of bucket
offsets holds those bits implicitly (4 bytes per bucket, ~0.2 byte per entry), and each
entry keeps the rest of its key and its document number in one fixed-width little-endian
record of ``width`` bytes (the remainder above the document number), read with one unaligned
8-byte gather. Lookups are a directory read and a vectorised binary search in the bucket.

Why 60 bits: a stored record then fits 7 bytes for segments of up to 65,536 documents at
benchmark scale, against 10 for a uint64 key plus a uint16 document, and a lookup that
does not belong to the index still matches by chance with odds of about N / 2**60 (one in
8.6 billion per looked-up n-gram for a 2**27-entry segment): the n-gram hash itself is the
only evidence of a match, so those odds are what a "hash-induced" flag costs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from clearance.guard import build_kernels, kernels

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

KEY_BITS: Final = 60
#: the document number must fit the 8-byte record beside at least this many key bits
MAX_DOC_BITS: Final = 24
MAX_DOCUMENTS: Final = 1 << MAX_DOC_BITS
_DROP: Final = np.uint64(64 - KEY_BITS)
#: entries per bucket aimed at: the directory costs 4 / this bytes per entry
_PER_BUCKET: Final = 16


def truncate(hashes: U64) -> U64:
    """The stored key of 64-bit n-gram hashes (build and check use this one function)."""
    keys: U64 = hashes >> _DROP
    return keys


def _mask(bits: int) -> np.uint64:
    return np.uint64((1 << bits) - 1)


@dataclass(frozen=True)
class Layout:
    entries: int
    bucket_bits: int
    doc_bits: int
    width: int
    max_bucket: int = 0

    @property
    def rem_bits(self) -> int:
        return KEY_BITS - self.bucket_bits

    @classmethod
    def choose(cls, entries: int, documents: int) -> Layout:
        doc_bits = max(documents - 1, 0).bit_length()
        if doc_bits > MAX_DOC_BITS:
            raise ValueError(f"{documents:,} documents in one segment; at most {MAX_DOCUMENTS:,}")
        bucket_bits = max(0, (entries // _PER_BUCKET).bit_length() - 1)
        bucket_bits = max(bucket_bits, KEY_BITS + doc_bits - 64)  # the record fits 8 bytes
        width = -(-(KEY_BITS - bucket_bits + doc_bits) // 8)
        return cls(entries, bucket_bits, doc_bits, max(width, 1))


@dataclass
class PackedKeys:
    """Sorted keys (``truncate``d hashes) with document numbers, as written by ``write``."""

    layout: Layout
    directory: npt.NDArray[np.unsignedinteger[Any]]
    records: npt.NDArray[np.uint8]

    def __post_init__(self) -> None:
        size = self.layout.entries
        self._view: U64 = np.ndarray(
            shape=(size,), dtype="<u8", buffer=self.records, strides=(self.layout.width,)
        )

    @classmethod
    def encode(cls, keys: U64, docs: I64, documents: int) -> PackedKeys:
        """From ``keys`` sorted ascending (``docs`` in the same order)."""
        layout = Layout.choose(int(keys.size), documents)
        rem_bits, doc_bits = layout.rem_bits, layout.doc_bits
        records = np.zeros(keys.size * layout.width + 8, np.uint8)
        if kernels.available():  # one compiled pass: counts and records
            counts = np.zeros(1 << layout.bucket_bits, np.int64)
            build_kernels.pack_records(
                keys, docs, rem_bits, doc_bits, counts, records, layout.width
            )
        else:
            buckets = (keys >> np.uint64(rem_bits)).astype(np.int64)
            counts = np.bincount(buckets, minlength=1 << layout.bucket_bits)
            record = ((keys & _mask(rem_bits)) << np.uint64(doc_bits)) | docs.astype(np.uint64)
            as_bytes = record.astype("<u8").view(np.uint8).reshape(-1, 8)
            records[: keys.size * layout.width] = as_bytes[:, : layout.width].ravel()
        directory: npt.NDArray[np.unsignedinteger[Any]] = np.zeros(
            counts.size + 1, np.uint32 if keys.size < 2**32 else np.uint64
        )
        np.cumsum(counts, out=directory[1:])
        layout = Layout(**{**asdict(layout), "max_bucket": int(counts.max(initial=0))})
        return cls(layout, directory, records)

    def write(self, folder: Path) -> None:
        np.save(folder / "directory.npy", self.directory)
        np.save(folder / "records.npy", self.records)
        (folder / "layout.json").write_text(json.dumps(asdict(self.layout)) + "\n", "utf-8")

    @classmethod
    def read(cls, folder: Path, *, in_memory: bool = False) -> PackedKeys:
        layout = Layout(**json.loads((folder / "layout.json").read_text("utf-8")))
        mode: Literal["r"] | None = None if in_memory else "r"
        directory: npt.NDArray[np.unsignedinteger[Any]] = np.load(
            folder / "directory.npy", mmap_mode=mode
        )
        records: npt.NDArray[np.uint8] = np.load(folder / "records.npy", mmap_mode=mode)
        if (
            records.dtype != np.uint8
            or records.size != layout.entries * layout.width + 8
            or directory.size != (1 << layout.bucket_bits) + 1
            or int(directory[-1]) != layout.entries
        ):
            raise ValueError("records and layout disagree")
        return cls(layout, directory, records)

    def _records(self, at: I64) -> U64:
        values = self._view[at]
        if self.layout.width < 8:
            values = values & _mask(8 * self.layout.width)
        return values

    def decode(self) -> tuple[U64, I64]:
        """Every (key, document) pair, in key order (merging segments)."""
        layout = self.layout
        record = self._records(np.arange(layout.entries))
        offsets = np.asarray(self.directory, dtype=np.int64)
        counts: I64 = offsets[1:] - offsets[:-1]
        buckets = np.repeat(np.arange(counts.size, dtype=np.uint64), counts)
        keys = (buckets << np.uint64(layout.rem_bits)) | (record >> np.uint64(layout.doc_bits))
        docs = (record & _mask(layout.doc_bits)).astype(np.int64)
        return keys, docs

    def lookup(self, keys: U64, *, first_only: bool = False) -> tuple[I64, I64]:
        """(index into ``keys``, document) for every stored entry equal to one of ``keys``."""
        layout = self.layout
        if layout.entries == 0 or keys.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        doc_shift = np.uint64(layout.doc_bits)
        buckets = (keys >> np.uint64(layout.rem_bits)).astype(np.int64)
        wanted = keys & _mask(layout.rem_bits)
        lo = np.asarray(self.directory[buckets], dtype=np.int64)
        end = np.asarray(self.directory[buckets + 1], dtype=np.int64)
        hi = end.copy()
        last = layout.entries - 1
        for _ in range(layout.max_bucket.bit_length()):  # lower bound of ``wanted`` in [lo, hi)
            mid = (lo + hi) >> 1
            less = (self._records(np.minimum(mid, last)) >> doc_shift) < wanted
            still = lo < hi
            lo = np.where(still & less, mid + 1, lo)
            hi = np.where(still & ~less, mid, hi)
        which = np.arange(keys.size)
        found_which: list[I64] = []
        found_docs: list[I64] = []
        while which.size:  # each key's run of equal entries (one per document, few)
            inside = lo < end
            which, lo, end = which[inside], lo[inside], end[inside]
            record = self._records(lo)
            equal = (record >> doc_shift) == wanted[which]
            which, lo, end = which[equal], lo[equal], end[equal]
            found_which.append(which)
            found_docs.append((record[equal] & _mask(layout.doc_bits)).astype(np.int64))
            if first_only:
                break
            lo = lo + 1
        hits = np.concatenate(found_which) if found_which else np.empty(0, np.int64)
        docs = np.concatenate(found_docs) if found_docs else np.empty(0, np.int64)
        order = np.argsort(hits, kind="stable")
        return hits[order], docs[order]

    def contains(self, keys: U64) -> npt.NDArray[np.bool_]:
        found = np.zeros(keys.size, bool)
        found[self.lookup(keys, first_only=True)[0]] = True
        return found

    @property
    def nbytes(self) -> int:
        return int(self.directory.nbytes + self.records.nbytes)
