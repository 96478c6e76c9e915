"""Hashing throughput of `clearance provenance` (clearance.provenance.sha256_file) against
coreutils `sha256sum` on the same file in the same run.

    .venv/bin/python benchmarks/provenance_hash.py [--size 2GiB] [--repeats 3] [--dir /tmp]

Writes a file of random-ish bytes (a model stand-in: the content does not change sha256's
speed), then alternates the two hashers; prints medians, GB/s and the ratio ours/sha256sum
(target >= 0.9). Both read the file through the page cache: the first pass of each repeat
may come from disk, later ones from memory, alike for both. The digests must agree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clearance.provenance.hashing import sha256_file

UNITS = {"kib": 2**10, "mib": 2**20, "gib": 2**30, "kb": 10**3, "mb": 10**6, "gb": 10**9}


def parse_size(text: str) -> int:
    t = text.strip().lower()
    for unit, mult in UNITS.items():
        if t.endswith(unit):
            return int(float(t[: -len(unit)]) * mult)
    return int(t)


def write_file(path: Path, size: int) -> None:
    block = os.urandom(16 * 2**20)
    with open(path, "wb") as handle:
        left = size
        while left > 0:
            handle.write(block[: min(left, len(block))])
            left -= len(block)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2GiB", help="file size (default 2GiB)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the file (default: tmp)")
    args = parser.parse_args()
    size = parse_size(args.size)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "model.safetensors"
        write_file(path, size)
        ours: list[float] = []
        peer: list[float] = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True)
            peer.append(time.perf_counter() - start)
            start = time.perf_counter()
            digest = sha256_file(path)
            ours.append(time.perf_counter() - start)
            if out.stdout.split()[0] != digest:
                print("digests differ", file=sys.stderr)
                return 1
    t_ours, t_peer = statistics.median(ours), statistics.median(peer)
    gb = size / 1e9
    print(f"file {size} bytes ({size / 2**30:.2f} GiB), {args.repeats} repeats, medians")
    print(f"clearance sha256_file  {t_ours:.2f} s  {gb / t_ours:.2f} GB/s")
    print(f"sha256sum              {t_peer:.2f} s  {gb / t_peer:.2f} GB/s")
    print(f"ratio (throughput ours / sha256sum): {t_peer / t_ours:.2f}  (target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
