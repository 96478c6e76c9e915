#!/usr/bin/env python3
"""Cost of the web opt-out signal detectors on a crawl, against a plain warcio read of it.

Generates (once, seeded) a WARC.gz of ``--pages`` HTML pages over ``--hosts`` hosts, with
robots.txt records first (as crawlers write them) in four shapes (GPTBot+CCBot disallowed,
``*`` disallowing ``/private/``, allow-all, 404), /.well-known/tdmrep.json for 1 host in 10,
Spawning ai.txt for 1 in 20, and per page: 10% a ``tdm-reservation: 1`` header (half with a
``tdm-policy``), 5% ``<meta name="robots" content="noai">``, 5% ``X-Robots-Tag: noai``, 3%
``<meta name="tdm-reservation" content="1">``. The generator knows which findings each page
should give; the script checks the scan found exactly those (accuracy).

Timed, median of ``--repeat`` interleaved rounds, all in this process, one worker:

* ``read``: warcio ``ArchiveIterator`` over the file, every record's payload read.
* ``scan, no detectors``: ``clearance.scan`` with ``detectors=()`` (reader, items, run store).
* ``scan, web detectors``: the same with robots-txt, tdmrep, noai and ai-txt, with a fresh
  cache folder each round so the site-file pre-pass (index build) is paid every time.

Target: signal extraction (web scan - no-detector scan) adds less than 2x the read time.

Run::

    .venv/bin/python benchmarks/signals.py                  # 100k pages, 3 rounds
    .venv/bin/python benchmarks/signals.py --pages 5000 --repeat 1
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from clearance.detectors.signals.web_sitefiles import SiteIndex
from clearance.runs import open_run
from clearance.scan import ScanOptions, scan

WEB = ("robots-txt", "tdmrep", "noai", "ai-txt")
TARGET_RATIO = 2.0
ROBOTS = {
    0: b"# AI crawlers are not welcome\nUser-agent: GPTBot\nDisallow: /\n\n"
    b"User-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
    1: b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n\nSitemap: https://h/sitemap.xml\n",
    2: b"User-agent: *\nDisallow:\n",
}


def _record(
    writer: WARCWriter,
    url: str,
    body: bytes,
    ctype: str,
    headers: list[tuple[str, str]],
    status: str = "200 OK",
) -> None:
    http = StatusAndHeaders(
        status,
        [("Content-Type", ctype), ("Content-Length", str(len(body))), *headers],
        protocol="HTTP/1.1",
    )
    writer.write_record(
        writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2025-03-14T10:00:00Z"},
        )
    )


def generate(path: Path, pages: int, hosts: int, seed: int = 7) -> Counter[tuple[str, str]]:
    """Write the crawl; return the expected (kind, value) finding counts."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(3000)
    ]
    bodies = [
        "<p>" + " ".join(rng.choices(words, k=rng.randint(200, 500))) + "</p>" for _ in range(300)
    ]
    expected: Counter[tuple[str, str]] = Counter()
    names = [f"site{i:04d}.example" for i in range(hosts)]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i, host in enumerate(names):
            if i % 4 == 3:
                _record(
                    writer,
                    f"https://{host}/robots.txt",
                    b"not found",
                    "text/plain",
                    [],
                    "404 Not Found",
                )
            else:
                _record(writer, f"https://{host}/robots.txt", ROBOTS[i % 4], "text/plain", [])
            if i % 10 == 5:
                rules = [{"location": "/news/*", "tdm-reservation": 1}]
                _record(
                    writer,
                    f"https://{host}/.well-known/tdmrep.json",
                    json.dumps(rules).encode(),
                    "application/json",
                    [],
                )
            if i % 20 == 7:
                _record(
                    writer,
                    f"https://{host}/ai.txt",
                    b"# Spawning AI\nUser-Agent: *\nDisallow: *.jpg\n",
                    "text/plain",
                    [],
                )
        for n in range(pages):
            i = rng.randrange(hosts)
            section = rng.choice(("news", "articles", "articles", "private"))
            url = f"https://{names[i]}/{section}/{n}"
            head, headers = "", []
            roll = rng.random()
            header_res = meta_res = None
            if roll < 0.10:
                headers.append(("tdm-reservation", "1"))
                header_res = 1
                if roll < 0.05:
                    headers.append(("tdm-policy", f"https://{names[i]}/policy.json"))
                    expected["terms", f"https://{names[i]}/policy.json"] += 1
            elif roll < 0.15:
                head = '<meta name="robots" content="noai">\n'
                expected["optout", "noai"] += 1
            elif roll < 0.20:
                headers.append(("X-Robots-Tag", "noai"))
                expected["optout", "noai"] += 1
            elif roll < 0.23:
                head = '<meta name="tdm-reservation" content="1">\n'
                meta_res = 1
            well_known = 1 if i % 10 == 5 and section == "news" else None
            if (meta_res or header_res or well_known) == 1:
                expected["optout", "tdmrep:reserved"] += 1
            if i % 4 == 0:
                expected["optout", "robots:GPTBot"] += 1
                expected["optout", "robots:CCBot"] += 1
            elif i % 4 == 1 and section == "private":
                expected["optout", "robots:*"] += 1
            body = (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{n}</title>\n'
                f"{head}</head><body>{rng.choice(bodies)}</body></html>\n"
            ).encode()
            _record(writer, url, body, "text/html; charset=utf-8", headers)
    return expected


def plain_read(path: Path) -> int:
    records = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            record.content_stream().read()
            records += 1
    return records


def timed_scan(path: Path, work: Path, detectors: tuple[str, ...]) -> tuple[float, Path]:
    run = work / f"run-{len(detectors)}"
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    SiteIndex.forget()  # each round pays the site-file pre-pass, as a new process would
    options = ScanOptions(
        workers=1, force=True, detectors=detectors, detector_options={"signals_cache": str(cache)}
    )
    started = time.perf_counter()
    scan([str(path)], run, options)
    return time.perf_counter() - started, run


def _grouped(counts: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Policy URLs differ per host: count them together."""
    out: Counter[tuple[str, str]] = Counter()
    for (kind, value), n in counts.items():
        out[kind, "https://*/policy.json" if kind == "terms" else value] += n
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="folder for the crawl and runs")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.gettempdir()) / f"clearance-signals-{args.pages}-{args.hosts}"
    work.mkdir(parents=True, exist_ok=True)
    crawl = work / "crawl.warc.gz"
    expected_file = work / "expected.json"
    if not crawl.exists() or not expected_file.exists():
        started = time.perf_counter()
        expected = generate(crawl, args.pages, args.hosts)
        expected_file.write_text(json.dumps([[k, v, n] for (k, v), n in expected.items()]))
        print(
            f"generated {crawl} ({crawl.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f}s"
        )
    expected = Counter({(k, v): n for k, v, n in json.loads(expected_file.read_text())})
    plain_read(crawl)  # warm the page cache
    times: dict[str, list[float]] = {"read": [], "none": [], "web": []}
    runs: dict[str, Path] = {}
    for _ in range(args.repeat):
        started = time.perf_counter()
        records = plain_read(crawl)
        times["read"].append(time.perf_counter() - started)
        seconds, runs["none"] = timed_scan(crawl, work, ())
        times["none"].append(seconds)
        seconds, runs["web"] = timed_scan(crawl, work, WEB)
        times["web"].append(seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    store = open_run(runs["web"])
    rows = store.findings(columns=["kind", "value"]).to_pylist()
    found = Counter((r["kind"], r["value"]) for r in rows)
    found_grouped, expected_grouped = _grouped(found), _grouped(expected)
    index_s = json.loads((runs["web"] / "run.json").read_text())["timings"]
    added = med["web"] - med["none"]
    ratio = added / med["read"]
    print(
        f"\n{records:,} WARC records ({args.pages:,} pages, {args.hosts} hosts), "
        f"{crawl.stat().st_size / 1e6:.1f} MB; median of {args.repeat}; one process\n"
    )
    print("| variant | median s | rounds | records/s |")
    print("|---|---|---|---|")
    labels = {
        "read": "plain warcio read",
        "none": "clearance scan, no detectors",
        "web": "clearance scan, web signal detectors",
    }
    for key, label in labels.items():
        rounds = " ".join(f"{t:.2f}" for t in times[key])
        print(f"| {label} | {med[key]:.2f} | {rounds} | {records / med[key]:,.0f} |")
    print(
        f"\nsignal extraction adds {added:.2f}s = {ratio:.2f}x the read time "
        f"(target < {TARGET_RATIO:g}x): {'PASS' if ratio < TARGET_RATIO else 'FAIL'}"
    )
    print(f"last web run timings: {index_s}")
    print("\naccuracy (kind, value): expected / found")
    ok = True
    for key in sorted(set(expected_grouped) | set(found_grouped)):
        mark = "" if expected_grouped[key] == found_grouped[key] else "  MISMATCH"
        ok = ok and not mark
        print(
            f"  {key[0]:7} {key[1]:22} {expected_grouped[key]:>8,} / {found_grouped[key]:>8,}{mark}"
        )
    print("accuracy: " + ("all counts match" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
