#!/usr/bin/env python3
"""Throughput of ``clearance scan`` (reader + detector registry + run store) against a
plain-Python baseline that only reads the same corpus.

The corpus is generated deterministically (seeded ``random``): a folder tree of text and code
files (1 KB-200 KB, some with ``SPDX-License-Identifier:`` headers, some exact duplicates),
several JSON Lines files of records, binary files with a PNG header and one WARC. By bytes it
is roughly 40% loose files, 50% JSONL and 10% other.

Timed, each as the median of ``--repeat`` rounds (rounds interleave the variants so machine
noise spreads over all of them; the page cache is warmed first):

* baseline ``read``: walk the tree and read every item: whole files, every JSONL line through
  ``json.loads``, every WARC content record through warcio. In this process, one process and
  (with ``--workers`` > 1) a fork pool of that many processes.
* baseline ``read+sha256``: the same plus a sha256 of each item's bytes, which the pipeline
  also computes for every item.
* baseline ``read (msgspec JSON)``: the plain read with JSONL lines decoded by msgspec, the
  decoder the pipeline uses (``json`` only for the lines msgspec refuses). The target is
  measured against the stdlib ``json`` read (the issue's "plain-Python" baseline); this row
  shows what the same read costs with the faster decoder (column ``vs msgspec read``).
* ``clearance scan CORPUS --out RUN --force --workers W --json`` as a subprocess (whole process
  timed), with all detectors and with ``--detectors ''`` (reader + store path only).
* ``clearance.scan.scan(...)`` called in this process (``in-process`` rows): the scan timed
  the way the baseline is, with the interpreter started and imports done, so the table shows
  the pipeline's own overhead apart from interpreter start.
* ``clearance --version``: interpreter start and CLI import, which the baseline does not pay.

Overhead is ``pipeline_seconds / baseline_read_seconds - 1`` against the baseline with the
same number of processes; the target is under 15%. Each row also gives the CPU seconds of this
process and its children (``os.times``, and ``/proc`` for live children and for orphans this
process adopts: a forkserver reaps its workers itself) over the same interval: on a shared
machine wall time includes waiting for a core, CPU time does not.

The script ends with a cProfile of one in-process ``--workers 1`` scan (``--profile-detectors``
chooses its detectors; none by default) and ``--profile-out`` keeps its stats.

Run::

    .venv/bin/python benchmarks/scan_throughput.py                 # 200 MB, 3 rounds
    .venv/bin/python benchmarks/scan_throughput.py --corpus /tmp/bc200 --no-detector-rows
    .venv/bin/python benchmarks/scan_throughput.py --size-mb 20 --repeat 1 --no-profile
    .venv/bin/python benchmarks/scan_throughput.py --corpus /tmp/corpus --json
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import math
import multiprocessing as mp
import os
import platform
import pstats
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import msgspec

TARGET_OVERHEAD_PCT = 15.0
CORPUS_MARKER = "corpus.json"
CORPUS_VERSION = 1
MB = 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SPDX_EXPRESSIONS = (
    "MIT",
    "Apache-2.0",
    "GPL-2.0+",
    "GPL-3.0-or-later",
    "BSD-3-Clause",
    "MIT OR Apache-2.0",
    "apache-2.0 AND bsd-2-clause",
    "LicenseRef-Proprietary",
    "MIT AND (",  # unparseable on purpose
)
CODE_KINDS = {
    ".py": ("# ", ""),
    ".c": ("/* ", " */"),
    ".js": ("// ", ""),
    ".go": ("// ", ""),
    ".rs": ("// ", ""),
    ".java": ("// ", ""),
}
TEXT_KINDS = (".txt", ".md", ".html")


# -- corpus ---------------------------------------------------------------------------------


class _Text:
    """Seeded pools of prose and code lines; documents are random picks from the pools."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        letters = string.ascii_lowercase
        words = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(6000)]
        words += ["café", "naïve", "Grüße", "日本語", "данные", "señal"]  # some non-ASCII
        self.words = words
        self.prose = [self._sentence() for _ in range(5000)]
        self.code = [self._code_line() for _ in range(5000)]

    def _sentence(self) -> str:
        words = self.rng.choices(self.words, k=self.rng.randint(4, 22))
        return " ".join(words).capitalize() + "."

    def _code_line(self) -> str:
        r = self.rng
        a, b, c = r.choices(self.words[:6000], k=3)
        indent = " " * (4 * r.randint(0, 3))
        forms = (
            f"{indent}{a}_{b} = {c}({r.randint(0, 999)}, {a!r})",
            f"{indent}if {a} > {r.randint(0, 99)}: return {b}",
            f"{indent}{a}.{b}({c}, {r.random():.4f})",
            f"{indent}# {a} {b} {c}: {self._sentence()}",
            f"{indent}for {a} in {b}: {c} += {a}",
        )
        return r.choice(forms)

    def lines(self, pool: list[str], size: int) -> str:
        """Lines from ``pool`` until about ``size`` UTF-8 bytes."""
        out: list[str] = []
        total = 0
        while total < size:
            batch = self.rng.choices(pool, k=max(1, (size - total) // 60 + 1))
            for line in batch:
                out.append(line)
                total += len(line) + 1
                if total >= size:
                    break
        return "\n".join(out) + "\n"

    def paragraph(self, size: int) -> str:
        """Prose for a record: sentences, with blank lines between paragraphs."""
        out: list[str] = []
        total = 0
        while total < size:
            sentence = self.rng.choice(self.prose)
            out.append(sentence)
            out.append("\n\n" if self.rng.random() < 0.15 else " ")
            total += len(sentence) + 1
        return "".join(out).strip()


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def generate_corpus(root: Path, size_mb: float, seed: int) -> dict[str, Any]:
    """Write the corpus under ``root/data`` and a description to ``root/corpus.json``."""
    rng = random.Random(seed)
    text = _Text(rng)
    total = int(size_mb * MB)
    data = root / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    stats: dict[str, Any] = {}
    stats["loose"] = _write_loose_files(data / "repo", rng, text, int(total * 0.40))
    stats["jsonl"] = _write_jsonl(data / "records", rng, text, int(total * 0.50))
    stats["binary"] = _write_binaries(data / "media", rng, int(total * 0.06))
    stats["warc"] = _write_warc(data / "crawl", rng, text, int(total * 0.04))
    info = {
        "version": CORPUS_VERSION,
        "seed": seed,
        "size_mb": size_mb,
        "parts": stats,
        "files": sum(s["files"] for s in stats.values()),
        "bytes": sum(s["bytes"] for s in stats.values()),
        "items": sum(s["items"] for s in stats.values()),
    }
    (root / CORPUS_MARKER).write_text(json.dumps(info, indent=2) + "\n")
    return info


def _write_loose_files(
    folder: Path, rng: random.Random, text: _Text, budget: int
) -> dict[str, int]:
    written: list[bytes] = []
    files = size = dups = spdx = 0
    while size < budget:
        pkg = f"pkg{rng.randrange(12):02d}/mod{rng.randrange(6)}"
        if written and rng.random() < 0.05:  # an exact duplicate under another name
            body, ext = rng.choice(written), ".txt"
            dups += 1
        elif rng.random() < 0.6:
            ext = rng.choice(sorted(CODE_KINDS))
            body_text = text.lines(text.code, _log_uniform(rng, 1024, 200 * 1024))
            if rng.random() < 0.25:
                opener, closer = CODE_KINDS[ext]
                expr = rng.choice(SPDX_EXPRESSIONS)
                body_text = f"{opener}SPDX-License-Identifier: {expr}{closer}\n{body_text}"
                spdx += 1
            body = body_text.encode()
        else:
            ext = rng.choice(TEXT_KINDS)
            body_text = text.lines(text.prose, _log_uniform(rng, 1024, 200 * 1024))
            if ext == ".html":
                body_text = f"<!doctype html>\n<html><body><p>\n{body_text}</p></body></html>\n"
            body = body_text.encode()
        path = folder / pkg / f"file_{files:05d}{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        if len(written) < 200:
            written.append(body)
        files += 1
        size += len(body)
    return {"files": files, "bytes": size, "items": files, "duplicates": dups, "spdx": spdx}


def _write_jsonl(folder: Path, rng: random.Random, text: _Text, budget: int) -> dict[str, int]:
    folder.mkdir(parents=True)
    # One file over the 32 MB default shard size at 200 MB, so byte-range splitting is used.
    weights = (0.36, 0.2, 0.14, 0.1, 0.1, 0.1)
    records = size = 0
    seen: list[str] = []
    for n, weight in enumerate(weights):
        path = folder / f"part-{n:02d}.jsonl"
        part_budget = int(budget * weight)
        part_size = 0
        with path.open("w", encoding="utf-8") as out:
            while part_size < part_budget:
                if seen and rng.random() < 0.02:
                    body = rng.choice(seen)  # a duplicated document
                else:
                    body = text.paragraph(_log_uniform(rng, 100, 8 * 1024))
                    if rng.random() < 0.01:
                        body = f"SPDX-License-Identifier: {rng.choice(SPDX_EXPRESSIONS)}\n{body}"
                    if len(seen) < 500:
                        seen.append(body)
                record = {
                    "id": f"doc-{records:07d}",
                    "text": body,
                    "url": f"https://example.org/{rng.choice(text.words)}/{records}",
                    "lang": rng.choice(("en", "en", "en", "de", "fr")),
                    "score": round(rng.random(), 4),
                }
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                part_size += len(line.encode())
                records += 1
        size += part_size
    return {"files": len(weights), "bytes": size, "items": records}


def _write_binaries(folder: Path, rng: random.Random, budget: int) -> dict[str, int]:
    folder.mkdir(parents=True)
    files = size = 0
    while size < budget:
        n = _log_uniform(rng, 16 * 1024, 2 * MB)
        body = PNG_MAGIC + b"\x00\x00\x00\rIHDR" + rng.randbytes(n)
        (folder / f"image_{files:04d}.png").write_bytes(body)
        files += 1
        size += len(body)
    return {"files": files, "bytes": size, "items": files}


def _write_warc(folder: Path, rng: random.Random, text: _Text, budget: int) -> dict[str, int]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True)
    path = folder / "crawl-00000.warc"
    records = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        while out.tell() < budget:
            body = text.lines(text.prose, _log_uniform(rng, 2 * 1024, 48 * 1024))
            html = f"<!doctype html>\n<html><body><p>\n{body}</p></body></html>\n".encode()
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if rng.random() < 0.1:
                headers.append(("X-Robots-Tag", "noai"))
            record = writer.create_warc_record(
                f"https://site{rng.randrange(50)}.example.com/page/{records}",
                "response",
                payload=io.BytesIO(html),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={
                    "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>",
                    "WARC-Date": "2024-05-01T12:00:00Z",
                },
            )
            writer.write_record(record)
            records += 1
        size = out.tell()
    return {"files": 1, "bytes": size, "items": records}


def ensure_corpus(
    corpus: Path | None, size_mb: float, seed: int, scratch: Path
) -> tuple[Path, dict[str, Any]]:
    """The folder to scan and what is known about it; generate when needed."""
    root = corpus if corpus is not None else scratch / "corpus"
    marker = root / CORPUS_MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        if (info.get("version"), info.get("seed"), info.get("size_mb")) == (
            CORPUS_VERSION,
            seed,
            size_mb,
        ):
            info["reused"] = True
            return root / "data", info
    elif corpus is not None and corpus.exists() and any(corpus.iterdir()):
        # Someone else's folder: scan it as it is, never write into it.
        files, size = 0, 0
        for path in _walk(corpus):
            files += 1
            size += path.stat().st_size
        return corpus, {"external": True, "files": files, "bytes": size, "items": None}
    started = time.perf_counter()
    print(f"generating a {size_mb:g} MB corpus (seed {seed}) in {root} ...", file=sys.stderr)
    info = generate_corpus(root, size_mb, seed)
    info["generate_s"] = round(time.perf_counter() - started, 2)
    info["reused"] = False
    return root / "data", info


# -- baseline -------------------------------------------------------------------------------


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _kind(path: str) -> str:
    lower = path.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith(".warc"):
        return "warc"
    return "file"


def read_one(path: str, hashed: bool, fast_json: bool = False) -> int:
    """Read every item of one file the plainest way; the number of items. ``fast_json``
    decodes JSONL lines with msgspec instead of ``json``."""
    kind = _kind(path)
    sha = hashlib.sha256
    if kind == "file":
        with open(path, "rb") as stream:
            data = stream.read()
        if hashed:
            sha(data).hexdigest()
        return 1
    items = 0
    if kind == "jsonl":
        loads = msgspec.json.Decoder().decode if fast_json else json.loads
        with open(path, "rb") as stream:
            for line in stream:
                if not line.strip():
                    continue
                record = loads(line)
                if hashed:
                    sha(record.get("text", "").encode("utf-8")).hexdigest()
                items += 1
        return items
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource"):
                continue
            data = record.content_stream().read()
            if hashed:
                sha(data).hexdigest()
            items += 1
    return items


def _read_plain(path: str) -> int:
    return read_one(path, False)


def _read_hashed(path: str) -> int:
    return read_one(path, True)


def _read_fast_json(path: str) -> int:
    return read_one(path, False, fast_json=True)


def baseline(root: Path, *, hashed: bool, processes: int, fast_json: bool = False) -> int:
    """Walk ``root`` and read every item; the number of items read."""
    paths = [str(p) for p in _walk(root)]
    func = _read_fast_json if fast_json else _read_hashed if hashed else _read_plain
    if processes <= 1:
        return sum(func(p) for p in paths)
    # Biggest files first so one large JSONL file does not finish last on its own.
    paths.sort(key=lambda p: -os.path.getsize(p))
    with mp.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap_unordered(func, paths, chunksize=8))


# -- pipeline -------------------------------------------------------------------------------


def clearance_bin() -> str:
    """The ``clearance`` console script of the interpreter running this file."""
    candidate = Path(sys.executable).with_name("clearance")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("clearance")
    if found is None:
        raise SystemExit("clearance is not installed next to this Python; use the venv's python")
    return found


@dataclass
class PipelineRun:
    seconds: float
    summary: dict[str, Any]
    timings: dict[str, float]


def run_pipeline(corpus: Path, out: Path, workers: int, detectors: str | None) -> PipelineRun:
    if out.exists():
        shutil.rmtree(out)  # outside the timing: --force would otherwise delete it in-process
    cmd = [clearance_bin(), "scan", str(corpus), "--out", str(out), "--force", "--json"]
    cmd += ["--workers", str(workers)]
    if detectors is not None:
        cmd += ["--detectors", detectors]
    children = _children()
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    reap_adopted(children)  # its forkserver and resource tracker, for their CPU time
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    summary = json.loads(proc.stdout)
    timings = json.loads((out / "run.json").read_text()).get("timings", {})
    return PipelineRun(seconds, summary, timings)


def run_in_process(corpus: Path, out: Path, workers: int, detectors: str | None) -> PipelineRun:
    """The scan as a library call in this process: no interpreter start, imports done."""
    from clearance.scan import ScanOptions, scan

    if out.exists():
        shutil.rmtree(out)
    names = None if detectors is None else tuple(n for n in detectors.split(",") if n)
    started = time.perf_counter()
    summary = scan([str(corpus)], out, ScanOptions(workers=workers, force=True, detectors=names))
    seconds = time.perf_counter() - started
    timings = json.loads((out / "run.json").read_text()).get("timings", {})
    return PipelineRun(seconds, {"items": summary.items}, timings)


def cli_startup() -> float:
    started = time.perf_counter()
    subprocess.run([clearance_bin(), "--version"], capture_output=True, check=True)
    return time.perf_counter() - started


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Variant:
    name: str
    processes: int
    kind: str  # "baseline" | "pipeline" | "startup"
    run: Callable[[], tuple[float, int, dict[str, float]]]
    reference: str | None = None  # the baseline-read row this one is compared with
    hashed_reference: str | None = None
    fast_reference: str | None = None  # the baseline read with msgspec's JSON decoder
    seconds: list[float] = field(default_factory=list)
    items: int = 0
    timings: list[dict[str, float]] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process, its reaped children and its live children
    with what they reaped: a scan's forkserver outlives the scan and reaps its workers itself."""
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    tick = os.sysconf("SC_CLK_TCK")
    return own + sum(sum(_proc_stat(pid)[11:15]) for pid in _children()) / tick


def _proc_stat(pid: int) -> list[int]:
    """/proc/PID/stat after the command name: [state, ppid, ...]; utime..cstime at 11:15."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return [0] * 15
    return [0, *(int(v) for v in text[text.rindex(")") + 2 :].split()[1:15])]


def _children() -> set[int]:
    """This process's live child processes (Linux /proc; empty elsewhere)."""
    if not Path("/proc/self/stat").exists():
        return set()
    me = os.getpid()
    return {int(e) for e in os.listdir("/proc") if e.isdigit() and _proc_stat(int(e))[1] == me}


def adopt_orphans() -> None:
    """Become the reaper of orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``): a
    ``clearance scan`` subprocess leaves its forkserver and resource tracker to exit after it,
    and their CPU time counts only once this process reaps them (``reap_adopted``)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def reap_adopted(before: set[int]) -> None:
    """Wait for the children that appeared since ``before`` (adopted orphans) to exit."""
    for pid in _children() - before:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _timed(func: Callable[[], int]) -> Callable[[], tuple[float, int, dict[str, float]]]:
    def run() -> tuple[float, int, dict[str, float]]:
        started = time.perf_counter()
        items = func()
        return time.perf_counter() - started, items, {}

    return run


def _pipeline(
    corpus: Path, out: Path, workers: int, detectors: str | None, in_process: bool = False
) -> Callable[[], tuple[float, int, dict[str, float]]]:
    runner = run_in_process if in_process else run_pipeline

    def run() -> tuple[float, int, dict[str, float]]:
        result = runner(corpus, out, workers, detectors)
        return result.seconds, int(result.summary["items"]), result.timings

    return run


def build_variants(
    corpus: Path, scratch: Path, workers: int, detector_rows: bool = True
) -> list[Variant]:
    out = scratch / "run"
    counts = [1] if workers <= 1 else [1, workers]
    variants: list[Variant] = [
        Variant("clearance --version (startup)", 1, "startup", lambda: (cli_startup(), 0, {}))
    ]
    for n in counts:
        read_name = f"baseline read, {n} proc"
        sha_name = f"baseline read+sha256, {n} proc"
        fast_name = f"baseline read (msgspec JSON), {n} proc"
        refs = (read_name, sha_name, fast_name)
        variants += [
            Variant(
                read_name,
                n,
                "baseline",
                _timed(partial(baseline, corpus, hashed=False, processes=n)),
            ),
            Variant(
                sha_name,
                n,
                "baseline",
                _timed(partial(baseline, corpus, hashed=True, processes=n)),
            ),
            Variant(
                fast_name,
                n,
                "baseline",
                _timed(partial(baseline, corpus, hashed=False, processes=n, fast_json=True)),
            ),
            Variant(
                f"in-process scan(), workers {n}, no detectors",
                n,
                "pipeline",
                _pipeline(corpus, out, n, "", in_process=True),
                *refs,
            ),
            Variant(
                f"clearance scan --workers {n} --detectors ''",
                n,
                "pipeline",
                _pipeline(corpus, out, n, ""),
                *refs,
            ),
        ]
        if detector_rows:
            variants.append(
                Variant(
                    f"clearance scan --workers {n} (all detectors)",
                    n,
                    "pipeline",
                    _pipeline(corpus, out, n, None),
                    *refs,
                )
            )
    return variants


def measure(variants: list[Variant], repeat: int) -> None:
    for round_no in range(repeat):
        order = variants if round_no % 2 == 0 else list(reversed(variants))
        for variant in order:
            cpu_before = cpu_seconds()
            seconds, items, timings = variant.run()
            variant.cpu.append(cpu_seconds() - cpu_before)
            variant.seconds.append(seconds)
            variant.items = items
            if timings:
                variant.timings.append(timings)
            print(
                f"  round {round_no + 1}: {variant.name}: {seconds:.2f}s "
                f"(cpu {variant.cpu[-1]:.2f}s)",
                file=sys.stderr,
            )


def check_items(variants: list[Variant]) -> list[str]:
    """Warnings when the pipeline saw a different number of items than the baseline."""
    counts = {v.name: v.items for v in variants if v.kind != "startup"}
    expected = max(counts.values(), default=0)
    return [
        f"{name} counted {items:,} items, others {expected:,}"
        for name, items in counts.items()
        if items != expected
    ]


def rows(variants: list[Variant], corpus_bytes: int) -> list[dict[str, Any]]:
    by_name = {v.name: v for v in variants}
    out = []
    for v in variants:
        median = statistics.median(v.seconds)
        row: dict[str, Any] = {
            "name": v.name,
            "kind": v.kind,
            "processes": v.processes,
            "seconds_median": round(median, 3),
            "seconds_all": [round(s, 3) for s in v.seconds],
            "cpu_median": round(statistics.median(v.cpu), 3) if v.cpu else None,
            "items": v.items,
            "items_per_s": round(v.items / median) if v.items else None,
            "mb_per_s": round(corpus_bytes / MB / median, 1) if v.kind != "startup" else None,
        }
        if v.timings:
            keys = sorted({k for t in v.timings for k in t})
            row["in_process_timings_median"] = {
                k: round(statistics.median(t.get(k, 0.0) for t in v.timings), 3) for k in keys
            }
        if v.reference:
            ref = statistics.median(by_name[v.reference].seconds)
            overhead = (median / ref - 1) * 100
            row["vs"] = v.reference
            row["overhead_pct"] = round(overhead, 1)
            ref_cpu = statistics.median(by_name[v.reference].cpu)
            if v.cpu and ref_cpu:
                row["cpu_overhead_pct"] = round((statistics.median(v.cpu) / ref_cpu - 1) * 100, 1)
            row["verdict"] = "PASS" if overhead < TARGET_OVERHEAD_PCT else "FAIL"
        if v.hashed_reference:
            ref = statistics.median(by_name[v.hashed_reference].seconds)
            row["vs_hashed"] = v.hashed_reference
            row["overhead_vs_hashed_pct"] = round((median / ref - 1) * 100, 1)
        if v.fast_reference:
            ref_cpu = statistics.median(by_name[v.fast_reference].cpu)
            row["vs_fast_json"] = v.fast_reference
            if v.cpu and ref_cpu:
                fast = (statistics.median(v.cpu) / ref_cpu - 1) * 100
                row["cpu_overhead_vs_fast_json_pct"] = round(fast, 1)
        out.append(row)
    return out


def print_table(result: dict[str, Any], markdown: bool) -> None:
    headers = [
        "variant",
        "median s",
        "runs s",
        "cpu s",
        "items/s",
        "MB/s",
        "overhead",
        "cpu overhead",
        "vs +sha256",
        "cpu vs msgspec read",
        "15% target",
    ]
    table = []
    for r in result["rows"]:
        table.append(
            [
                r["name"],
                f"{r['seconds_median']:.2f}",
                " ".join(f"{s:.2f}" for s in r["seconds_all"]),
                f"{r['cpu_median']:.2f}" if r.get("cpu_median") is not None else "-",
                f"{r['items_per_s']:,}" if r["items_per_s"] else "-",
                f"{r['mb_per_s']:.1f}" if r["mb_per_s"] else "-",
                f"{r['overhead_pct']:+.0f}%" if "overhead_pct" in r else "-",
                f"{r['cpu_overhead_pct']:+.0f}%" if "cpu_overhead_pct" in r else "-",
                f"{r['overhead_vs_hashed_pct']:+.0f}%" if "overhead_vs_hashed_pct" in r else "-",
                (
                    f"{r['cpu_overhead_vs_fast_json_pct']:+.0f}%"
                    if "cpu_overhead_vs_fast_json_pct" in r
                    else "-"
                ),
                r.get("verdict", "-"),
            ]
        )
    if markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for line in table:
            print("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in table)) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for line in table:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    print()
    for r in result["rows"]:
        if "in_process_timings_median" in r:
            t = r["in_process_timings_median"]
            rest = r["seconds_median"] - t.get("total_s", 0.0)
            print(
                f"{r['name']}: plan {t.get('plan_s', 0):.2f}s, shards {t.get('scan_s', 0):.2f}s, "
                f"run-level detectors {t.get('run_detectors_s', 0):.2f}s, "
                f"process start/import/exit {rest:.2f}s"
            )


# -- profile --------------------------------------------------------------------------------


def _group(filename: str, funcname: str) -> str:
    """A readable owner for a profile entry: clearance module, package, or builtin."""
    if filename == "~":
        return funcname
    path = filename.replace("\\", "/")
    if "/clearance/" in path and "site-packages" not in path:
        return "clearance/" + path.split("/clearance/", 1)[1]
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0]
    file = Path(path)
    return "stdlib:" + (
        f"{file.parent.name}/{file.name}" if file.name == "__init__.py" else file.name
    )


def profile_scan(
    corpus: Path, scratch: Path, top: int, save: Path | None, detectors: str | None = ""
) -> dict[str, Any]:
    """cProfile one in-process ``--workers 1`` scan (``detectors``: comma-separated names,
    "" for none, None for all)."""
    from clearance.scan import ScanOptions, scan

    out = scratch / "profile-run"
    if out.exists():
        shutil.rmtree(out)
    names = None if detectors is None else tuple(n for n in detectors.split(",") if n)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    scan([str(corpus)], out, ScanOptions(workers=1, force=True, detectors=names))
    profiler.disable()
    wall = time.perf_counter() - started
    if save is not None:
        profiler.dump_stats(str(save))
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(e[2] for e in entries.values())  # tottime
    by_owner: dict[str, float] = {}
    functions = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in entries.items():
        owner = _group(filename, name)
        by_owner[owner] = by_owner.get(owner, 0.0) + tottime
        where = owner if filename == "~" else f"{owner}:{line}:{name}"
        functions.append(
            {
                "function": where,
                "calls": ncalls,
                "tottime": round(tottime, 3),
                "cumtime": round(cumtime, 3),
            }
        )
    functions.sort(key=lambda f: -f["tottime"])
    clearance_cum = sorted(
        (f for f in functions if f["function"].startswith("clearance/")),
        key=lambda f: -f["cumtime"],
    )
    return {
        "detectors": "all" if detectors is None else detectors or "none",
        "wall_s_under_profiler": round(wall, 2),
        "profiled_s": round(total, 2),
        "by_owner_tottime": {
            k: round(v, 3) for k, v in sorted(by_owner.items(), key=lambda kv: -kv[1])[:top]
        },
        "top_tottime": functions[:top],
        "clearance_top_cumtime": clearance_cum[:top],
    }


def print_profile(profile: dict[str, Any]) -> None:
    print(
        f"profile of one in-process --workers 1 scan (detectors: {profile['detectors']}): "
        f"{profile['wall_s_under_profiler']:.2f}s under cProfile (which inflates many small"
        " Python calls; use it for where the time goes, not for absolute times)"
    )
    print("\nself time by owner (module, package or builtin):")
    for owner, seconds in profile["by_owner_tottime"].items():
        share = 100 * seconds / profile["profiled_s"] if profile["profiled_s"] else 0
        print(f"  {seconds:7.2f}s {share:5.1f}%  {owner}")
    print("\ntop functions by self time:")
    for f in profile["top_tottime"]:
        print(
            f"  {f['tottime']:7.2f}s self {f['cumtime']:7.2f}s cum "
            f"{f['calls']:>9,}x  {f['function']}"
        )
    print("\nclearance functions by cumulative time:")
    for f in profile["clearance_top_cumtime"]:
        print(
            f"  {f['cumtime']:7.2f}s cum {f['tottime']:7.2f}s self "
            f"{f['calls']:>9,}x  {f['function']}"
        )


# -- main -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": cpu or platform.processor(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="generate into / reuse this folder")
    parser.add_argument("--size-mb", type=float, default=200.0, help="corpus size (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument(
        "--workers", type=int, default=0, help="the 'all workers' count (0: all cores)"
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--no-detector-rows",
        dest="detector_rows",
        action="store_false",
        help="leave out the (slow) all-detectors rows: time the reader + store path only",
    )
    parser.add_argument("--profile-out", type=Path, help="save the cProfile stats here")
    parser.add_argument(
        "--profile-detectors",
        default="",
        help="detectors of the profiled scan: comma-separated names, 'all', or '' (the "
        "default: the reader + store path; all detectors take minutes under cProfile)",
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines to show")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON only")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    workers = args.workers or (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    adopt_orphans()
    scratch = Path(tempfile.mkdtemp(prefix="clearance-bench-"))
    try:
        corpus, info = ensure_corpus(args.corpus, args.size_mb, args.seed, scratch)
        corpus_bytes = int(info["bytes"])
        print("warming the page cache ...", file=sys.stderr)
        seen_items = baseline(corpus, hashed=False, processes=1)
        # imports and first-use set-up of the in-process rows, as the baseline's warm-up has
        run_in_process(corpus, scratch / "warm-up", 1, "")
        load_before = os.getloadavg()
        variants = build_variants(corpus, scratch, workers, args.detector_rows)
        measure(variants, max(1, args.repeat))
        load_after = os.getloadavg()
        result: dict[str, Any] = {
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": machine(),
            "load_average_1_5_15": {"before": load_before, "after": load_after},
            "clearance_commit": _git_head(),
            "target_overhead_pct": TARGET_OVERHEAD_PCT,
            "corpus": {**info, "path": str(corpus), "baseline_items": seen_items},
            "repeat": args.repeat,
            "workers": workers,
            "rows": rows(variants, corpus_bytes),
            "warnings": check_items(variants),
        }
        if args.profile:
            print("profiling one --workers 1 scan ...", file=sys.stderr)
            chosen = None if args.profile_detectors == "all" else args.profile_detectors
            result["profile"] = profile_scan(corpus, scratch, args.top, args.profile_out, chosen)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.as_json:
        print(json.dumps(result, indent=2))
        return 0
    c = result["corpus"]
    print(
        f"corpus: {c['path']}: {c['files']:,} files, {corpus_bytes / MB:.1f} MB, "
        f"{seen_items:,} items (baseline count)"
    )
    print(f"machine: {result['machine']}; medians of {args.repeat} round(s)")
    load = result["load_average_1_5_15"]
    print(f"load average (1/5/15 min): before {load['before']}, after {load['after']}\n")
    print_table(result, args.markdown)
    for warning in result["warnings"]:
        print(f"warning: {warning}")
    if "profile" in result:
        print()
        print_profile(result["profile"])
    return 0


def _git_head() -> str | None:
    try:
        here = Path(__file__).resolve().parent
        proc = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True
        )
        return proc.stdout.strip() or None
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
