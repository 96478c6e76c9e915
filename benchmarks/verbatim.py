"""Verbatim guard benchmark: span recall, false flags, latency, build speed, index size.

Builds its benchmark set deterministically (seeded ``random``) from real text on the
machine, offline:

* protected corpus: the docstrings of the Python standard library (one document per module)
  and half of the Debian ``/usr/share/doc/*/copyright`` files (chosen by a hash of the name);
* allowlist: every ScanCode LicenseDB license text and rule (license notices, references)
  shipped by ``licensedcode-data``, and ``/usr/share/common-licenses``: the boilerplate a
  copyright file repeats;
* outputs of ~1,000 tokens (750 words): prose filler from the docstrings of the third-party
  packages installed beside clearance (not protected) with one planted span of 8-50 words
  from a protected document, exact or edited (case, whitespace, quotes, line wraps, 1-in-10
  and 1-in-5 word substitutions);
* clean negatives: filler only, and same-domain outputs made of license texts and notices
  (the boilerplate the protected copyright files repeat, allowlisted). Outputs made of the
  held-out copyright files are reported apart: many repeat a protected file for real (the
  Boost packages' files are near copies of each other), so their flags are checked against
  the named source instead (a flag whose 8 words are not in the source is hash-induced).

Runs our index and, in the same process on the same data, ``datasketch`` MinHash LSH at the
document level (``pip install 'clearance[bench]'``). Prints one JSON report (and a Markdown
table with ``--markdown``).

    python benchmarks/verbatim.py [--outputs-per-cell 40] [--clean 1000] [--work DIR]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import sysconfig
import tempfile
import textwrap
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import licensedcode
import numpy as np

from clearance.guard import Guard, build_index, kernels
from clearance.guard.build import folds_compiled, hash_batch, hash_texts
from clearance.guard.index import IndexParams, contains, read_allow
from clearance.guard.normalize import fold, fold_bytes
from clearance.guard.packed import truncate

OUTPUT_WORDS = 750  # ~1,000 tokens of English
LENGTHS = (8, 11, 15, 20, 30, 50)
EDITS = ("exact", "case", "whitespace", "quotes", "wraps", "sub10", "sub5")
CHAR_BUCKETS = ((50, 110), (110, 200), (200, 400), (400, 10_000))
SEED = 20261129


@dataclass
class Doc:
    key: str
    text: str


# --- the benchmark set ------------------------------------------------------------------


def _docstrings(root: Path, limit_files: int | None = None) -> list[Doc]:
    """One document per module: its docstrings (module, classes, functions), in order."""
    docs: list[Doc] = []
    files = sorted(
        p
        for p in root.rglob("*.py")
        if not any(
            part in ("site-packages", "test", "tests", "idlelib")
            for part in p.relative_to(root).parts
        )
    )
    for path in files[:limit_files]:
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        parts = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc and len(doc.split()) >= 12:
                    parts.append(doc)
        if parts:
            docs.append(Doc(str(path.relative_to(root)), "\n\n".join(parts)))
    return docs


def _copyright_files() -> tuple[list[Doc], list[Doc]]:
    protected, held_out = [], []
    for path in sorted(Path("/usr/share/doc").glob("*/copyright")):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        bucket = hashlib.sha256(path.parent.name.encode()).digest()[0] % 2
        (protected if bucket == 0 else held_out).append(Doc(f"copyright/{path.parent.name}", text))
    return protected, held_out


def _third_party_prose() -> list[str]:
    """Paragraphs of the docstrings of installed third-party packages (not protected)."""
    site = Path(sysconfig.get_paths()["purelib"])
    paragraphs: list[str] = []
    for package in ("numpy", "hypothesis", "pydantic", "rich", "typer", "click", "fsspec"):
        if (site / package).is_dir():
            for doc in _docstrings(site / package, limit_files=400):
                paragraphs.extend(p for p in doc.text.split("\n\n") if len(p.split()) >= 8)
    return paragraphs


def _strip_front_matter(text: str) -> str:
    """A LicenseDB file without its YAML header."""
    _head, sep, body = text.partition("\n---\n")
    return body if text.startswith("---\n") and sep else text


def _words(text: str) -> list[str]:
    return text.split()


def _filler(rng: random.Random, paragraphs: list[str], words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        out.extend(_words(rng.choice(paragraphs)))
    return " ".join(out[:words])


def _window(
    rng: random.Random, docs: list[Doc], length: int, allowed: np.ndarray
) -> tuple[Doc, str] | None:
    """``length`` folded words of a protected document, as the original tokens; never a
    window with allowlisted text in it (that is not protected)."""
    for _ in range(200):
        doc = rng.choice(docs)
        tokens = _words(doc.text)
        if len(tokens) < length + 20:
            continue
        start = rng.randrange(0, len(tokens) - length - 10)
        picked: list[str] = []
        count = 0
        for token in tokens[start:]:
            picked.append(token)
            count += len(fold(token).split())
            if count >= length:
                break
        if count != length:
            continue
        grams, _ = hash_batch([fold_bytes(" ".join(picked))], IndexParams(), stride=1)
        if not contains(allowed, truncate(grams)).any():
            return doc, " ".join(picked)
    return None


_CURLY = {"'": "\u2019", '"': "\u201c"}


def _edit(rng: random.Random, span: str, kind: str, vocabulary: list[str]) -> str:
    if kind == "case":
        return span.upper() if rng.random() < 0.5 else span.title()
    if kind == "whitespace":
        return re.sub(" ", lambda _: rng.choice(("  ", "\t", " \n ", "   ")), span)
    if kind == "quotes":
        return "\u201c" + "".join(_CURLY.get(c, c) for c in span) + "\u201d"
    if kind == "wraps":
        return "\n".join(textwrap.wrap(span, width=rng.randint(40, 72), break_on_hyphens=False))
    if kind in ("sub10", "sub5"):
        rate = 0.1 if kind == "sub10" else 0.2
        tokens = span.split()
        for i in range(len(tokens)):
            if rng.random() < rate:
                tokens[i] = rng.choice(vocabulary)
        return " ".join(tokens)
    return span


@dataclass
class Planted:
    output: str
    start: int
    end: int
    doc: str
    words: int
    chars: int
    edit: str


def make_positives(
    rng: random.Random, protected: list[Doc], prose: list[str], per_cell: int, allowed: np.ndarray
) -> list[Planted]:
    vocabulary = sorted({w for p in prose[:2000] for w in p.split() if w.isalpha()})
    planted: list[Planted] = []
    for length in LENGTHS:
        for edit in EDITS:
            for _ in range(per_cell):
                found = _window(rng, protected, length, allowed)
                if found is None:
                    continue
                doc, span = found
                edited = _edit(rng, span, edit, vocabulary)
                before = _filler(rng, prose, rng.randint(50, OUTPUT_WORDS - length - 50))
                after = _filler(rng, prose, OUTPUT_WORDS - length - len(before.split()))
                output = f"{before}\n{edited}\n{after}"
                start = len(before) + 1
                planted.append(
                    Planted(output, start, start + len(edited), doc.key, length, len(span), edit)
                )
    return planted


def _paragraphs(docs: list[Doc]) -> list[str]:
    return [p for d in docs for p in d.text.split("\n\n") if len(p.split()) >= 5]


def make_clean(
    rng: random.Random, prose: list[str], domain_docs: list[Doc], count: int
) -> tuple[list[str], list[str]]:
    plain = [_filler(rng, prose, OUTPUT_WORDS) for _ in range(count)]
    paragraphs = _paragraphs(domain_docs)
    domain = [_filler(rng, paragraphs, OUTPUT_WORDS) for _ in range(count)]
    return plain, domain


def write_jsonl(path: Path, docs: list[Doc]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps({"id": doc.key, "text": doc.text}, ensure_ascii=False) + "\n")


# --- measuring ----------------------------------------------------------------------------


def _bucket(chars: int) -> str:
    for lo, hi in CHAR_BUCKETS:
        if lo <= chars < hi:
            return f"{lo}-{hi - 1}" if hi < 10_000 else f"{lo}+"
    return f"<{CHAR_BUCKETS[0][0]}"


def _overlaps(spans: list[dict[str, Any]], p: Planted) -> list[dict[str, Any]]:
    return [s for s in spans if s["end"] > p.start and s["start"] < p.end]


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 3) if values else float("nan")


def measure_guard(
    guard: Guard,
    positives: list[Planted],
    plain: list[str],
    domain: list[str],
    folded_docs: list[str],
    held: list[str],
) -> dict[str, Any]:
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    latencies: list[float] = []
    cpu: list[float] = []  # CPU time per check: less moved by other processes on the machine
    by_set: dict[str, list[float]] = defaultdict(list)
    for p in positives:
        started, started_cpu = time.perf_counter(), time.process_time()
        verdict = guard.check(p.output)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        by_set["positives"].append(latencies[-1])
        spans = [s.to_json() for s in verdict.spans]
        over = _overlaps(spans, p)
        flagged = verdict.verdict != "pass" and any(s["verdict"] != "pass" for s in over)
        for key in ((f"words={p.words}", p.edit), (f"chars={_bucket(p.chars)}", p.edit)):
            cell = by_cell[key]
            cell[0] += 1
            cell[1] += bool(over)
            cell[2] += flagged
    clean: dict[str, Any] = {}
    for name, outputs in (("plain", plain), ("same_domain", domain), ("held_out_copyright", held)):
        flags = genuine = hash_induced = 0
        for text in outputs:
            started, started_cpu = time.perf_counter(), time.process_time()
            verdict = guard.check(text)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            by_set[name].append(latencies[-1])
            if verdict.verdict == "pass":
                continue
            flags += 1
            for span in verdict.spans:
                if span.verdict == "pass":
                    continue
                named = [folded_docs[_line(s.item_id) - 1] for s in span.sources]
                if _really_shared(text[span.start : span.end], named):
                    genuine += 1
                else:
                    hash_induced += 1
        clean[name] = {
            "outputs": len(outputs),
            "flagged_outputs": flags,
            "flags_per_10k": round(flags * 10_000 / len(outputs), 1) if outputs else None,
            "flagged_spans_really_shared": genuine,
            "flagged_spans_hash_induced": hash_induced,
        }
    return {
        "recall": {
            f"{length} {edit}": {
                "n": c[0],
                "detected": _rate(c[1], c[0]),
                "flagged": _rate(c[2], c[0]),
            }
            for (length, edit), c in sorted(by_cell.items())
        },
        "clean": clean,
        "latency_ms": {
            "p50": _percentile(latencies, 50),
            "p99": _percentile(latencies, 99),
            "checks": len(latencies),
            "cpu_p50": _percentile(cpu, 50),
            "cpu_p99": _percentile(cpu, 99),
            "by_set": {
                k: {"p50": _percentile(v, 50), "p99": _percentile(v, 99), "n": len(v)}
                for k, v in by_set.items()
            },
        },
    }


def _line(item_id: str) -> int:
    """The JSONL line number in a record's item id (``source:protected.jsonl#L12``)."""
    match = re.search(r"#L(\d+)$", item_id)
    assert match, item_id
    return int(match.group(1))


def _really_shared(text: str, sources: list[str]) -> bool:
    """True when some 8 consecutive folded words of ``text`` occur in a named source."""
    words = fold(text).split()
    grams = {" ".join(words[i : i + 8]) for i in range(max(1, len(words) - 7))}
    return any(f" {g} " in f" {doc} " for g in grams for doc in sources)


def measure_minhash(
    protected: list[Doc], positives: list[Planted], plain: list[str], domain: list[str]
) -> dict[str, Any]:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return {"skipped": "datasketch not installed: pip install 'clearance[bench]'"}

    def minhash(text: str) -> MinHash:
        words = fold(text).split()
        shingles = {" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))}
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(list(shingles))
        return m

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for doc in protected:
        lsh.insert(doc.key, minhash(doc.text))
    build_s = time.perf_counter() - started
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    latencies: list[float] = []
    for p in positives:
        started = time.perf_counter()
        found = lsh.query(minhash(p.output))
        latencies.append((time.perf_counter() - started) * 1000)
        for key in ((f"words={p.words}", p.edit), (f"chars={_bucket(p.chars)}", p.edit)):
            by_cell[key][0] += 1
            by_cell[key][1] += p.doc in found
    clean = {}
    for name, outputs in (("plain", plain), ("same_domain", domain)):
        flags = 0
        for text in outputs:
            started = time.perf_counter()
            flags += bool(lsh.query(minhash(text)))
            latencies.append((time.perf_counter() - started) * 1000)
        clean[name] = round(flags * 10_000 / len(outputs), 1) if outputs else None
    return {
        "recall": {f"{k[0]} {k[1]}": _rate(c[1], c[0]) for k, c in sorted(by_cell.items())},
        "flags_per_10k": clean,
        "latency_ms": {"p50": _percentile(latencies, 50), "p99": _percentile(latencies, 99)},
        "build_s": round(build_s, 2),
    }


def measure_build(
    work: Path, corpus: Path, allow: Path, texts: list[str], repeat: int
) -> dict[str, Any]:
    """Our build end to end (reader + fold + hash + sort + write), and the kernel alone;
    wall and CPU (process) time, with the compiled kernels and with numpy only."""
    runs, cpu, kernel, numpy_runs, numpy_cpu = [], [], [], [], []
    summary = None
    for i in range(repeat + 1):  # run 0: loads (or compiles) the numba kernels, not counted
        out = work / f"index-plain-{i}"
        shutil.rmtree(out, ignore_errors=True)
        started, started_cpu = time.perf_counter(), time.process_time()
        summary = build_index([str(corpus)], out)
        if i:
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        else:
            first_s = time.perf_counter() - started
        shutil.rmtree(out, ignore_errors=True)
        if i:
            os.environ[kernels.DISABLE_ENV] = "1"
            started, started_cpu = time.perf_counter(), time.process_time()
            build_index([str(corpus)], out)
            numpy_runs.append(time.perf_counter() - started)
            numpy_cpu.append(time.process_time() - started_cpu)
            del os.environ[kernels.DISABLE_ENV]
            shutil.rmtree(out, ignore_errors=True)
        started = time.process_time()
        params = IndexParams()
        compiled = folds_compiled(params)  # as the build does: fold in the kernel or in numpy
        batch: list[bytes] = []
        size = 0
        for text in texts:
            batch.append(text.encode("utf-8") if compiled else fold_bytes(text))
            size += len(batch[-1])
            if size > 4 << 20:
                hash_texts(batch, params) if compiled else hash_batch(batch, params)
                batch, size = [], 0
        if batch:
            hash_texts(batch, params) if compiled else hash_batch(batch, params)
        kernel.append(time.process_time() - started)
    out = work / "index"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with_allow = build_index([str(corpus)], out, allow=[str(allow)])
    with_allow_s = time.perf_counter() - started
    with_allow_keys = json.loads((out / "manifest.json").read_text("utf-8"))["allow_keys"]
    assert summary is not None
    mb = summary.bytes_in / 1e6
    text_mb = sum(len(t.encode()) for t in texts) / 1e6
    allow_bytes = sum(p.stat().st_size for p in (out / "allow").iterdir())
    return {
        "input_mb": round(mb, 2),
        "documents": summary.documents,
        "entries": summary.entries,
        "index_bytes_per_input_byte": round(with_allow.index_bytes / with_allow.bytes_in, 3),
        "index_bytes_per_input_byte_without_allowlist": round(
            summary.index_bytes / summary.bytes_in, 3
        ),
        "allowlist_keys": with_allow_keys,
        "allowlist_index_bytes": allow_bytes,
        "build_with_allowlist_s": round(with_allow_s, 2),
        "build_first_s": round(first_s, 3),
        "compiled_kernels": kernels.available(),
        "build_s_median": round(statistics.median(runs), 3),
        "build_mb_per_s_per_core": round(mb / statistics.median(runs), 1),
        "build_cpu_mb_per_s": round(mb / statistics.median(cpu), 1),
        "build_cpu_s_per_mb": round(statistics.median(cpu) / mb, 4),
        "build_numpy_only_mb_per_s": round(mb / statistics.median(numpy_runs), 1),
        "build_numpy_only_cpu_mb_per_s": round(mb / statistics.median(numpy_cpu), 1),
        "kernel_fold_hash_cpu_mb_per_s": round(text_mb / statistics.median(kernel), 1),
        "load_average_after_builds": [round(x, 2) for x in os.getloadavg()],
        "index": str(out),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs-per-cell", type=int, default=40)
    parser.add_argument("--clean", type=int, default=1000, help="clean outputs of each kind")
    parser.add_argument("--repeat", type=int, default=3, help="build repetitions (median)")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--in-memory", action="store_true", help="load the index into RAM")
    parser.add_argument("--no-minhash", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="only the build figures (speed, index size): no outputs, checks or peer",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="verbatim-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)

    t0 = time.perf_counter()
    stdlib = _docstrings(Path(sysconfig.get_paths()["stdlib"]))
    copyright_protected, held_out = _copyright_files()
    protected = stdlib + copyright_protected
    corpus = work / "protected"
    corpus.mkdir(exist_ok=True)
    write_jsonl(corpus / "protected.jsonl", protected)
    allow = work / "allow"
    allow.mkdir(exist_ok=True)
    licensedb = Path(next(iter(licensedcode.__path__))) / "data"
    allowed_docs = [
        Doc(p.name, _strip_front_matter(p.read_text("utf-8")))
        for pattern in ("licenses/*.LICENSE", "rules/*.RULE")
        for p in sorted(licensedb.glob(pattern))
    ]
    allowed_docs += [
        Doc(p.name, p.read_text("utf-8"))
        for p in sorted(Path("/usr/share/common-licenses").glob("*"))
        if p.is_file()
    ]
    write_jsonl(allow / "licenses.jsonl", allowed_docs)
    before_build = time.perf_counter()
    build = measure_build(work, corpus, allow, [d.text for d in protected], args.repeat)
    if args.build_only:
        print(json.dumps({"python": sys.version.split()[0], "build": build}, indent=1))
        return
    t1 = time.perf_counter()
    prose = _third_party_prose()
    allowed = np.asarray(read_allow(Path(build["index"])))
    positives = make_positives(rng, protected, prose, args.outputs_per_cell, allowed)
    # same domain: the license texts and notices the protected copyright files repeat
    plain, domain = make_clean(rng, prose, allowed_docs, args.clean)
    held = [_filler(rng, _paragraphs(held_out), OUTPUT_WORDS) for _ in range(args.clean // 4)]
    setup_s = time.perf_counter() - t1 + (before_build - t0)
    guard = Guard.open(build["index"], detectors=[], in_memory=args.in_memory)
    folded = [" ".join(fold(d.text).split()) for d in protected]
    ours = measure_guard(guard, positives, plain, domain, folded, held)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peer = {} if args.no_minhash else measure_minhash(protected, positives, plain, domain)
    report = {
        "machine": {"python": sys.version.split()[0], "note": "shared machine; medians"},
        "set": {
            "protected_documents": len(protected),
            "protected_mb": round(sum(len(d.text.encode()) for d in protected) / 1e6, 2),
            "allowlist_documents": len(allowed_docs),
            "allowlist_mb": round(sum(len(d.text.encode()) for d in allowed_docs) / 1e6, 2),
            "positives": len(positives),
            "clean_plain": len(plain),
            "clean_same_domain": len(domain),
            "setup_s": round(setup_s, 1),
        },
        "build": build,
        "guard": ours,
        "peak_rss_mb_after_guard": round(rss_mb, 1),
        "minhash_lsh": peer,
    }
    print(json.dumps(report, indent=1))
    if args.markdown:
        print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    """Recall tables (detected / flagged, ours; MinHash LSH detected) for RESULTS.md."""
    ours = report["guard"]["recall"]
    peer = report.get("minhash_lsh", {}).get("recall", {})
    rows = sorted({k.rsplit(" ", 1)[0] for k in ours}, key=_row_order)
    lines = [
        "| span | " + " | ".join(EDITS) + " |",
        "|---|" + "---|" * len(EDITS),
    ]
    for row in rows:
        cells = []
        for edit in EDITS:
            cell = ours.get(f"{row} {edit}")
            if cell is None:
                cells.append("-")
                continue
            text = f"{cell['detected']:.2f} / {cell['flagged']:.2f}"
            if f"{row} {edit}" in peer:
                text += f" ({peer[f'{row} {edit}']:.2f})"
            cells.append(text)
        lines.append(
            f"| {row} (n={ours[f'{row} exact']['n'] if f'{row} exact' in ours else '?'}) | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def _row_order(row: str) -> tuple[int, int]:
    kind, value = row.split("=")
    number = -1 if value.startswith("<") else int(re.sub(r"\D.*", "", value) or 0)
    return (0 if kind == "words" else 1, number)


if __name__ == "__main__":
    main()
