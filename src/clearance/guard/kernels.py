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
    return numba is not None and os.environ.get(DISABLE_ENV, "") in ("", "0")


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


if numba is not None:  # compiled lazily, on first call (cached on disk by numba)
    _fmix: Any = numba.njit(inline="always")(_fmix_py)
    _words_jit: Any = numba.njit(cache=True, nogil=True, error_model="numpy")(_words)
    _grams_jit: Any = numba.njit(cache=True, nogil=True, error_model="numpy")(_stored_grams)
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
