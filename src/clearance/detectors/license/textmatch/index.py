"""The compiled license index: word n-gram hashes of every reference, in numpy arrays.

Why our own engine: ScanCode matches with an Aho-Corasick automaton plus sequence alignment
over ~36k rules and needs ~11 s and 1.4 GB to load its index; we need a license check that
costs well under a millisecond on a typical file. Every reference (license text or rule) is
reduced to the set of 64-bit hashes of its word 5-grams (shorter rules: one hash of the whole
rule). A query text is hashed the same way with a few vectorised numpy passes, looked up by
binary search in one sorted array, and the hits counted per reference; only the few
references that most of whose n-grams occur are aligned (see ``match.py``).

The index is built from ``licensedcode-data`` on first use (~20 s) and cached on disk as
``.npy`` files that every worker memory-maps.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt

from clearance.detectors.license.textmatch import anchors as anchor_words
from clearance.detectors.license.textmatch import refdata

INDEX_VERSION = "14"
NGRAM = 5
#: rules shorter than this many words are too weak alone ("GPL", "MIT"): they match only an
#: item that is nothing else (a bare "WTFPL" file), unless they carry a version ("GPLv2+",
#: "LGPL21"), which makes them specific anywhere (see ``match._short_matches``).
MIN_RULE_WORDS = 2
_LICENSE_WORDS = frozenset({"license", "licence", "licensed", "licenced", "exception"})
_TOKEN = re.compile(r"[^\W_]+\+?")
_PRIME = np.uint64(0x9E3779B97F4A7C15)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


#: ASCII separators (everything but letters, digits and "+") -> space, for ``str.translate``.
_SEPARATORS = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "+")}


def words(text: str) -> list[str]:
    """Lower-cased word tokens; a trailing ``+`` is kept (``GPLv2+`` differs from ``GPLv2``).

    The same tokens as ``_TOKEN.findall(text.lower())`` (runs of letters and digits, and one
    "+" right after), from ``translate`` + ``split``: 4x faster on long texts.
    """
    lowered = text.lower()
    table = _SEPARATORS
    if not lowered.isascii():
        extra = {ord(c): " " for c in set(lowered) if ord(c) >= 128 and not c.isalnum()}
        if extra:
            table = _SEPARATORS | extra
    tokens = lowered.translate(table).split()
    if "+" in lowered:  # "c++" is "c+", "a+b" is "a+" "b", a lone "+" is nothing
        tokens = [p for t in tokens for p in (_TOKEN.findall(t) if "+" in t else (t,))]
    return tokens


def word_offsets(text: str, tokens: Sequence[str]) -> tuple[I64, I64]:
    """Start and end offsets in ``text`` of ``tokens`` (= ``words(text)``).

    Computed with array passes over the code points (a token starts where a letter or digit
    follows something else) rather than from one match object per word, which cost more than
    the whole match on long files.
    """
    if text.isascii():
        codes: npt.NDArray[np.uint32] = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(
            np.uint32
        )
        word = _ALNUM[codes]
    else:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        word = np.zeros(len(codes), dtype=np.int8)
        low = codes < 128
        word[low] = _ALNUM[codes[low]]
        high, inverse = np.unique(codes[~low], return_inverse=True)
        flags = [chr(c).isalnum() for c in high.tolist()]
        word[~low] = np.array(flags, dtype=np.int8)[inverse]
    padded = np.zeros(len(word) + 2, dtype=np.int8)
    padded[1:-1] = word
    edges = padded[1:] - padded[:-1]
    starts = np.flatnonzero(edges == 1).astype(np.int64)
    ends = np.flatnonzero(edges == -1).astype(np.int64)
    if len(starts) != len(tokens):  # a character whose lower case differs in kind: be exact
        spans = [m.span() for m in _TOKEN.finditer(text.lower())]
        return (
            np.array([s for s, _ in spans], dtype=np.int64),
            np.array([e for _, e in spans], dtype=np.int64),
        )
    inside = ends < len(codes)
    ends[inside] += codes[ends[inside]] == _PLUS
    return starts, ends


_ALNUM = np.zeros(256, dtype=np.int8)
for _c in b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _ALNUM[_c] = 1
_PLUS = ord("+")


#: lookups first test the top bits of a hash against a table of the keys' top bits: most of a
#: text's n-grams are in no short rule and start no reference, and a gather in a 1 MiB table
#: costs much less than a binary search in the sorted keys.
FILTER_BITS = 20
_FILTER_SHIFT = np.uint64(64 - FILTER_BITS)


def presence(keys: U64) -> npt.NDArray[np.bool_]:
    table = np.zeros(1 << FILTER_BITS, dtype=bool)
    table[keys >> _FILTER_SHIFT] = True
    return table


def maybe_present(table: npt.NDArray[np.bool_], query: U64) -> npt.NDArray[np.intp]:
    """Positions in ``query`` whose hash may be one of the keys ``table`` was built from."""
    return np.flatnonzero(table[query >> _FILTER_SHIFT])


def ngram_hashes(ids: npt.NDArray[np.int64], n: int) -> U64:
    """Hash of every window of ``n`` token ids (a polynomial hash, wrapping at 2**64)."""
    return gram_hashes(ids, n)[n - 1]


def gram_hashes(ids: npt.NDArray[np.int64], largest: int) -> list[U64]:
    """The hashes of every 1-, 2-, ... ``largest``-gram, in one rolling pass: the n-gram hash
    array is the (n-1)-gram one times the base plus the next word (array arithmetic on uint64
    wraps silently)."""
    values = ids.astype(np.uint64) + np.uint64(1)
    out = [values]
    current = values
    for n in range(2, largest + 1):
        if len(values) < n:
            out.append(np.empty(0, dtype=np.uint64))
            continue
        current = current[:-1] * _PRIME + values[n - 1 :]
        out.append(current)
    return out


_POWERS: list[U64] = []


def powers(count: int) -> U64:
    """``_PRIME ** i`` for i in 0..count-1, wrapping at 2**64 (a cached table, grown on need)."""
    table = _POWERS[0] if _POWERS else np.empty(0, dtype=np.uint64)
    if len(table) < count:
        size = max(count, 2 * len(table), 4096)
        grown = np.full(size, _PRIME, dtype=np.uint64)
        grown[0] = 1
        table = np.cumprod(grown, dtype=np.uint64)
        _POWERS[:] = [table]
    return table[:count]


def prefix_sums(ids: npt.NDArray[np.int64]) -> U64:
    """``P[k] = sum(v[i] * B**i for i < k)``: any word range's hash is ``P[e] - P[s]``,
    scaled by ``B**s``, so every candidate exact match is checked in O(1)."""
    values = ids.astype(np.uint64) + np.uint64(1)
    out = np.zeros(len(ids) + 1, dtype=np.uint64)
    np.cumsum(values * powers(len(ids)), out=out[1:], dtype=np.uint64)
    return out


class _Vocabulary(dict[str, int]):
    """Word -> id; a word no reference uses is -1 (it can only break n-grams)."""

    def __missing__(self, key: str) -> int:
        return -1


@dataclass(frozen=True)
class RefInfo:
    """What a match reports about the reference it matched."""

    name: str
    expression: str  # SPDX
    kind: str
    relevance: int
    minimum_coverage: int
    words: int
    #: names a version or says "license" ("GPLv2", "curl License"), so even a 2-word match
    #: names one license; "the GPL" or "BSD style" do not
    specific: bool


@dataclass
class LicenseIndex:
    vocab: dict[str, int]
    refs: list[RefInfo]
    #: sorted unique n-gram hashes, and for each the slice of ``postings`` (reference ids).
    keys: U64
    offsets: I64
    postings: I32
    #: distinct n-grams per reference (the denominator of coverage).
    ref_size: I64
    #: each reference's own sorted hashes, sliced by ``ref_offsets``.
    ref_hashes: U64
    ref_offsets: I64
    #: the short rules (fewer than NGRAM words): one whole-rule hash each, by word count.
    short: dict[int, tuple[U64, I32]]
    #: exact matching of long references: hash of their first n-gram (sorted, with the
    #: reference ids), and each reference's whole-text hash and length in words.
    start_keys: U64
    start_refs: I32
    ref_full: U64
    ref_words: I64
    #: words one of which every reference holds (see ``anchors.py``)
    anchors: frozenset[str] = frozenset()
    #: SPDX ids of catch-all keys ("some license, not said which"; ``refdata.generic_keys``)
    generic: frozenset[str] = frozenset()

    @property
    def ref_expression(self) -> I64:
        """An integer per distinct expression, per reference (for grouping candidates)."""
        cached: I64 | None = self.__dict__.get("_ref_expression")
        if cached is None:
            numbers: dict[str, int] = {}
            cached = np.array(
                [numbers.setdefault(r.expression, len(numbers)) for r in self.refs], np.int64
            )
            self.__dict__["_ref_expression"] = cached
        return cached

    @property
    def short_table(self) -> tuple[U64, I32]:
        """All short rules' hashes in one sorted array (hashes of different lengths differ)."""
        cached: tuple[U64, I32] | None = self.__dict__.get("_short_table")
        if cached is None:
            hashes = [h for h, _ in self.short.values()]
            refs = [r for _, r in self.short.values()]
            cached = _sorted_pairs(
                np.concatenate(hashes).tolist() if hashes else [],
                np.concatenate(refs).tolist() if refs else [],
            )
            self.__dict__["_short_table"] = cached
        return cached

    @property
    def start_filter(self) -> npt.NDArray[np.bool_]:
        cached: npt.NDArray[np.bool_] | None = self.__dict__.get("_start_filter")
        if cached is None:
            cached = self.__dict__["_start_filter"] = presence(self.start_keys)
        return cached

    @property
    def short_filter(self) -> npt.NDArray[np.bool_]:
        cached: npt.NDArray[np.bool_] | None = self.__dict__.get("_short_filter")
        if cached is None:
            cached = self.__dict__["_short_filter"] = presence(self.short_table[0])
        return cached

    def ids(self, tokens: Sequence[str]) -> npt.NDArray[np.int64]:
        # ``map`` over a C method (``get`` with a default: no Python ``__missing__`` call for
        # the words no reference uses): ~3x faster than a generator.
        found = map(self.vocab.get, tokens, repeat(-1))
        return np.fromiter(found, dtype=np.int64, count=len(tokens))

    def hashes_of(self, ref: int) -> U64:
        return self.ref_hashes[self.ref_offsets[ref] : self.ref_offsets[ref + 1]]


def build(
    references: Iterable[refdata.Reference],
    spdx: dict[str, str],
    generic: frozenset[str] = frozenset(),
) -> LicenseIndex:
    """Compile references into an index (run once per data version; see ``load``)."""
    vocab: dict[str, int] = {}
    refs: list[RefInfo] = []
    long_hashes: list[U64] = []
    short: dict[int, tuple[list[int], list[int]]] = {}
    starts: list[int] = []
    fulls: list[int] = []
    seen: set[tuple[str, bytes]] = set()
    anchored: list[list[str]] = []
    for ref in references:
        tokens = words(ref.text)
        if not tokens:
            continue
        if ref.kind != "false-positive":
            anchored.append(tokens)
        ids = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int64, count=len(tokens)
        )
        n = min(NGRAM, len(tokens))
        hashes = np.unique(ngram_hashes(ids, n))
        expression = refdata.to_spdx(ref.expression, spdx) if ref.expression else ""
        fingerprint = (expression + ref.kind, hashes.tobytes())
        if fingerprint in seen:  # the same words under the same expression: keep one
            continue
        seen.add(fingerprint)
        ref_id = len(refs)
        starts.append(int(ngram_hashes(ids[:n], n)[0]))
        fulls.append(int(prefix_sums(ids)[-1]))
        refs.append(
            RefInfo(
                ref.name,
                expression,
                ref.kind,
                ref.relevance,
                ref.minimum_coverage,
                len(ids),
                any(ch.isdigit() for ch in ref.text) or not _LICENSE_WORDS.isdisjoint(tokens),
            )
        )
        if n < NGRAM:
            bucket = short.setdefault(n, ([], []))
            bucket[0].append(int(hashes[0]))
            bucket[1].append(ref_id)
            long_hashes.append(np.empty(0, dtype=np.uint64))
        else:
            long_hashes.append(hashes)
    sizes = np.array([max(len(h), 1) for h in long_hashes], dtype=np.int64)
    ref_offsets = np.zeros(len(refs) + 1, dtype=np.int64)
    np.cumsum([len(h) for h in long_hashes], out=ref_offsets[1:])
    ref_hashes = np.concatenate(long_hashes) if long_hashes else np.empty(0, np.uint64)
    owners = np.repeat(np.arange(len(refs), dtype=np.int32), np.diff(ref_offsets))
    order = np.argsort(ref_hashes, kind="stable")
    sorted_hashes = ref_hashes[order]
    keys, first = np.unique(sorted_hashes, return_index=True)
    offsets = np.append(first, len(sorted_hashes)).astype(np.int64)
    words_per_ref = np.array([r.words for r in refs], dtype=np.int64)
    long_refs = np.nonzero(words_per_ref >= NGRAM)[0]
    start_array = np.array(starts, dtype=np.uint64)[long_refs]
    start_order = np.argsort(start_array, kind="stable")
    return LicenseIndex(
        vocab=vocab,
        refs=refs,
        keys=keys,
        offsets=offsets,
        postings=owners[order],
        ref_size=sizes,
        ref_hashes=ref_hashes,
        ref_offsets=ref_offsets,
        short={n: _sorted_pairs(h, r) for n, (h, r) in short.items()},
        start_keys=start_array[start_order],
        start_refs=long_refs[start_order].astype(np.int32),
        ref_full=np.array(fulls, dtype=np.uint64),
        ref_words=words_per_ref,
        anchors=anchor_words.choose(anchored, words(" ".join([*spdx, *spdx.values()]))),
        generic=generic,
    )


def _sorted_pairs(hashes: list[int], ref_ids: list[int]) -> tuple[U64, I32]:
    keys = np.array(hashes, dtype=np.uint64)
    order = np.argsort(keys, kind="stable")
    return keys[order], np.array(ref_ids, dtype=np.int32)[order]


_ARRAYS = (
    "keys",
    "offsets",
    "postings",
    "ref_size",
    "ref_hashes",
    "ref_offsets",
    "start_keys",
    "start_refs",
    "ref_full",
    "ref_words",
)


def save(index: LicenseIndex, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in _ARRAYS:
        np.save(folder / f"{name}.npy", getattr(index, name))
    for n, (hashes, ref_ids) in index.short.items():
        np.save(folder / f"short{n}_hashes.npy", hashes)
        np.save(folder / f"short{n}_refs.npy", ref_ids)
    meta = {
        "vocab": sorted(index.vocab, key=index.vocab.__getitem__),
        "refs": [list(vars(r).values()) for r in index.refs],
        "short": sorted(index.short),
        "anchors": sorted(index.anchors),
        "generic": sorted(index.generic),
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def read(folder: Path) -> LicenseIndex:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    arrays = {name: np.load(folder / f"{name}.npy") for name in _ARRAYS}
    short = {
        n: (
            np.load(folder / f"short{n}_hashes.npy"),
            np.load(folder / f"short{n}_refs.npy"),
        )
        for n in meta["short"]
    }
    return LicenseIndex(
        vocab=_Vocabulary((word, i) for i, word in enumerate(meta["vocab"])),
        refs=[RefInfo(*row) for row in meta["refs"]],
        short=short,
        anchors=frozenset(meta["anchors"]),
        generic=frozenset(meta.get("generic", ())),
        **arrays,
    )


def cache_dir() -> Path:
    """``$CLEARANCE_CACHE_DIR`` or ``$XDG_CACHE_HOME/clearance`` (``~/.cache/clearance``)."""
    root = os.environ.get("CLEARANCE_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "clearance"


@cache
def load() -> LicenseIndex:
    """The index for the installed data, built and cached on first use (atomically)."""
    folder = cache_dir() / f"license-index-{refdata.data_label()}-v{INDEX_VERSION}"
    if not (folder / "meta.json").exists():
        index = build(refdata.references(), refdata.spdx_keys(), refdata.generic_keys())
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
        save(index, staging)
        try:
            staging.rename(folder)
        except OSError:  # another process finished first: theirs is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
    return read(folder)
