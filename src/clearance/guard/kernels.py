"""Compiled build kernels (numba, optional extra ``guard-fast``): one pass per byte, per word.

Why: the numpy path (``hashing``) makes a dozen array passes per byte and per word; the
build's throughput target needs one. These kernels compute exactly what the numpy
functions compute (the same lanes, multipliers and mixer; ``tests/test_guard_kernels.py``
compares them on random and hostile input), so an index built with numba is checked
correctly without it and the other way round. Without numba, ``available()`` is False
and callers use numpy.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Final

import numpy as np
import numpy.typing as npt

numba: Any
try:  # pragma: no cover - which branch runs depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None

#: set to 1 to use the numpy path even where numba is installed (comparisons, debugging)
DISABLE_ENV: Final = "CLEARANCE_GUARD_NO_JIT"

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def available() -> bool:
    """numba is installed, not disabled, and the machine little-endian (``lanes_of``)."""
    return (
        numba is not None
        and sys.byteorder == "little"
        and os.environ.get(DISABLE_ENV, "") in ("", "0")
    )


def _words(
    raw: npt.NDArray[np.uint8], lane_mult: U64, length_mult: np.uint64, max_lanes: int
) -> tuple[U64, I64, I64, npt.NDArray[np.bool_]]:
    """Word hashes (``hashing._chunk_hashes``: lanes times multipliers plus length, mixed),
    start and end offsets, whether it looks like a number (``hashing._numeric``). Words
    over ``max_lanes`` lanes are left to the caller."""
    size = raw.size
    count = 0
    previous = 0
    for i in range(size):  # count first: exact allocations (page faults cost per byte)
        current = raw[i] > 32
        if current and not previous:
            count += 1
        previous = current
    sums = np.empty(count, np.uint64)
    starts = np.empty(count, np.int64)
    ends = np.empty(count, np.int64)
    numeric = np.empty(count, np.bool_)
    count = 0
    i = 0
    while i < size:
        if raw[i] <= 32:
            i += 1
            continue
        begin = i
        acc = np.uint64(0)
        lane = np.uint64(0)
        shift = 0
        index = 0
        while i < size and raw[i] > 32:
            lane |= np.uint64(raw[i]) << np.uint64(shift)
            shift += 8
            if shift == 64:
                if index < max_lanes:
                    acc += lane * lane_mult[index]
                index += 1
                lane = np.uint64(0)
                shift = 0
            i += 1
        if shift and index < max_lanes:
            acc += lane * lane_mult[index]
        sums[count] = _fmix(acc + np.uint64(i - begin) * length_mult)
        starts[count] = begin
        ends[count] = i
        first, last = raw[begin], raw[i - 1]
        numeric[count] = 48 <= first <= 57 and 48 <= last <= 57
        count += 1
    return sums, starts, ends, numeric


def _fmix_py(x: np.uint64) -> np.uint64:
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def _stored_grams(
    words: U64,
    numeric: npt.NDArray[np.bool_],
    first_word: I64,
    n: int,
    stride: int,
    gram_mult: U64,
) -> tuple[U64, I64]:
    """Hashes of the n-grams at every ``stride``-th word of each document (documents start
    at ``first_word``, the last entry is the end), skipping all-number n-grams."""
    docs = first_word.size - 1
    total = 0
    for d in range(docs):
        length = first_word[d + 1] - first_word[d]
        if length >= n:
            total += (length - n) // stride + 1
    keys = np.empty(total, np.uint64)
    owner = np.empty(total, np.int64)
    out = 0
    for d in range(docs):
        p = first_word[d]
        while p + n <= first_word[d + 1]:
            acc = np.uint64(0)
            numbers = 0
            for k in range(n):
                acc += words[p + k] * gram_mult[k]
                numbers += numeric[p + k]
            if numbers < n:
                keys[out] = _fmix(acc)
                owner[out] = d
                out += 1
            p += stride
    return keys[:out], owner[:out]


_ONES: Final = np.uint64(0x2121212121212121)  # 0x21 in every byte: bytes below are separators
_HIGH: Final = np.uint64(0x8080808080808080)
_BYTE_INDEX: Final = np.uint64(0x0001020304050607)  # (256**k * this) >> 56 == k


def lanes_of(data: npt.NDArray[np.uint8]) -> U64:
    """Every byte offset of ``data`` as the start of a little-endian uint64 (a view, no copy;
    unaligned: numba reads it as such): ``data`` must hold 7 bytes after the last used."""
    lanes: U64 = np.ndarray(
        shape=(max(data.size - 7, 0),), dtype=np.uint64, buffer=data, strides=(1,)
    )
    return lanes


def _doc_grams(
    data: npt.NDArray[np.uint8],
    lanes: U64,
    doc_starts: I64,
    size: int,
    n: int,
    stride: int,
    lane_mult: U64,
    length_mult: np.uint64,
    max_lanes: int,
    gram_mult: U64,
) -> tuple[U64, I64, bool]:
    """``_words`` then ``_stored_grams`` in one pass over ``data[:size]``, whose documents
    start at ``doc_starts`` with a separator before each next one (``lanes``: ``lanes_of``,
    8 readable bytes past ``size``). A word is read 8 bytes at a time, its end found with a
    bit trick (a byte below 0x21 minus 0x21 borrows into its top bit), and word hashes live
    only in a ring of the last ``n``. A word over ``max_lanes`` lanes (hashed with BLAKE2b
    by the caller) stops it: the third value is then True."""
    docs = doc_starts.size
    # words of a document <= (bytes + 1) / 2, its n-grams <= words / stride + 1
    keys = np.empty((size + 1) // (2 * stride) + docs + 1, np.uint64)
    owner = np.empty(keys.size, np.int64)
    ring = np.zeros(n, np.uint64)
    ring_number = np.zeros(n, np.int64)
    out = 0
    i = 0
    for d in range(docs):
        end = doc_starts[d + 1] if d + 1 < docs else size
        ring_number[:] = 0
        numbers = 0  # numeric words among the last n
        count = 0  # words of this document so far
        slot = 0  # count % n
        next_gram = n  # the count at which the next stored n-gram ends
        while i < end:
            if data[i] <= 32:
                i += 1
                continue
            begin = i
            acc = np.uint64(0)
            index = 0
            while True:
                x = lanes[i]
                stops = (x - _ONES) & ~x & _HIGH  # the lowest one is the first separator
                left = end - i
                if left < 8:  # the document ends: the bytes after it stop the word too
                    stops |= _HIGH & ~((np.uint64(1) << np.uint64(8 * left)) - np.uint64(1))
                if stops == 0:
                    if index < max_lanes:
                        acc += x * lane_mult[index]
                    index += 1
                    i += 8
                    continue
                low = (stops & (~stops + np.uint64(1))) >> np.uint64(7)
                k = np.int64((low * _BYTE_INDEX) >> np.uint64(56))
                if k:
                    if index < max_lanes:
                        acc += (x & (low - np.uint64(1))) * lane_mult[index]
                    i += k
                break
            if i - begin > 8 * max_lanes:
                return keys[:0], owner[:0], True
            first, last = data[begin], data[i - 1]
            number = 1 if 48 <= first <= 57 and 48 <= last <= 57 else 0
            numbers += number - ring_number[slot]
            ring_number[slot] = number
            ring[slot] = _fmix(acc + np.uint64(i - begin) * length_mult)
            count += 1
            slot = slot + 1 if slot + 1 < n else 0
            if count == next_gram:
                next_gram += stride
                if numbers == n:  # all numbers: never stored
                    continue
                gram = np.uint64(0)
                at = slot  # the oldest word of the ring starts the n-gram
                for k in range(n):
                    gram += ring[at] * gram_mult[k]
                    at = at + 1 if at + 1 < n else 0
                keys[out] = _fmix(gram)
                owner[out] = d
                out += 1
    return keys[:out], owner[:out], False


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
        b = np.int64(keys[i] >> rem_bits)
        pairs[fill[b]] = ((keys[i] & mask) << shift) | np.uint64(docs[i])
        fill[b] += 1
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
    _fmix: Any = numba.njit(inline="always")(_fmix_py)
    _fold8: Any = numba.njit(inline="always")(_fold8_py)
    _jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    _words_jit: Any = _jit(_words)
    _grams_jit: Any = _jit(_stored_grams)
    _doc_grams_jit: Any = _jit(_doc_grams)
    _fold_jit: Any = _jit(_fold_utf8)
    _sort_jit: Any = _jit(_sort_entries)
    _pack_jit: Any = _jit(_pack_records)
else:  # pragma: no cover
    _fmix = _fmix_py
    _fold8 = _fold8_py


def words(
    raw: npt.NDArray[np.uint8], lane_mult: U64, length_mult: np.uint64, max_lanes: int
) -> tuple[U64, I64, I64, npt.NDArray[np.bool_]]:
    result: tuple[U64, I64, I64, npt.NDArray[np.bool_]]
    result = _words_jit(raw, lane_mult, length_mult, max_lanes)
    return result


def stored_grams(
    words: U64,
    numeric: npt.NDArray[np.bool_],
    first_word: I64,
    n: int,
    stride: int,
    gram_mult: U64,
) -> tuple[U64, I64]:
    result: tuple[U64, I64] = _grams_jit(words, numeric, first_word, n, stride, gram_mult)
    return result


def doc_grams(
    data: npt.NDArray[np.uint8],
    doc_starts: I64,
    size: int,
    n: int,
    stride: int,
    lane_mult: U64,
    length_mult: np.uint64,
    max_lanes: int,
    gram_mult: U64,
) -> tuple[U64, I64, bool]:
    result: tuple[U64, I64, bool] = _doc_grams_jit(
        data, lanes_of(data), doc_starts, size, n, stride, lane_mult, length_mult, max_lanes,
        gram_mult,
    )
    return result


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
        data, lanes_of(data), ends, ascii_table, cp_at, cp_len, pool, out, lanes_of(out),
        folded_starts, missing, *at,
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
