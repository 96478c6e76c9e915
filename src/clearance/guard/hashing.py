"""Vectorised 64-bit hashes of words and word n-grams (numpy, no Python loop per word).

Why our own code: the index is the product, and the per-word Python loop of a hashing
library (``hashlib``, ``xxhash``) costs more than the rest of the build together. With the
``guard-fast`` extra (numba) ``kernels`` computes the same hashes in one compiled pass. A word is
read as 8-byte lanes gathered straight from the byte buffer (a handful of array operations
per word, none per byte beyond finding the word boundaries), then finalised with
MurmurHash3's 64-bit mixer; an n-gram hash is a sum of word hashes times
per-position odd constants, mixed again. Stable across processes and machines (fixed seed).
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import numpy.typing as npt

from clearance.guard import kernels

U64 = npt.NDArray[np.uint64]

_SEED: Final = 0x636C656172616E63  # "clearanc"
_rng = np.random.Generator(np.random.PCG64(_SEED))
#: odd multipliers, one per n-gram position (up to 32-grams).
GRAM_MULT: Final = _rng.integers(0, 2**63, size=32, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
#: words up to MAX_LANES * 8 bytes are hashed as 8-byte lanes; longer ones with BLAKE2b.
MAX_LANES: Final = 32
LANE_MULT: Final = _rng.integers(0, 2**63, size=MAX_LANES, dtype=np.uint64) * np.uint64(
    2
) + np.uint64(1)
#: bytes hashed per array pass; a longer input is cut at a separator.
CHUNK_BYTES: Final = 1 << 22
LENGTH_MULT: Final = np.uint64(0x9E3779B97F4A7C15)
#: keeps the first k bytes (little-endian) of a lane, k = 0..8
_MASKS: Final = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def fmix64(x: U64) -> U64:
    """MurmurHash3's finaliser: every input bit affects every output bit."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


B = npt.NDArray[np.bool_]


def word_hashes(data: bytes) -> U64:
    """Hashes of the units of ``data``: runs of bytes above 0x20, in order."""
    return word_hashes_at(data)[0]


def word_hashes_at(data: bytes) -> tuple[U64, npt.NDArray[np.int64], B]:
    """Word hashes of ``data``, each word's start byte offset, and whether it looks like a
    number (first and last byte are digits: ``1``, ``2023``, ``3.14`` folded to ``3 14``).

    A word's bytes are read as little-endian 8-byte lanes straight from the buffer (one
    gather per lane, bytes past the word masked off), each lane times its own odd constant,
    plus the length, then mixed by ``fmix64``: work per word, not per byte.
    """
    if kernels.available():  # memory per word, not per byte: no need to cut
        return _chunk_hashes(np.frombuffer(data, np.uint8))
    view = memoryview(data)
    parts: list[U64] = []
    offsets: list[npt.NDArray[np.int64]] = []
    numbers: list[B] = []
    begin = 0
    while begin < len(data):
        end = min(begin + CHUNK_BYTES, len(data))
        if end < len(data):
            cut = data.rfind(b" ", begin, end)
            end = cut + 1 if cut > begin else end  # one unbroken 4 MiB "word": cut anyway
        hashes, starts, numeric = _chunk_hashes(np.frombuffer(view[begin:end], np.uint8))
        parts.append(hashes)
        offsets.append(starts + begin)
        numbers.append(numeric)
        begin = end
    if not parts:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, bool)
    if len(parts) == 1:
        return parts[0], offsets[0], numbers[0]
    return np.concatenate(parts), np.concatenate(offsets), np.concatenate(numbers)


def _chunk_hashes(raw: npt.NDArray[np.uint8]) -> tuple[U64, npt.NDArray[np.int64], B]:
    if kernels.available():
        hashes, starts, ends, numeric = kernels.words(raw, LANE_MULT, LENGTH_MULT, MAX_LANES)
        for i in np.flatnonzero(ends - starts > MAX_LANES * 8).tolist():
            start, end = int(starts[i]), int(ends[i])
            hashes[i] = fmix64(
                np.array([_long_word(raw[start:end].tobytes())], np.uint64)
                + np.array([end - start], np.uint64) * LENGTH_MULT
            )[0]
        return hashes, starts, numeric
    return _chunk_hashes_numpy(raw)


def _long_word(word: bytes) -> int:
    """Words over MAX_LANES * 8 bytes (rare): keyed BLAKE2b instead of lanes."""
    digest = hashlib.blake2b(word, digest_size=8, key=b"clearance-guard").digest()
    return int.from_bytes(digest, "little")


def _numeric(
    raw: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> B:
    first, last = raw[starts], raw[ends - 1]
    numeric: B = (first >= 48) & (first <= 57) & (last >= 48) & (last <= 57)
    return numeric


def _chunk_hashes_numpy(raw: npt.NDArray[np.uint8]) -> tuple[U64, npt.NDArray[np.int64], B]:
    """The reference implementation (numpy only); ``kernels.words`` computes the same."""
    is_word = np.zeros(raw.size + 2, bool)
    np.greater(raw, 32, out=is_word[1:-1])
    bounds = np.flatnonzero(is_word[1:] != is_word[:-1])  # alternating word starts and ends
    starts, ends = bounds[::2], bounds[1::2]
    if starts.size == 0:
        return np.empty(0, np.uint64), starts, np.empty(0, bool)
    lengths = ends - starts
    padded = np.zeros(raw.size + 8, np.uint8)
    padded[: raw.size] = raw
    # every byte offset as the start of an unaligned little-endian uint64 (a view, no copy)
    lanes = np.ndarray(shape=(raw.size + 1,), dtype="<u8", buffer=padded, strides=(1,))
    hashes = (lanes[starts] & _MASKS[np.minimum(lengths, 8)]) * LANE_MULT[0]
    todo = np.flatnonzero(lengths > 8)
    lane = 1
    while todo.size and lane < MAX_LANES:
        rest = lengths[todo] - 8 * lane
        part = lanes[starts[todo] + 8 * lane] & _MASKS[np.minimum(rest, 8)]
        hashes[todo] += part * LANE_MULT[lane]
        todo = todo[rest > 8]
        lane += 1
    for i in todo.tolist():
        hashes[i] = np.uint64(_long_word(raw[starts[i] : ends[i]].tobytes()))
    hashes += lengths.astype(np.uint64) * LENGTH_MULT
    return fmix64(hashes), starts, _numeric(raw, starts, ends)


def number_grams(numeric: B, n: int) -> B:
    """Per n-gram: are all its ``n`` words numbers? (Counting sequences and tables of
    figures match everywhere and carry no protected expression; they are never stored.)"""
    count = numeric.size - n + 1
    if count <= 0:
        return np.empty(0, bool)
    running = np.concatenate(([0], np.cumsum(numeric, dtype=np.int64)))
    all_numbers: B = (running[n:] - running[:count]) == n
    return all_numbers


def gram_hashes(words: U64, n: int) -> U64:
    """Hash of every run of ``n`` consecutive words (``len(words) - n + 1`` of them)."""
    count = words.size - n + 1
    if count <= 0:
        return np.empty(0, np.uint64)
    acc = words[:count] * GRAM_MULT[0]
    for k in range(1, n):
        acc += words[k : k + count] * GRAM_MULT[k]
    return fmix64(acc)
