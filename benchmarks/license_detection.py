#!/usr/bin/env python3
"""License detection accuracy and speed: our license detectors against ScanCode toolkit, on the
same labelled files in the same run, scored by the same scorer.

1. Builds (once, cached under ``--workdir``) a labelled set: ScanCode's own LicenseDB texts and
   rules with their expected expressions (as SPDX ids), real package license files from
   site-packages labelled by their metadata, and hand-written negatives; samples it
   (stratified by category, fixed seed). See ``license_bench/labelled.py``.
2. Installs scancode-toolkit-mini in its own venv (``<workdir>/venv-scancode``), times the
   index build (``scancode-reindex-licenses``) and load, and scans the sample with one process
   (``--license --copyright -n 1 --timing``).
3. Runs our detectors in this process (``Item.from_bytes`` + each detector's ``detect``).
4. Scores both: exact-expression accuracy, wrong-specific rate (a specific license that is not
   the expected one), miss rate, per category; copyright holders against ScanCode's.

Run::

    .venv/bin/python benchmarks/license_detection.py                 # 3,000 files, both tools
    .venv/bin/python benchmarks/license_detection.py --ours-only --errors 30
    .venv/bin/python benchmarks/license_detection.py --reuse-scancode   # ScanCode from cache
    .venv/bin/python benchmarks/license_detection.py --all --markdown
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

from license_bench import labelled, ours, scancode_run, scoring

DEFAULT_WORKDIR = Path("/tmp/clearance-license-bench")
REPO = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    p.add_argument("--limit", type=int, default=3000, help="files in the stratified sample")
    p.add_argument("--all", action="store_true", help="every labelled file (~37,000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rebuild", action="store_true", help="rebuild the labelled set")
    p.add_argument(
        "--site-packages",
        type=Path,
        action="append",
        help="where to take package license files (default: this venv and ScanCode's)",
    )
    p.add_argument("--ours-only", action="store_true", help="skip ScanCode")
    p.add_argument(
        "--reuse-scancode", action="store_true", help="reuse ScanCode's cached result if any"
    )
    p.add_argument("--no-reindex", action="store_true", help="do not time the index build")
    p.add_argument(
        "--detectors",
        help="comma-separated license detectors (default: registered"
        f" ones of {', '.join(ours.DEFAULT_LICENSE_DETECTORS)})",
    )
    p.add_argument("--no-copyright", action="store_true", help="skip the holder comparison")
    p.add_argument("--repeat", type=int, default=3, help="timed rounds of ours (median)")
    p.add_argument("--load-repeat", type=int, default=2, help="ScanCode index loads (median)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="print N of our misses")
    p.add_argument("--markdown", action="store_true", help="a section for RESULTS.md")
    p.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    return p.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def link_tree(files: Path, target: Path, paths: list[str]) -> None:
    """A folder with just the sample (hard links: no copies, same bytes) for ScanCode."""
    if (target / ".complete").exists():
        return
    for rel in paths:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            os.link(files / rel, dest)
    (target / ".complete").write_text("")


def run_scancode(args: argparse.Namespace, scancode: Path, key: str, paths: list[str]) -> Any:
    cache = args.workdir / f"scancode-result-{key}.json"
    if args.reuse_scancode and cache.exists():
        log(f"scancode: reusing {cache}")
        return json.loads(cache.read_text())
    scan_dir = args.workdir / "scan" / key
    link_tree(args.workdir / "files", scan_dir, paths)
    result = scancode_run.run(
        scancode, scan_dir, args.workdir, args.load_repeat, reindex=not args.no_reindex
    )
    cache.write_text(json.dumps(result))
    return result


def summarise(run: dict[str, Any], scores: dict[str, Any], n: int) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k not in ("detected", "holders")} | {
        "scores": {k: v for k, v in scores.items() if k != "outcomes"},
        "files": n,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    wheel = labelled.ensure_wheel(args.workdir)
    scancode = None if args.ours_only else scancode_run.ensure_venv(args.workdir, wheel)
    sites = args.site_packages or [
        Path(sysconfig.get_paths()["purelib"]),
        *sorted((args.workdir / "venv-scancode").glob("lib/python3*/site-packages")),
    ]
    log("building the labelled set ...")
    entries = labelled.build(args.workdir, sites, rebuild=args.rebuild)
    chosen = labelled.sample(entries, None if args.all else args.limit, args.seed)
    paths = [e.path for e in chosen]
    key = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:12]
    generic = labelled.generic_keys(args.workdir) or scoring.GENERIC_KEYS
    records = [{"path": e.path, "expected": e.expected, "category": e.category} for e in chosen]
    with (args.workdir / "sample.jsonl").open("w") as fh:
        for e in chosen:
            fh.write(json.dumps(e.__dict__, sort_keys=True) + "\n")

    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _commit(),
        "machine": _machine(),
        "workdir": str(args.workdir),
        "sample_key": key,
        "labelled_counts": _counts(e.category for e in entries),
        "sample_counts": _counts(e.category for e in chosen),
        "seed": args.seed,
    }
    theirs = None
    if scancode is not None:
        theirs = run_scancode(args, scancode, key, paths)
        missing = sum(p not in theirs["detected"] for p in paths)
        if missing:
            log(f"warning: ScanCode reported no result for {missing} files")
        sc_scores = scoring.score(records, theirs["detected"], generic)
        result["scancode"] = summarise(theirs, sc_scores, len(paths))

    names = ours.choose(args.detectors.split(",") if args.detectors is not None else None)
    log(f"ours: {', '.join(names) or '(no license detector registered)'} on {len(paths)} files")
    mine = ours.run(args.workdir / "files", paths, names, args.repeat, not args.no_copyright)
    our_scores = scoring.score(records, mine["detected"], generic)
    result["ours"] = summarise(mine, our_scores, len(paths))
    by_data = [
        {**r, "category": ours.data_generation(e.origin)}
        for r, e in zip(records, chosen, strict=True)
    ]
    result["by_data"] = {"ours": scoring.score(by_data, mine["detected"], generic)["categories"]}
    result["sample_note"] = ours.sample_note()
    result["ours"]["max_rss_mib_benchmark_process"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    if theirs is not None:
        result["by_data"]["ScanCode"] = scoring.score(by_data, theirs["detected"], generic)[
            "categories"
        ]
        result["comparison"] = _compare(result["ours"], result["scancode"], len(paths))
        if not args.no_copyright and mine["holders"]:
            result["holders"] = scoring.holder_agreement(mine["holders"], theirs["holders"], paths)

    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
    else:
        print(render(result, markdown=args.markdown))
    if args.errors:
        print_errors(chosen, mine["detected"], our_scores["outcomes"], args.errors, args.seed)
    return 0


def _compare(mine: dict[str, Any], theirs: dict[str, Any], n: int) -> dict[str, Any]:
    """Per-core files/s of each side and the ratio ours / ScanCode."""
    ours_lic = n / mine["license_s"] if mine["license_s"] else None
    sc_lic = n / theirs["license_scan_s"] if theirs["license_scan_s"] else None
    ours_all = n / (mine["license_s"] + (mine["copyright_s"] or 0.0))
    sc_scan = theirs["scan"].get("scan") or theirs["scan"]["wall_s"]
    out = {
        "ours_license_files_per_s": ours_lic,
        "scancode_license_files_per_s": sc_lic,
        "license_ratio": ours_lic / sc_lic if ours_lic and sc_lic else None,
        "ours_license_copyright_files_per_s": ours_all,
        "scancode_scan_files_per_s": n / sc_scan,
        "scan_ratio": ours_all / (n / sc_scan),
        "ours_setup_s": statistics.median(mine["setup_runs_s"]) if mine["setup_runs_s"] else None,
        "scancode_index_load_s": theirs["index_load_s"],
    }
    return out


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, fmt: str = ",.0f") -> str:
    return "-" if x is None else format(x, fmt)


def render(result: dict[str, Any], markdown: bool) -> str:
    lines: list[str] = []
    sides = [
        (name, result[k]) for name, k in (("ours", "ours"), ("ScanCode", "scancode")) if k in result
    ]
    if markdown:
        lines += [
            f"**Date:** {result['date']}. **Code:** commit `{result['commit']}`. "
            f"**Machine:** {result['machine']} (shared with other agents: timings are noisy).",
            "",
            f"**Sample:** {sum(result['sample_counts'].values()):,} files (seed {result['seed']},"
            f" stratified) of {sum(result['labelled_counts'].values()):,} labelled; per category:"
            " " + ", ".join(f"{k} {v:,}" for k, v in result["sample_counts"].items()) + ".",
            f"Our license detectors: {', '.join(result['ours']['detectors']) or 'none'}.",
            "",
        ]
    head = "| tool | accuracy | wrong-specific | miss | unknown-only | accuracy (specific labels) |"
    lines += [head, "|---|---|---|---|---|---|"]
    for name, side in sides:
        o, s = side["scores"]["overall"], side["scores"]["specific_labels"]
        lines.append(
            f"| {name} | {_pct(o['accuracy'])} | {_pct(o['wrong_specific_rate'])} |"
            f" {_pct(o['miss_rate'])} | {_pct(o['unknown_rate'])} | {_pct(s['accuracy'])} |"
        )
    lines += [
        "",
        "| category | n | "
        + " | ".join(f"{name} acc | {name} wrong | {name} miss" for name, _ in sides)
        + " |",
    ]
    lines.append("|---|---|" + "---|" * (3 * len(sides)))
    for category in result["sample_counts"]:
        row = [category, f"{result['sample_counts'][category]:,}"]
        for _, side in sides:
            c = side["scores"]["categories"].get(category)
            row += [_pct(c["accuracy"]), _pct(c["wrong_specific_rate"]), _pct(c["miss_rate"])]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "| labelled file's rule | n | "
        + " | ".join(f"{name} acc | {name} wrong" for name, _ in sides)
        + " |",
    ]
    lines.append("|---|---|" + "---|" * (2 * len(sides)))
    for group in sorted(result["by_data"]["ours"]):
        row = [group, f"{result['by_data']['ours'][group]['n']:,}"]
        for name, _ in sides:
            c = result["by_data"][name][group]
            row += [_pct(c["accuracy"]), _pct(c["wrong_specific_rate"])]
        lines.append("| " + " | ".join(row) + " |")
    if "sample_note" in result:
        lines += ["", result["sample_note"]]
    comp = result.get("comparison")
    mine = result["ours"]
    lines += [
        "",
        "| speed (one process) | ours | ScanCode | ours / ScanCode |",
        "|---|---|---|---|",
    ]
    n_files, cpu = mine["files"], mine.get("license_cpu_s")
    if comp:
        sc = result["scancode"]
        lines += [
            f"| license detection, files/s per core | {_num(comp['ours_license_files_per_s'])} |"
            f" {_num(comp['scancode_license_files_per_s'])} |"
            f" {_num(comp['license_ratio'], '.1f')}x |",
            f"| license + copyright, files/s per core | "
            f"{_num(comp['ours_license_copyright_files_per_s'])} |"
            f" {_num(comp['scancode_scan_files_per_s'])} | {_num(comp['scan_ratio'], '.1f')}x |",
            f"| license detection, files per CPU second (ours: `process_time`; ScanCode: not"
            f" measured) | {_num(n_files / cpu) if cpu else '-'} | - | - |",
            f"| ours, wall s of the {len(mine['license_runs_s'])} rounds (median above) |"
            f" {' '.join(f'{x:.2f}' for x in mine['license_runs_s'])} | - | - |",
            f"| setup / index load, s | {_num(comp['ours_setup_s'], '.2f')} |"
            f" {_num(comp['scancode_index_load_s'], '.2f')} | - |",
            f"| index build (`scancode-reindex-licenses`), s | - |"
            f" {_num(sc.get('reindex', {}).get('wall_s'), '.1f')} | - |",
            f"| peak RSS, MiB | {_num(mine['max_rss_mib_benchmark_process'])} (whole benchmark"
            f" process) | {_num(sc['scan']['max_rss_mib'])} (scan) | - |",
        ]
    else:
        n = mine["files"]
        lines.append(
            f"| license detection, files/s per core | {_num(n / mine['license_s'])} | - | - |"
        )
    if "holders" in result:
        h = result["holders"]
        lines += [
            "",
            f"Copyright holders (files where either side names one: {h['files_with_holders']:,}):"
            f" same normalised holder set on {_pct(h['agreement'])} of them; of our"
            f" {h['holders_ours']:,} holders {_pct(h['precision'])} are ScanCode's, of ScanCode's"
            f" {h['holders_theirs']:,} we found {_pct(h['recall'])}.",
        ]
    if mine["error_count"]:
        lines.append(
            f"\nOur detectors raised on {mine['error_count']} files, e.g. {mine['errors'][0]}"
        )
    return "\n".join(lines)


def print_errors(
    chosen: list[labelled.Entry],
    detected: dict[str, str],
    outcomes: dict[str, str],
    n: int,
    seed: int,
) -> None:
    """N of our non-correct files, spread over categories (round robin, seeded)."""
    by_category: dict[str, list[labelled.Entry]] = {}
    for e in chosen:
        if outcomes[e.path] != "correct":
            by_category.setdefault(e.category, []).append(e)
    rng = random.Random(seed)
    for group in by_category.values():
        rng.shuffle(group)
    picked: list[labelled.Entry] = []
    while len(picked) < n and any(by_category.values()):
        for group in by_category.values():
            if group and len(picked) < n:
                picked.append(group.pop())
    print(f"\n{len(picked)} of our mismatches (outcome, category, path, expected -> got):")
    for e in picked:
        got = detected.get(e.path) or "(nothing)"
        print(
            f"{outcomes[e.path]:8} {e.category:15} {e.path}\n    expected {e.expected or '(none)'}"
            f"\n    got      {got}"
        )


def _counts(categories: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in categories:
        out[c] = out.get(c, 0) + 1
    return dict(sorted(out.items()))


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _machine() -> str:
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}"
    )


if __name__ == "__main__":
    sys.exit(main())
