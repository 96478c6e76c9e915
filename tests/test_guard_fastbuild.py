"""The compiled build path (UTF-8 folded in one pass, words and n-grams in one pass, the
bucketed sort): the same bytes as the numpy reference, on hostile text too, so an index
is the same whichever path built it."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import licensedcode
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.guard import build_index, kernels
from clearance.guard.build import hash_batch, hash_texts
from clearance.guard.hashing import MAX_LANES
from clearance.guard.index import MAX_DOCS_PER_KEY, IndexParams, sort_entries
from clearance.guard.normalize import fold_bytes, fold_utf8
from clearance.guard.packed import KEY_BITS, truncate

LICENSEDB = Path(next(iter(licensedcode.__path__))) / "data" / "licenses"

#: characters that fold in every way: expansions (U+FDFA to 18 letters), marks that fold
#: to nothing, CJK (a unit each), fullwidth, ligatures, digits of other scripts, controls
_HARD = "\ufdfa\u0301\u0338\u4e2d\u6587\u3042\uff21\ufb01\u00df\u0663\u2163\x00\x01\t\u00a0"
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # lone surrogates too (``surrogatepass``)
        st.sampled_from(list(_HARD)),
        st.sampled_from(list("ab1 .")),
        st.characters(max_codepoint=127),  # folded 8 bytes at a time
    ),
    max_size=80,
)


def _numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kernels.DISABLE_ENV, "1")
    assert not kernels.available()


def _fold_all(texts: list[str]) -> list[bytes]:
    raws = [t.encode("utf-8", "surrogatepass") for t in texts]
    data = np.frombuffer(b"".join(raws), np.uint8)
    ends = np.cumsum([len(r) for r in raws], dtype=np.int64)
    folded, size, starts = fold_utf8(data, ends)
    assert folded.size >= size + 64 and not folded[size : size + 64].any()  # read past it
    bounds = [*starts.tolist(), size]
    out = [folded[a : b - 1].tobytes() for a, b in itertools.pairwise(bounds)]
    assert all(folded[b - 1] == 32 for b in bounds[1:])  # a separator after each text
    return out


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TEXT, max_size=6))
def test_compiled_folding_equals_fold_bytes(texts: list[str]) -> None:
    assert kernels.available()  # numba is in the dev extra
    assert _fold_all(texts) == [fold_bytes(t) for t in texts]


def test_compiled_folding_of_every_ascii_byte() -> None:
    every = "".join(map(chr, range(128)))
    texts = [every * 3, every[::-1] * 2, every[5:] + "\u00e9" + every]
    assert _fold_all(texts) == [fold_bytes(t) for t in texts]


def test_compiled_folding_grows_its_output() -> None:
    # U+FDFA is 3 bytes of UTF-8 and folds to 33: far more than the first allocation
    texts = ["\ufdfa" * 5000, "ascii words", "", "\u4e2d" * 300 + " x"]
    assert _fold_all(texts) == [fold_bytes(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.lists(
            st.one_of(
                _TEXT,
                st.sampled_from(["2023", "3.14", "7"]),  # all-number n-grams: not stored
                st.integers(MAX_LANES * 8 - 2, MAX_LANES * 8 + 9).map(lambda n: "\u00e9" * n),
            ),
            max_size=30,
        ).map(" ".join),
        max_size=5,
    ),
    n=st.integers(2, 9),
    stride=st.integers(1, 9),
)
def test_compiled_hashing_of_texts_equals_numpy(texts: list[str], n: int, stride: int) -> None:
    params = IndexParams(n=n, stride=min(stride, n))
    raws = [t.encode("utf-8", "surrogatepass") for t in texts]
    keys, docs = hash_texts(raws, params)
    with pytest.MonkeyPatch.context() as patch:
        _numpy(patch)
        ref_keys, ref_docs = hash_batch([fold_bytes(t) for t in texts], params)
    assert np.array_equal(keys, ref_keys) and np.array_equal(docs, ref_docs)


@settings(max_examples=150, deadline=None)
@given(
    entries=st.integers(0, 4000),
    distinct=st.integers(1, 300),
    documents=st.sampled_from([1, 3, 900, 1 << 20, 1 << 24]),
    seed=st.integers(0, 2**32 - 1),
)
def test_compiled_sort_equals_numpy(entries: int, distinct: int, documents: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vocabulary = truncate(rng.integers(0, 2**64, size=distinct, dtype=np.uint64))
    vocabulary[0] = (1 << KEY_BITS) - 1  # the edge of the key range
    keys = vocabulary[rng.integers(0, distinct, size=entries)]  # runs of equal keys
    docs = rng.integers(0, documents, size=entries).astype(np.int64)  # any order, repeats
    got = sort_entries(keys, docs)
    os.environ[kernels.DISABLE_ENV] = "1"
    try:
        expected = sort_entries(keys, docs)
    finally:
        del os.environ[kernels.DISABLE_ENV]
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])


def test_compiled_sort_caps_documents_per_key() -> None:
    keys = np.full(5000, 12345, np.uint64)  # one piece of boilerplate in 5,000 documents
    docs = np.arange(5000, dtype=np.int64)[::-1].copy()
    sorted_keys, sorted_docs = sort_entries(keys, docs)
    assert sorted_docs.tolist() == list(range(MAX_DOCS_PER_KEY))
    assert (sorted_keys == 12345).all()


def _segment_bytes(index: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(index)): p.read_bytes()
        for p in sorted(index.rglob("*.npy")) + sorted(index.rglob("layout.json"))
    }


def test_build_from_jsonl_is_the_same_index_without_numba(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    records = [
        {"id": 1, "text": (LICENSEDB / "gpl-3.0.LICENSE").read_text("utf-8")},
        {"id": 2, "text": "Caf\u00e9 \u201cquoted\u201d \ufdfa \u4e2d\u6587 " * 40},
        {"id": 3, "text": "a lone surrogate \ud800 in a record " * 10},  # reader: "?" bytes
        {"id": 4, "text": ""},
        {"id": 5, "text": "x" * 3000 + " after a very long word " * 5},  # BLAKE2b word
    ]
    with (src / "docs.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    (src / "notes.txt").write_bytes("\ufeffa file with a BOM and \u00e9 ".encode() * 30)
    (src / "bad.txt").write_bytes(b"invalid \xff\xfe utf-8 bytes in caf\xc3 text " * 30)
    (src / "wide.txt").write_bytes("utf-16 text with caf\u00e9 words ".encode("utf-16") * 30)
    compiled = build_index([str(src)], tmp_path / "compiled")
    assert compiled.documents == 8 and compiled.entries > 1000
    _numpy(monkeypatch)
    build_index([str(src)], tmp_path / "numpy")
    assert _segment_bytes(tmp_path / "compiled") == _segment_bytes(tmp_path / "numpy")
