"""Compiled kernels of the build's other steps (numba, extra ``guard-fast``): folding UTF-8,
sorting entries, packing records; ``kernels`` has the hashing ones.

Each computes exactly what its numpy counterpart computes (``normalize.fold_bytes``,
``index.sort_entries``, ``packed.PackedKeys.encode``; ``tests/test_guard_fastbuild.py``
compares them), so an index has the same bytes whichever path built it. Callers check
``kernels.available()`` first.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from clearance.guard.kernels import I64, U64, compiled, lanes_of, numba

_HIGH: Final = np.uint64(0x8080808080808080)


def _at_least(c: int) -> np.uint64:
    """Added to 8 bytes below 0x80, sets the top bit of each byte that is >= ``c``."""
    return np.uint64((0x80 - c) * 0x0101010101010101)


_GE_0: Final = _at_least(ord("0"))
_GE_COLON: Final = _at_least(ord("9") + 1)
_GE_A: Final = _at_least(ord("A"))
_GE_AFTER_Z: Final = _at_least(ord("Z") + 1)
_GE_LOWER_A: Final = _at_least(ord("a"))
_GE_AFTER_LOWER_Z: Final = _at_least(ord("z") + 1)
_SPACES: Final = np.uint64(0x2020202020202020)


def _fold8_py(x: np.uint64) -> np.uint64:
    """``normalize._ASCII_TABLE`` on 8 ASCII bytes at once: letters and digits stay (capitals
    lowered: + 0x20), every other byte becomes a space."""
    upper = (x + _GE_A) & ~(x + _GE_AFTER_Z) & _HIGH
    lower = (x + _GE_LOWER_A) & ~(x + _GE_AFTER_LOWER_Z) & _HIGH
    digit = (x + _GE_0) & ~(x + _GE_COLON) & _HIGH
    keep = ((upper | lower | digit) >> np.uint64(7)) * np.uint64(0xFF)
    return ((x | (upper >> np.uint64(2))) & keep) | (_SPACES & ~keep)


def _fold_utf8(
    data: npt.NDArray[np.uint8],
    data_lanes: U64,
    ends: I64,
    ascii_table: npt.NDArray[np.uint8],
    cp_at: npt.NDArray[np.int32],
    cp_len: npt.NDArray[np.uint8],
    pool: npt.NDArray[np.uint8],
    out: npt.NDArray[np.uint8],
    out_lanes: U64,
    folded_starts: I64,
    missing: npt.NDArray[np.bool_],
    d: int,
    i: int,
    o: int,
) -> tuple[int, int, int, int]:
    """``normalize.fold_bytes`` of UTF-8 texts ending at ``ends``, from text ``d``, byte
    ``i``, into ``out`` from ``o``, a space after each (where each starts: ``folded_starts``):
    ASCII bytes through the byte table, other characters replaced by their folded bytes
    (``pool[cp_at[c]:][:cp_len[c]]``). Returns where it stopped (``out`` full: the caller
    grows it and calls again) and how many code points had no entry (``cp_at`` < 0, set
    in ``missing``; the output is then incomplete: the caller fills them in and folds again).
    Input is valid UTF-8 (from ``str.encode``); a malformed byte would become a separator."""
    unknown = 0
    room = out.size
    while d < ends.size:
        end = ends[d]
        if i == (ends[d - 1] if d else 0):
            folded_starts[d] = o
        while i < end:
            if i + 8 <= end and o + 8 <= room:  # 8 ASCII bytes at a time where it can
                x = data_lanes[i]
                if not x & _HIGH:
                    out_lanes[o] = _fold8(x)
                    i += 8
                    o += 8
                    continue
            c = data[i]
            if c < 128:
                if o == room:
                    return d, i, o, unknown
                out[o] = ascii_table[c]
                o += 1
                i += 1
                continue
            more = 3 if c >= 0xF0 else 2 if c >= 0xE0 else 1 if c >= 0xC0 else -1
            code = np.int64(c & (0x07 if c >= 0xF0 else 0x0F if c >= 0xE0 else 0x1F))
            if c >= 0xF8 or i + more >= end:
                more = -1
            else:
                for k in range(1, more + 1):
                    follow = data[i + k]
                    if follow & 0xC0 != 0x80:
                        more = -1
                        break
                    code = (code << 6) | (follow & 0x3F)
            if more < 0 or code >= cp_at.size:
                if o == room:
                    return d, i, o, unknown
                out[o] = 32
                o += 1
                i += 1
                continue
            at = cp_at[code]
            if at < 0:
                unknown += 1
                missing[code] = True
                i += more + 1
                continue
            length = cp_len[code]
            if o + length > room:
                return d, i, o, unknown
            for k in range(length):
                out[o + k] = pool[at + k]
            o += length
            i += more + 1
        if o == room:
            return d, i, o, unknown
        out[o] = 32  # the texts' separator
        o += 1
        d += 1
    return d, i, o, unknown


def _sort_entries(
    keys: U64, docs: I64, key_bits: int, bucket_bits: int, doc_bits: int, cap: int
) -> tuple[U64, I64]:
    """``index.sort_entries`` of keys below ``2**key_bits`` and documents below
    ``2**doc_bits``: a counting sort on the top ``bucket_bits`` key bits, then each bucket's
    (rest of key, document) pairs, packed in one uint64 (``key_bits - bucket_bits +
    doc_bits`` <= 64), sorted in place; exact duplicates dropped, at most ``cap``
    documents per key."""
    rem_bits = np.uint64(key_bits - bucket_bits)
    shift = np.uint64(doc_bits)
    mask = (np.uint64(1) << rem_bits) - np.uint64(1)
    buckets = 1 << bucket_bits
    starts = np.zeros(buckets + 1, np.int64)
    for i in range(keys.size):
        starts[np.int64(keys[i] >> rem_bits) + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    pairs = np.empty(keys.size, np.uint64)
    for i in range(keys.size):
        bucket = np.int64(keys[i] >> rem_bits)
        pairs[fill[bucket]] = ((keys[i] & mask) << shift) | np.uint64(docs[i])
        fill[bucket] += 1
    out_keys = np.empty(keys.size, np.uint64)
    out_docs = np.empty(keys.size, np.int64)
    doc_mask = (np.uint64(1) << shift) - np.uint64(1)
    out = 0
    for b in range(buckets):
        lo, hi = starts[b], starts[b + 1]
        if hi - lo > 32:
            pairs[lo:hi].sort()
        else:  # a few entries (hashes spread evenly): insertion sort, no call
            for j in range(lo + 1, hi):
                pair = pairs[j]
                k = j - 1
                while k >= lo and pairs[k] > pair:
                    pairs[k + 1] = pairs[k]
                    k -= 1
                pairs[k + 1] = pair
        run = 0
        for j in range(lo, hi):
            pair = pairs[j]
            if j > lo:
                if pair == pairs[j - 1]:
                    continue
                run = run + 1 if (pair >> shift) == (pairs[j - 1] >> shift) else 1
            else:
                run = 1
            if run > cap:
                continue
            out_keys[out] = (np.uint64(b) << rem_bits) | (pair >> shift)
            out_docs[out] = np.int64(pair & doc_mask)
            out += 1
    return out_keys[:out], out_docs[:out]


def _pack_records(
    keys: U64, docs: I64, rem_bits: int, doc_bits: int, counts: I64, view: U64
) -> None:
    """``packed.PackedKeys.encode``: entries per bucket, and each record (the rest of its key
    above its document) written as 8 little-endian bytes at its offset in ascending order,
    so each overwrites the zero top bytes of the one before."""
    shift = np.uint64(rem_bits)
    mask = (np.uint64(1) << shift) - np.uint64(1)
    for i in range(keys.size):
        key = keys[i]
        counts[np.int64(key >> shift)] += 1
        view[i] = ((key & mask) << np.uint64(doc_bits)) | np.uint64(docs[i])


if numba is not None:  # compiled lazily, on first call (cached on disk by numba)
    _fold8: Any = numba.njit(inline="always")(_fold8_py)
    _fold_jit: Any = compiled(_fold_utf8)
    _sort_jit: Any = compiled(_sort_entries)
    _pack_jit: Any = compiled(_pack_records)
else:  # pragma: no cover
    _fold8 = _fold8_py


def fold_utf8(
    data: npt.NDArray[np.uint8],
    ends: I64,
    ascii_table: npt.NDArray[np.uint8],
    cp_at: npt.NDArray[np.int32],
    cp_len: npt.NDArray[np.uint8],
    pool: npt.NDArray[np.uint8],
    out: npt.NDArray[np.uint8],
    folded_starts: I64,
    missing: npt.NDArray[np.bool_],
    at: tuple[int, int, int],
) -> tuple[int, int, int, int]:
    result: tuple[int, int, int, int] = _fold_jit(
        data,
        lanes_of(data),
        ends,
        ascii_table,
        cp_at,
        cp_len,
        pool,
        out,
        lanes_of(out),
        folded_starts,
        missing,
        *at,
    )
    return result


def sort_entries(
    keys: U64, docs: I64, key_bits: int, bucket_bits: int, doc_bits: int, cap: int
) -> tuple[U64, I64]:
    result: tuple[U64, I64] = _sort_jit(keys, docs, key_bits, bucket_bits, doc_bits, cap)
    return result


def pack_records(
    keys: U64,
    docs: I64,
    rem_bits: int,
    doc_bits: int,
    counts: I64,
    records: npt.NDArray[np.uint8],
    width: int,
) -> None:
    """Fills ``counts`` and ``records`` (``width`` bytes per entry and 8 to spare, zeros)."""
    view = np.ndarray(shape=(keys.size,), dtype=np.uint64, buffer=records, strides=(width,))
    _pack_jit(keys, docs, rem_bits, doc_bits, counts, view)
