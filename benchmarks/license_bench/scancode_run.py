"""ScanCode toolkit in its own venv: install, time the index build and load, scan, parse.

Pinned to the wheel the labelled set was built from. ``pluggy<1.6``: plugincode 32.0.0 (a
scancode-toolkit-mini 32.5.0 dependency) declares its hook specs as classes, which pluggy 1.7.0
no longer picks up (``ValueError: did not find any 'pre_scan' hooks``, measured here); 1.5.0
works.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PINS = ("pluggy<1.6",)
_TIMING = re.compile(r"^\s*(setup_scan:licenses|setup|scan|total):\s*([\d.]+)s", re.MULTILINE)


@dataclass
class Measured:
    """One timed subprocess: wall seconds, peak RSS (MiB) of it and its waited-for children,
    exit code and captured output."""

    wall_s: float
    max_rss_mib: float
    returncode: int
    output: str


def measure(cmd: Sequence[str], log: Path) -> Measured:
    """Run ``cmd`` with output to ``log``; rusage from ``os.wait4`` gives its own peak RSS."""
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text("utf-8", "replace")
    return Measured(wall, usage.ru_maxrss / 1024, proc.returncode, text)


def ensure_venv(workdir: Path, wheel: Path) -> Path:
    """``<workdir>/venv-scancode/bin/scancode``, installed from ``wheel`` when missing."""
    venv = workdir / "venv-scancode"
    scancode = venv / "bin" / "scancode"
    if scancode.exists():
        check = subprocess.run([str(scancode), "--version"], capture_output=True, text=True)
        if check.returncode == 0:
            return scancode
    print(f"creating {venv} and installing {wheel.name} (a few minutes) ...", file=sys.stderr)
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(wheel), *PINS], check=True)
    return scancode


def _timings(output: str) -> dict[str, float]:
    return {name: float(value) for name, value in _TIMING.findall(output)}


def scan_command(scancode: Path, target: Path, out: Path, timing: bool = True) -> list[str]:
    cmd = [str(scancode), "--license", "--copyright", "-n", "1", "--json-pp", str(out)]
    return [*cmd, "--timing", str(target)] if timing else [*cmd, str(target)]


def run(
    scancode: Path, scan_dir: Path, workdir: Path, load_repeat: int = 2, reindex: bool = True
) -> dict[str, Any]:
    """Time ``--reindex-licenses``, the index load (scans of a one-file folder), and the scan
    of ``scan_dir`` (one process); parse per-file expressions and holders."""
    logs = workdir / "scancode-logs"
    logs.mkdir(exist_ok=True)
    version = subprocess.run([str(scancode), "--version"], capture_output=True, text=True)
    result: dict[str, Any] = {"version": version.stdout.strip().splitlines()[:1]}
    if reindex:
        print("scancode: rebuilding the license index ...", file=sys.stderr)
        cmd = [str(scancode.parent / "scancode-reindex-licenses")]
        m = measure(cmd, logs / "reindex.log")
        result["reindex"] = {"wall_s": m.wall_s, "max_rss_mib": m.max_rss_mib, "rc": m.returncode}
    tiny = workdir / "scancode-tiny"
    tiny.mkdir(exist_ok=True)
    (tiny / "one.txt").write_text("Copyright 2024 Example Ltd.\nSPDX-License-Identifier: MIT\n")
    loads = []
    for i in range(load_repeat):
        print(f"scancode: index load {i + 1}/{load_repeat} ...", file=sys.stderr)
        m = measure(scan_command(scancode, tiny, logs / "tiny.json"), logs / f"tiny-{i}.log")
        loads.append({"wall_s": m.wall_s, "max_rss_mib": m.max_rss_mib, **_timings(m.output)})
    result["index_load_runs"] = loads
    result["index_load_s"] = statistics.median(r.get("setup", r["wall_s"]) for r in loads)
    result["startup_wall_s"] = statistics.median(r["wall_s"] for r in loads)
    print(f"scancode: scanning {scan_dir} with one process ...", file=sys.stderr)
    out = logs / "scan.json"
    m = measure(scan_command(scancode, scan_dir, out), logs / "scan.log")
    if m.returncode != 0 or not out.exists():
        raise RuntimeError(f"scancode failed (rc={m.returncode}); see {logs / 'scan.log'}")
    result["scan"] = {"wall_s": m.wall_s, "max_rss_mib": m.max_rss_mib, **_timings(m.output)}
    result |= parse(json.loads(out.read_text()))
    return result


def parse(data: dict[str, Any]) -> dict[str, Any]:
    """Per-file SPDX expression, holders and timings; paths relative to the scanned folder."""
    detected: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    license_s = copyright_s = 0.0
    errors = 0
    for f in data.get("files", []):
        if f.get("type") != "file":
            continue
        path = f["path"].split("/", 1)[1] if "/" in f["path"] else f["path"]
        detected[path] = f.get("detected_license_expression_spdx") or ""
        holders[path] = [h["holder"] for h in f.get("holders") or [] if h.get("holder")]
        timings = f.get("scan_timings") or {}
        license_s += float(timings.get("licenses", 0.0))
        copyright_s += float(timings.get("copyrights", 0.0))
        errors += bool(f.get("scan_errors"))
    return {
        "detected": detected,
        "holders": holders,
        "files": len(detected),
        "file_errors": errors,
        "license_scan_s": license_s,
        "copyright_scan_s": copyright_s,
    }
