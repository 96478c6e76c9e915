"""Per-item cost of terms-review in a scan: the same corpus scanned with source-audit alone
and with source-audit + terms-review (the agreement is reviewed once per worker process).

    .venv/bin/python benchmarks/terms_scan_cost.py [--items 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from clearance.scan import ScanOptions, scan

AGREEMENT = (
    Path(__file__).resolve().parent.parent / "tests/data/terms/agreements/restrictive-vendor.md"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="terms-cost-"))
    try:
        data = root / "data"
        data.mkdir()
        for i in range(args.items):
            (data / f"r{i:06d}.txt").write_text(f"record {i}\n", encoding="utf-8")
        shutil.copy(AGREEMENT, root / "vendor.md")
        manifest = root / "clearance.yaml"
        manifest.write_text(
            "version: 1\nsources:\n  - name: lic\n    path: data\n    kind: licensed\n"
            "    vendor_agreement: vendor.md\n",
            encoding="utf-8",
        )
        times: dict[str, list[float]] = {}
        findings: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, detectors in (
                ("source-audit", ("source-audit",)),
                ("source-audit + terms-review", ("source-audit", "terms-review")),
            ):
                out = root / "run"
                start = time.perf_counter()
                summary = scan(
                    [str(manifest)],
                    out,
                    ScanOptions(workers=1, force=True, detectors=detectors),
                )
                times.setdefault(name, []).append(time.perf_counter() - start)
                findings[name] = summary.findings
        base = statistics.median(times["source-audit"])
        for name, runs in times.items():
            med = statistics.median(runs)
            print(
                f"{name}: median {med:.2f} s ({' '.join(f'{t:.2f}' for t in runs)}), "
                f"{findings[name]:,} findings, x{med / base:.2f} of source-audit alone, "
                f"{(med - base) / args.items * 1e6:.0f} us/item extra"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
