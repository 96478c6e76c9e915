"""Peak memory and time of ``clearance export`` on a generated corpus, against ``cp -r`` of
the same input (the peer: the least any export must do is read and write every byte).

Generates the mixed corpus of ``scan_throughput.py`` (loose files, JSONL split into byte
ranges, binaries, a WARC), declares it MIT so every item is cleared, scans it with no
detectors, decides it with the built-in ``commercial-training`` policy, then exports it in a
child process and reads the child's peak RSS (``wait4``). Streaming means the peak stays far
below the corpus size. Usage::

    .venv/bin/python benchmarks/export.py --size-mb 1024 [--scratch /tmp/bench-export]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scan_throughput import clearance_bin, generate_corpus

MANIFEST = """version: 1
sources:
  - {name: repo, path: data/repo, kind: licensed, format: files, license: MIT}
  - {name: records, path: data/records, kind: licensed, format: jsonl, license: MIT}
  - {name: media, path: data/media, kind: licensed, format: files, license: MIT}
  - {name: crawl, path: data/crawl, kind: licensed, format: warc, license: MIT}
"""


def timed_child(cmd: list[str]) -> tuple[float, int, str]:
    """Seconds, peak RSS in bytes (Linux ru_maxrss is KiB) and stdout of one child."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return seconds, usage.ru_maxrss * 1024, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/clearance-bench-export"))
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    scratch: Path = args.scratch
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    info = generate_corpus(scratch, args.size_mb, args.seed)
    (scratch / "clearance.yaml").write_text(MANIFEST)
    exe = clearance_bin()
    run, out = scratch / "run", scratch / "out"
    scan_s, scan_rss, _ = timed_child(
        [exe, "scan", str(scratch / "clearance.yaml"), "--out", str(run), "--detectors", "",
         "--purpose", "commercial-training", "--json"]
    )  # fmt: skip
    export_s, export_rss, text = timed_child([exe, "export", str(run), "--to", str(out), "--json"])
    summary = json.loads(text)
    cp_s, cp_rss, _ = timed_child(["cp", "-r", str(scratch / "data"), str(scratch / "cp")])
    result = {
        "corpus_bytes": info["bytes"],
        "corpus_items": info["items"],
        "exported_items": summary["items"],
        "exported_bytes": summary["bytes"],
        "scan_s": round(scan_s, 1),
        "scan_peak_rss_mb": round(scan_rss / 1e6, 1),
        "export_s": round(export_s, 1),
        "export_peak_rss_mb": round(export_rss / 1e6, 1),
        "cp_s": round(cp_s, 1),
        "cp_peak_rss_mb": round(cp_rss / 1e6, 1),
        "export_vs_cp_time": round(export_s / cp_s, 1) if cp_s else None,
        "export_mb_s": round(info["bytes"] / 1e6 / export_s, 1),
        "peak_rss_share_of_corpus": round(export_rss / info["bytes"], 3),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}",
    }
    print(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
