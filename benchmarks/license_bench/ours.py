"""Our detectors, in this process, on the same files: one ``Item`` per file, every chosen
detector whose findings are kind "license"; their distinct values joined with AND."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from clearance.detectors.base import Detector, instantiate, registry, resolve
from clearance.licenses.expressions import normalise_expression
from clearance.model.item import Item

DEFAULT_LICENSE_DETECTORS = ("license-text", "spdx-tag", "cc-url", "package-license")
#: findings below this confidence are clues for review ("the GPL" in prose), not assertions;
#: the policy treats them the same way, so the benchmark does too.
ASSERTED_CONFIDENCE = 0.5
COPYRIGHT_DETECTOR = "copyright"
NOT_A_HOLDER = frozenset({"(holder not named)", "all-rights-reserved"})


def choose(names: Sequence[str] | None) -> list[str]:
    """The license detectors to run: ``names`` (checked) or the registered defaults."""
    if names is not None:
        return resolve(names)
    available = registry()
    return [n for n in DEFAULT_LICENSE_DETECTORS if n in available]


def combine(values: Iterable[str]) -> str:
    """Distinct detected expressions, normalised, joined with AND ("" for none)."""
    parts: list[str] = []
    for value in values:
        parsed = normalise_expression(value)
        text = parsed.expression if parsed.error is None else value.strip()
        if text and text not in parts:
            parts.append(text)
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({p})" if " " in p else p for p in sorted(parts))


def _items(blobs: Sequence[tuple[str, bytes]]) -> list[Item]:
    return [
        Item.from_bytes(source="bench", locator=p, uri=p, media_type="text/plain", data=d)
        for p, d in blobs
    ]


def _detect(detectors: Sequence[Detector], item: Item, kind: str, errors: list[str]) -> list[str]:
    values: list[str] = []
    for detector in detectors:
        if not detector.handles(item):
            continue
        try:
            values += [
                f.value
                for f in detector.detect(item)
                if f.kind == kind and (kind != "license" or f.confidence >= ASSERTED_CONFIDENCE)
            ]
        except Exception as exc:  # a detector bug must not stop the benchmark: count it
            errors.append(f"{item.uri}: {detector.name}: {type(exc).__name__}: {exc}")
    return values


def setup_seconds(names: Sequence[str], repeat: int) -> list[float]:
    """Import + instantiate the detectors in a fresh interpreter (our "index load")."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from clearance.detectors.base import instantiate\n"
        f"instantiate({list(names)!r}); print(time.perf_counter() - t)\n"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode == 0:
            runs.append(float(out.stdout.strip().splitlines()[-1]))
    return runs


def run(
    files_dir: Path, paths: Sequence[str], names: Sequence[str], repeat: int, copyright_: bool
) -> dict[str, Any]:
    """Detected expressions and holders per path, and medians of ``repeat`` timed rounds."""
    blobs = [(p, (files_dir / p).read_bytes()) for p in paths]
    license_detectors, _ = instantiate(names)
    holder_detectors: list[Detector] = []
    if copyright_ and COPYRIGHT_DETECTOR in registry():
        holder_detectors, _ = instantiate([COPYRIGHT_DETECTOR])
    detected: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    errors: list[str] = []
    license_runs, copyright_runs, license_cpu = [], [], []
    for round_ in range(repeat):
        errs = errors if round_ == 0 else []  # count each failure once
        items = _items(blobs)
        start, cpu = time.perf_counter(), time.process_time()
        found = [_detect(license_detectors, item, "license", errs) for item in items]
        license_runs.append(time.perf_counter() - start)
        license_cpu.append(time.process_time() - cpu)
        if round_ == 0:
            detected = {item.uri: combine(v) for item, v in zip(items, found, strict=True)}
        if holder_detectors:
            items = _items(blobs)
            start = time.perf_counter()
            got = [_detect(holder_detectors, item, "copyright", errs) for item in items]
            copyright_runs.append(time.perf_counter() - start)
            if round_ == 0:
                holders = {
                    item.uri: [h for h in v if h not in NOT_A_HOLDER]
                    for item, v in zip(items, got, strict=True)
                }
    return {
        "detectors": list(names),
        "detected": detected,
        "holders": holders,
        "files": len(paths),
        "bytes": sum(len(d) for _, d in blobs),
        "errors": errors[:20],
        "error_count": len(errors),
        "license_runs_s": license_runs,
        "license_s": statistics.median(license_runs),
        "license_cpu_runs_s": license_cpu,
        "license_cpu_s": statistics.median(license_cpu),
        "copyright_runs_s": copyright_runs,
        "copyright_s": statistics.median(copyright_runs) if copyright_runs else None,
        "setup_runs_s": setup_seconds(names, max(1, repeat)),
    }


def data_generation(origin: str) -> str:
    """Where a labelled file's ScanCode rule or license sits in the reference data our matcher
    uses: in ``licensedcode-data`` (PyPI), only in the delta we ship from the newer ScanCode
    release that labels the set, or nowhere (package files and negatives: out of sample for
    both tools)."""
    if ":licensedcode/data/" not in origin:
        return "not from ScanCode data (out of sample for both)"
    from clearance.detectors.license.textmatch import refdata

    relative = origin.split(":licensedcode/data/", 1)[1]
    if (refdata.data_dir() / relative).exists():
        return f"in {refdata.DATA_PACKAGE} {refdata.data_version()} (in sample for both)"
    extra = refdata.delta()
    if extra is not None and relative in extra.files:
        return f"added in ScanCode {extra.version}, in our shipped delta (in sample for both)"
    return "added to ScanCode after our data (in sample for ScanCode only)"


def sample_note() -> str:
    """Which part of the labelled set is in sample for which tool, in words."""
    from clearance.detectors.license.textmatch import refdata

    extra = refdata.delta()
    ours_data = f"{refdata.DATA_PACKAGE} {refdata.data_version()}" + (
        f" plus the delta to ScanCode {extra.version} that clearance ships" if extra else ""
    )
    return (
        "In sample / out of sample: the files taken from ScanCode's LicenseDB (license texts"
        " and rules, and the false-positive rules) are references of both indexes: ScanCode's"
        f" own, and ours ({ours_data}), so both tools are scored on text they were built from"
        " (a recall check of each matcher, not a test on unseen text). Only the package"
        " license files and the hand-written negatives ('not from ScanCode data') are out of"
        " sample for both."
    )
