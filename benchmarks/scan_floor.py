#!/usr/bin/env python3
"""How close ``clearance scan`` can get to a plain read: the least work its outputs need,
written as straight-line Python, timed against the plain read and the scan on the same files.

Issue 2 sets the target "pipeline overhead under 15% of the baseline read time". Part of
that overhead is not the pipeline's own cost but work its outputs require of any
implementation. This script writes that work out with no structure at all (one loop, no
planning, shards, findings, sniffing, progress or fsync) so the gap between the scan and the
read splits into what the outputs cost and what the pipeline adds:

* ``read``: the baseline of ``benchmarks/scan_throughput.py`` (files read whole, JSONL lines
  through ``json.loads``, WARC content records through warcio).
* ``read+sha256``: the same plus a sha256 of each item's bytes.
* ``floor``: for every item what ``items.parquet`` holds and the scan must compute: JSONL
  lines decoded by msgspec (the pipeline's decoder, about twice as fast as ``json``), the
  record text as UTF-8 bytes, the sha256 of every item, a UTF-8 check of non-ASCII loose
  files (the scan reports bytes that are not UTF-8), an item id, the meta as JSON (msgspec,
  unchecked; WARC records keep their HTTP headers), and the seven columns written to one
  Parquet file. Each part is a lower bound of the scan's: media types are not sniffed and
  nothing is checked, so the scan cannot be faster than this in CPython.
* ``scan``: ``clearance.scan.scan(...)`` in this process, one worker, no detectors (the
  ``in-process`` row of ``scan_throughput.py``).

Rounds alternate the four so machine drift spreads over all of them; each is timed in CPU
seconds of this process (``time.process_time``) and wall seconds; medians are reported.

Run::

    .venv/bin/python benchmarks/scan_floor.py --corpus /tmp/bc200 --repeat 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scan_throughput as throughput  # the corpus and the baseline read

from clearance.readers.columns import utf8_valid  # Arrow's check, as the scan makes it

TARGET_OVERHEAD_PCT = throughput.TARGET_OVERHEAD_PCT


def floor(root: Path, out: Path) -> int:
    """The least work of a scan's ``items.parquet`` for ``root``; the number of items."""
    from warcio.archiveiterator import ArchiveIterator

    decode = msgspec.json.Decoder().decode
    encode = msgspec.json.Encoder().encode
    sha = hashlib.sha256
    source = "corpus"
    ids: list[str] = []
    uris: list[str] = []
    types: list[str] = []
    digests: list[str] = []
    sizes: list[int] = []
    metas: list[str] = []
    for path in (str(p) for p in throughput._walk(root)):
        kind = throughput._kind(path)
        if kind == "file":
            with open(path, "rb") as stream:
                data = stream.read()
            if not data.isascii():
                utf8_valid(data)
            ids.append(f"{source}:{path}")
            uris.append(path)
            types.append("text/plain")
            digests.append(sha(data).hexdigest())
            sizes.append(len(data))
            metas.append("{}")
        elif kind == "jsonl":
            base = f"{source}:{path}#L"
            with open(path, "rb") as stream:
                for number, line in enumerate(stream, 1):
                    record = decode(line)
                    data = record.pop("text").encode("utf-8")
                    ids.append(f"{base}{number}")
                    uris.append(path)
                    types.append("text/plain")
                    digests.append(sha(data).hexdigest())
                    sizes.append(len(data))
                    metas.append(encode(record).decode())
        else:
            with open(path, "rb") as stream:
                for number, record in enumerate(ArchiveIterator(stream)):
                    if record.rec_type not in ("response", "resource"):
                        continue
                    data = record.content_stream().read()
                    http = record.http_headers
                    meta = {"http_headers": [list(h) for h in http.headers] if http else []}
                    ids.append(f"{source}:{path}#{number}")
                    uris.append(record.rec_headers.get_header("WARC-Target-URI") or "")
                    types.append("text/html")
                    digests.append(sha(data).hexdigest())
                    sizes.append(len(data))
                    metas.append(json.dumps(meta, ensure_ascii=False, separators=(",", ":")))
    count = len(ids)
    table = pa.table(
        {
            "item_id": ids,
            "source": [source] * count,
            "uri": uris,
            "media_type": types,
            "sha256": digests,
            "size": sizes,
            "meta": metas,
            "shard": ["floor"] * count,
        }
    )
    pq.write_table(table, out / "items.parquet", use_dictionary=["source", "media_type", "shard"])
    return count


def _scan(root: Path, out: Path) -> int:
    from clearance.scan import ScanOptions, scan

    summary = scan([str(root)], out / "run", ScanOptions(workers=1, force=True, detectors=()))
    return summary.items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="generate into / reuse this folder")
    parser.add_argument("--size-mb", type=float, default=200.0, help="corpus size (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="rounds; medians are reported")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="clearance-floor-"))
    try:
        corpus, info = throughput.ensure_corpus(args.corpus, args.size_mb, args.seed, scratch)
        variants: dict[str, Callable[[], int]] = {
            "read": lambda: throughput.baseline(corpus, hashed=False, processes=1),
            "read+sha256": lambda: throughput.baseline(corpus, hashed=True, processes=1),
            "floor": lambda: floor(corpus, scratch),
            "scan": lambda: _scan(corpus, scratch),
        }
        items = {name: run() for name, run in variants.items()}  # warm: cache, imports
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        wall: dict[str, list[float]] = {name: [] for name in variants}
        load_before = os.getloadavg()
        for _ in range(max(1, args.repeat)):
            for name, run in variants.items():
                started_cpu, started = time.process_time(), time.perf_counter()
                run()
                cpu[name].append(time.process_time() - started_cpu)
                wall[name].append(time.perf_counter() - started)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    med_wall = {name: statistics.median(values) for name, values in wall.items()}
    result: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "clearance_commit": throughput._git_head(),
        "load_average_1_5_15": {"before": load_before, "after": load_after},
        "corpus": {"path": str(corpus), "bytes": info["bytes"], "items": items},
        "repeat": args.repeat,
        "cpu_s": {name: [round(v, 3) for v in values] for name, values in cpu.items()},
        "cpu_median_s": {name: round(v, 3) for name, v in med_cpu.items()},
        "wall_median_s": {name: round(v, 3) for name, v in med_wall.items()},
        "over_read_pct_cpu": {
            name: round((v / med_cpu["read"] - 1) * 100, 1) for name, v in med_cpu.items()
        },
        "scan_over_floor_pct_cpu": round((med_cpu["scan"] / med_cpu["floor"] - 1) * 100, 1),
    }
    if args.as_json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"corpus: {corpus} ({info['bytes'] / throughput.MB:.1f} MB), items: {items}")
    load = result["load_average_1_5_15"]
    before, after = load["before"], load["after"]
    print(f"medians of {args.repeat} rounds; load average before {before}, after {after}")
    print(f"{'variant':14s} {'CPU s':>7s} {'wall s':>7s} {'CPU over read':>14s}")
    for name in variants:
        over = result["over_read_pct_cpu"][name]
        print(f"{name:14s} {med_cpu[name]:7.3f} {med_wall[name]:7.3f} {over:+13.1f}%")
    floor_over = result["over_read_pct_cpu"]["floor"]
    print(
        f"\nthe floor is {floor_over:+.1f}% over the read (target: under "
        f"{TARGET_OVERHEAD_PCT:.0f}%); the scan is {result['scan_over_floor_pct_cpu']:+.1f}% "
        "over the floor"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
