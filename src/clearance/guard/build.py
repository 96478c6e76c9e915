"""Build, extend and merge a verbatim index from any source the readers handle.

Texts are folded one by one (``normalize``) and hashed in batches of a few MiB: one
vectorised pass computes every word hash of the batch, the document of each word, and the
n-grams at every ``stride``-th word of each document (n-grams never cross documents).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from clearance.guard import kernels
from clearance.guard.hashing import (
    GRAM_MULT,
    LANE_MULT,
    LENGTH_MULT,
    MAX_LANES,
    gram_hashes,
    number_grams,
    word_hashes_at,
)
from clearance.guard.index import (
    DocumentRef,
    IndexParams,
    Manifest,
    Segment,
    contains,
    iter_segments,
    next_segment_name,
    read_allow,
    write_allow,
    write_segment,
)
from clearance.guard.normalize import Mode, fold_utf8, to_bytes
from clearance.guard.packed import MAX_DOCUMENTS, truncate
from clearance.model.errors import RunError
from clearance.readers import read_shard
from clearance.readers.plan import plan_sources
from clearance.sources import sources_from_inputs

BATCH_BYTES: Final = 4 << 20
#: a segment is written once it holds this many entries (about 1.3 GB of build memory).
SEGMENT_ENTRIES: Final = 1 << 27

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


class BuildProgress(Protocol):
    """What a progress display is told; the CLI draws it with Rich."""

    def start(self, total_bytes: int) -> None: ...
    def advance(self, size: int) -> None: ...


@dataclass
class BuildSummary:
    index: str
    documents: int = 0
    bytes_in: int = 0
    entries: int = 0
    skipped_not_text: int = 0
    problems: int = 0
    segments: list[str] = field(default_factory=list)
    index_bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Text:
    doc: DocumentRef
    text: str
    #: ``text`` in UTF-8 where the reader already holds it (saves encoding it again)
    data: bytes | None = None

    def utf8(self) -> bytes:
        return self.data if self.data is not None else self.text.encode("utf-8", "surrogatepass")


def read_texts(
    inputs: Sequence[str], summary: BuildSummary, progress: BuildProgress | None = None
) -> Iterator[Text]:
    """Every text item of ``inputs`` (manifests or paths); other items are counted, skipped."""
    sources, _ = sources_from_inputs(inputs)
    shards = plan_sources(sources)
    if progress is not None:
        progress.start(sum(s.size for s in shards))
    for shard in shards:
        for read in read_shard(shard):
            item = read.item
            summary.problems += len(read.problems)
            if progress is not None:
                progress.advance(item.size)
            if not item.is_text:
                summary.skipped_not_text += 1
                continue
            doc = DocumentRef(item.source, item.item_id, item.uri, item.size)
            decoded = item.decoded
            # the item's bytes are its text's UTF-8 when they decoded cleanly as UTF-8 (a
            # record's text with lone surrogates has "?" there: both fold to a separator)
            clean = decoded.encoding == "utf-8" and decoded.problem is None
            yield Text(doc, decoded.text, item.data if clean else None)


def hash_batch(
    blobs: Sequence[bytes], params: IndexParams, *, stride: int | None = None
) -> tuple[U64, I64]:
    """Stored n-grams of several folded documents: (keys, document number in ``blobs``)."""
    if kernels.available():  # the same hashes in one compiled pass
        joined, doc_starts = _joined(blobs)
        data = np.frombuffer(joined + bytes(64), np.uint8)  # the kernel reads past the end
        return _compiled_grams(data, len(joined), doc_starts, params, stride or params.stride)
    return _numpy_grams(blobs, params, stride or params.stride)


def _joined(blobs: Sequence[bytes]) -> tuple[bytes, I64]:
    """The documents joined with one space after each but the last, and where each starts."""
    return b" ".join(blobs), np.cumsum([0] + [len(b) + 1 for b in blobs[:-1]], dtype=np.int64)


def folds_compiled(params: IndexParams) -> bool:
    """Whether the build folds in the compiled kernel: batches then hold each text's UTF-8
    (``Text.utf8``, ``hash_texts``) instead of its folded bytes (``to_bytes``, ``hash_batch``)."""
    return params.mode == "text" and kernels.available()


def hash_texts(
    texts: Sequence[bytes], params: IndexParams, *, stride: int | None = None
) -> tuple[U64, I64]:
    """``hash_batch`` of the texts folded, from their UTF-8, folding them all in one compiled
    pass (``normalize.fold_utf8``; only where ``folds_compiled``)."""
    data = np.frombuffer(b"".join(texts), np.uint8)
    ends = np.cumsum([len(t) for t in texts], dtype=np.int64)
    folded, size, doc_starts = fold_utf8(data, ends)
    return _compiled_grams(folded, size, doc_starts, params, stride or params.stride)


def _batch_input(text: Text, params: IndexParams, compiled: bool) -> bytes:
    return text.utf8() if compiled else to_bytes(text.text, params.mode)


def _hash_input(
    blobs: Sequence[bytes], params: IndexParams, compiled: bool, stride: int | None = None
) -> tuple[U64, I64]:
    if compiled:
        return hash_texts(blobs, params, stride=stride)
    return hash_batch(blobs, params, stride=stride)


def _compiled_grams(
    data: npt.NDArray[np.uint8], size: int, doc_starts: I64, params: IndexParams, stride: int
) -> tuple[U64, I64]:
    """``hash_batch`` of the documents of ``data[:size]`` (one separator after each)."""
    keys, docs, long_word = kernels.doc_grams(
        data, doc_starts, size, params.n, stride, LANE_MULT, LENGTH_MULT, MAX_LANES, GRAM_MULT
    )
    if not long_word:
        return keys, docs
    # a word over MAX_LANES lanes (BLAKE2b, in Python): words first, then the n-grams
    joined = data[:size].tobytes()
    words, word_starts, numeric = word_hashes_at(joined)
    first_word = np.searchsorted(word_starts, np.append(doc_starts, size + 1), side="left")
    return kernels.stored_grams(words, numeric, first_word, params.n, stride, GRAM_MULT)


def _numpy_grams(blobs: Sequence[bytes], params: IndexParams, stride: int) -> tuple[U64, I64]:
    """The reference implementation (numpy only)."""
    n = params.n
    data, doc_starts = _joined(blobs)
    words, starts, numeric = word_hashes_at(data)
    if words.size < n:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    # each document's first word (and the end): the words starting before it
    first_word = np.searchsorted(starts, np.append(doc_starts, len(data) + 1), side="left")
    word_doc = np.searchsorted(doc_starts, starts, side="right") - 1
    grams = gram_hashes(words, n)
    gram_doc = word_doc[: grams.size]
    keep = (gram_doc == word_doc[n - 1 :]) & ~number_grams(numeric, n)
    if stride > 1:
        keep &= (np.arange(grams.size) - first_word[gram_doc]) % stride == 0
    return grams[keep], gram_doc[keep]


class _SegmentBuilder:
    """Collects entries and documents; writes a segment when full or at the end."""

    def __init__(self, index: Path, manifest: Manifest, allow: U64, summary: BuildSummary):
        self.index, self.manifest, self.allow, self.summary = index, manifest, allow, summary
        self.compiled = folds_compiled(manifest.params)
        self._reset()

    def _reset(self) -> None:
        self.keys: list[U64] = []
        self.docs: list[I64] = []
        self.documents: list[DocumentRef] = []
        self.entries = 0
        self.bytes_in = 0
        self.blobs: list[bytes] = []
        self.blob_bytes = 0

    def add(self, text: Text) -> None:
        self.documents.append(text.doc)
        self.blobs.append(_batch_input(text, self.manifest.params, self.compiled))
        self.blob_bytes += len(self.blobs[-1])
        self.bytes_in += text.doc.bytes
        if self.blob_bytes >= BATCH_BYTES:
            self._hash_pending()
        if self.entries >= SEGMENT_ENTRIES or len(self.documents) >= MAX_DOCUMENTS:
            self.flush()

    def _hash_pending(self) -> None:
        if not self.blobs:
            return
        hashes, docs = _hash_input(self.blobs, self.manifest.params, self.compiled)
        keys = truncate(hashes)
        docs += len(self.documents) - len(self.blobs)
        if self.allow.size:
            allowed = contains(self.allow, keys)
            keys, docs = keys[~allowed], docs[~allowed]
        self.keys.append(keys)
        self.docs.append(docs)
        self.entries += keys.size
        self.blobs, self.blob_bytes = [], 0

    def flush(self) -> None:
        self._hash_pending()
        if not self.documents:
            return
        name = next_segment_name(self.manifest)
        keys = np.concatenate(self.keys) if self.keys else np.empty(0, np.uint64)
        docs = np.concatenate(self.docs) if self.docs else np.empty(0, np.int64)
        entry = write_segment(self.index, name, keys, docs, self.documents, self.bytes_in)
        self.manifest.segments.append(entry)
        self.manifest.write(self.index)
        self.summary.segments.append(name)
        self.summary.documents += len(self.documents)
        self.summary.bytes_in += self.bytes_in
        self.summary.entries += int(entry["entries"])
        self.summary.index_bytes += int(entry["index_bytes"])
        self._reset()


def allow_keys(inputs: Sequence[str], params: IndexParams) -> U64:
    """Every n-gram (stride 1) of the allowlisted texts, as stored keys (``truncate``)."""
    summary = BuildSummary(index="")
    keys: list[U64] = []
    blobs: list[bytes] = []
    size = 0
    compiled = folds_compiled(params)
    for text in read_texts(inputs, summary):  # hashed in batches: license rules are short
        blobs.append(_batch_input(text, params, compiled))
        size += len(blobs[-1])
        if size >= BATCH_BYTES:
            keys.append(truncate(_hash_input(blobs, params, compiled, stride=1)[0]))
            blobs, size = [], 0
    if blobs:
        keys.append(truncate(_hash_input(blobs, params, compiled, stride=1)[0]))
    return np.unique(np.concatenate(keys)) if keys else np.empty(0, np.uint64)


def build_index(
    inputs: Sequence[str],
    out: str | Path,
    *,
    allow: Sequence[str] = (),
    mode: Mode = "text",
    n: int = 8,
    stride: int = 4,
    force: bool = False,
    progress: BuildProgress | None = None,
) -> BuildSummary:
    """A new index of ``inputs`` at ``out`` (refuses to replace one unless ``force``).

    Word ``n``-grams at every ``stride``-th word: any shared run of ``n + stride - 1`` words
    is found; smaller ``n`` tolerates denser edits, smaller ``stride`` gives tighter span
    edges, both at the cost of a larger index."""
    params = IndexParams(mode=mode, n=n, stride=stride)
    sources_from_inputs([*inputs, *allow])  # a missing input fails before anything is written
    index = Path(out)
    if index.exists() and any(index.iterdir()):
        if not force:
            raise RunError(f"{index} exists; use --force to replace it or `guard add` to extend")
        if not (index / "manifest.json").is_file():
            raise RunError(f"{index} is not a guard index; not replacing it")
        shutil.rmtree(index)
    index.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(params=params)
    if allow:
        manifest.allow_keys = write_allow(index, allow_keys(allow, manifest.params))
    manifest.write(index)
    return _add(index, manifest, inputs, progress)


def add_to_index(
    out: str | Path,
    inputs: Sequence[str],
    *,
    allow: Sequence[str] = (),
    progress: BuildProgress | None = None,
) -> BuildSummary:
    """Index ``inputs`` as new segment(s) of an existing index; ``allow`` extends its allowlist
    (applied to the new segment at build time and to every segment at check time)."""
    index = Path(out)
    manifest = Manifest.read(index)
    if allow:
        merged = np.concatenate([read_allow(index), allow_keys(allow, manifest.params)])
        manifest.allow_keys = write_allow(index, merged)
        manifest.write(index)
    return _add(index, manifest, inputs, progress)


def _add(
    index: Path, manifest: Manifest, inputs: Sequence[str], progress: BuildProgress | None
) -> BuildSummary:
    import time

    started = time.perf_counter()
    summary = BuildSummary(index=str(index))
    builder = _SegmentBuilder(index, manifest, np.asarray(read_allow(index)), summary)
    for text in read_texts(inputs, summary, progress):
        builder.add(text)
    builder.flush()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def merge_index(out: str | Path) -> BuildSummary:
    """Rewrite every segment as one (fewer binary searches per check)."""
    index = Path(out)
    manifest = Manifest.read(index)
    summary = BuildSummary(index=str(index))
    if len(manifest.segments) <= 1:
        return summary
    keys: list[U64] = []
    docs: list[I64] = []
    documents: list[DocumentRef] = []
    bytes_in = 0
    for entry, folder in iter_segments(index, manifest):
        segment = Segment.open(folder)
        segment_keys, segment_docs = segment.packed.decode()
        keys.append(segment_keys)
        docs.append(segment_docs + len(documents))
        documents.extend(segment.documents)
        bytes_in += int(entry["bytes_in"])
    if len(documents) > MAX_DOCUMENTS:
        raise RunError(
            f"{len(documents):,} documents do not fit one segment (at most {MAX_DOCUMENTS:,}); "
            "leaving the segments as they are"
        )
    old = [str(s["name"]) for s in manifest.segments]
    name = next_segment_name(manifest)
    entry = write_segment(
        index, name, np.concatenate(keys), np.concatenate(docs), documents, bytes_in
    )
    manifest.segments = [entry]
    manifest.write(index)  # the manifest names only the merged segment from here on
    for old_name in old:
        shutil.rmtree(index / old_name, ignore_errors=True)
    summary.segments = [name]
    summary.documents = len(documents)
    summary.bytes_in = bytes_in
    summary.entries = int(entry["entries"])
    summary.index_bytes = int(entry["index_bytes"])
    return summary
