"""Compiled hashing kernels (numba, optional extra ``guard-fast``): one pass per byte, per word.

Why: the numpy path (``hashing``) makes a dozen array passes per byte and per word; the
build's throughput target needs one. These kernels compute exactly what the numpy
functions compute (the same lanes, multipliers and mixer; ``tests/test_guard_packed.py``
and ``tests/test_guard_fastbuild.py`` compare them on random and hostile input), so an
index built with numba is checked correctly without it and the other way round. Without
numba, ``available()`` is False and callers use numpy. ``build_kernels`` has the build's
folding, sorting and packing.
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

#: how every guard kernel is compiled (here and in ``build_kernels``): lazily on first call,
#: cached on disk, without the GIL; None without numba
compiled: Any = (
    numba.njit(cache=True, nogil=True, error_model="numpy") if numba is not None else None
)

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
                before = int((low * _BYTE_INDEX) >> np.uint64(56))  # bytes before it
                if before:
                    if index < max_lanes:
                        acc += (x & (low - np.uint64(1))) * lane_mult[index]
                    i += before
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


if numba is not None:  # compiled lazily, on first call (cached on disk by numba)
    _fmix: Any = numba.njit(inline="always")(_fmix_py)
    _words_jit: Any = compiled(_words)
    _grams_jit: Any = compiled(_stored_grams)
    _doc_grams_jit: Any = compiled(_doc_grams)
else:  # pragma: no cover
    _fmix = _fmix_py


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
        data,
        lanes_of(data),
        doc_starts,
        size,
        n,
        stride,
        lane_mult,
        length_mult,
        max_lanes,
        gram_mult,
    )
    return result
