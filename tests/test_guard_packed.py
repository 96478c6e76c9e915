"""Index format 2 (packed keys) and the compiled build kernels: the same answers as the
plain arrays and the numpy reference, and old indexes refused with a way out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import licensedcode
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.guard import Guard, build_index, kernels
from clearance.guard.build import hash_batch
from clearance.guard.hashing import CHUNK_BYTES, MAX_LANES, word_hashes_at
from clearance.guard.index import IndexParams, sort_entries
from clearance.guard.packed import KEY_BITS, MAX_DOCUMENTS, Layout, PackedKeys, truncate
from clearance.model.errors import ConfigError, RunError

LICENSEDB = Path(next(iter(licensedcode.__path__))) / "data" / "licenses"


def _reference(keys: np.ndarray, docs: np.ndarray, needles: np.ndarray) -> set[tuple[int, int]]:
    pairs = set(zip(keys.tolist(), docs.tolist(), strict=True))
    wanted = {int(k): i for i, k in enumerate(needles.tolist())}
    return {(wanted[k], d) for k, d in pairs if k in wanted}


@settings(max_examples=150, deadline=None)
@given(
    entries=st.integers(0, 3000),
    documents=st.sampled_from([1, 2, 300, 70_000, MAX_DOCUMENTS]),
    distinct=st.integers(1, 5000),
    seed=st.integers(0, 2**32 - 1),
)
def test_packed_lookup_equals_a_plain_search(
    entries: int, documents: int, distinct: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    vocabulary = truncate(rng.integers(0, 2**64, size=distinct, dtype=np.uint64))
    vocabulary[0] = 0  # the edges of the key range
    vocabulary[-1] = (1 << KEY_BITS) - 1
    keys = vocabulary[rng.integers(0, distinct, size=entries)]  # repeats: several documents
    docs = rng.integers(0, documents, size=entries).astype(np.int64)
    keys, docs = sort_entries(keys, docs)
    packed = PackedKeys.encode(keys, docs, documents)
    assert packed.layout.width <= 8
    decoded_keys, decoded_docs = packed.decode()
    assert np.array_equal(decoded_keys, keys) and np.array_equal(decoded_docs, docs)
    absent = truncate(rng.integers(0, 2**64, size=200, dtype=np.uint64))
    needles = np.unique(np.concatenate([vocabulary, absent]))
    which, found = packed.lookup(needles)
    got = set(zip(which.tolist(), found.tolist(), strict=True))
    assert len(got) == which.size  # no pair reported twice
    assert got == _reference(keys, docs, needles)
    assert np.array_equal(packed.contains(needles), np.isin(needles, keys))


def test_packed_record_is_seven_bytes_at_benchmark_scale() -> None:
    layout = Layout.choose(300_000, 807)
    assert layout.width == 7 and layout.bucket_bits == 14
    # one 8-byte record even with the most documents a segment may hold
    assert Layout.choose(10, MAX_DOCUMENTS).width == 8
    with pytest.raises(ValueError, match="documents"):
        Layout.choose(10, MAX_DOCUMENTS + 1)


def _hostile_blobs() -> st.SearchStrategy[list[bytes]]:
    word = st.one_of(
        st.binary(min_size=1, max_size=20),
        st.integers(MAX_LANES * 8 - 2, MAX_LANES * 8 + 20).map(lambda n: b"x" * n),  # BLAKE2b
        st.sampled_from([b"2023", b"3", b"14", b"a1", b"1a"]),  # numbers are not stored
    )
    blob = st.lists(word, max_size=40).map(b" ".join)
    return st.lists(blob, max_size=6)


@settings(max_examples=200, deadline=None)
@given(blobs=_hostile_blobs(), n=st.integers(2, 12), stride=st.integers(1, 12))
def test_compiled_kernels_hash_exactly_like_numpy(blobs: list[bytes], n: int, stride: int) -> None:
    assert kernels.available()  # numba is in the dev extra
    params = IndexParams(n=n, stride=min(stride, n))
    data = b" ".join(blobs)
    compiled = word_hashes_at(data)
    keys, docs = hash_batch(blobs, params)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(kernels.DISABLE_ENV, "1")
        assert not kernels.available()
        reference = word_hashes_at(data)
        ref_keys, ref_docs = hash_batch(blobs, params)
    for a, b in zip(compiled, reference, strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(keys, ref_keys) and np.array_equal(docs, ref_docs)


def test_compiled_kernel_over_one_numpy_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kernels.available()
    data = " ".join(f"w{i % 977}" for i in range(CHUNK_BYTES // 3)).encode()
    compiled = word_hashes_at(data)
    monkeypatch.setenv(kernels.DISABLE_ENV, "1")
    for a, b in zip(compiled, word_hashes_at(data), strict=True):  # cut into chunks here
        assert np.array_equal(a, b)


@pytest.fixture()
def small_index(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(LICENSEDB / "gpl-3.0.LICENSE", src / "gpl.txt")
    build_index([str(src)], tmp_path / "index")
    return tmp_path / "index"


def test_index_built_without_numba_is_checked_with_it(
    small_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (LICENSEDB / "gpl-3.0.LICENSE").read_text("utf-8").split()[400:460]
    output = "zorblax quenthi " + " ".join(text) + " mabovu"
    expected = Guard.open(small_index, detectors=[]).check(output).to_json()["spans"]
    assert expected and expected[0]["words"] >= 55
    monkeypatch.setenv(kernels.DISABLE_ENV, "1")
    build_index([str(tmp_path / "src")], tmp_path / "numpy")
    for name in ("records.npy", "directory.npy", "layout.json"):  # the same bytes on disk
        built = [
            (folder / "seg-000001" / name).read_bytes()
            for folder in (small_index, tmp_path / "numpy")
        ]
        assert built[0] == built[1]
    assert Guard.open(small_index, detectors=[]).check(output).to_json()["spans"] == expected


def test_old_format_index_is_refused_with_a_way_out(small_index: Path) -> None:
    manifest = small_index / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["version"] = 1
    manifest.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ConfigError, match="rebuild it with `clearance guard build`"):
        Guard.open(small_index, detectors=[])


def test_damaged_segment_is_a_clear_error(small_index: Path) -> None:
    segment = next(small_index.glob("seg-*"))
    records = segment / "records.npy"
    np.save(records, np.load(records)[:-5])  # a record short
    with pytest.raises(RunError, match="damaged"):
        Guard.open(small_index, detectors=[])
    (segment / "layout.json").write_text("{not json", "utf-8")
    with pytest.raises(RunError, match="damaged"):
        Guard.open(small_index, detectors=[])
