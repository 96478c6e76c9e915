"""The labelled set: files with the SPDX expression a license detector should report.

Sources, all obtainable here (see benchmarks/README.md):

* ScanCode's LicenseDB texts (``licensedcode/data/licenses/*.LICENSE``) and detection rules
  (``licensedcode/data/rules/*.RULE``) from the scancode-toolkit-mini wheel: each has YAML front
  matter with its key / ``license_expression`` and flags (``is_license_text``, ``_notice``,
  ``_reference``, ``_tag``, ``is_false_positive``...). False-positive rules are negatives.
  Deprecated entries, generic/unknown license texts and intro/clue rules (which ScanCode itself
  does not report as detections) are left out.
* License files of installed distributions (``*.dist-info/licenses/*``, ``LICENSE*``,
  ``COPYING*``), labelled from ``METADATA`` ``License-Expression`` or one unambiguous license
  classifier, only when the distribution has exactly one such file and the label names one
  license (a file cannot be told apart from its siblings otherwise).
* Hand-written negatives (``negatives.py``).

ScanCode keys become SPDX ids with the LicenseDB of the same wheel (``spdx_license_key``; else
``LicenseRef-scancode-<key>``), falling back to the index bundled in ``license-expression``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

import yaml
from license_expression import get_license_index

from clearance.licenses.expressions import normalise_expression

from .negatives import NEGATIVES

BUILDER_VERSION = 2
SCANCODE_REQUIREMENT = "scancode-toolkit-mini==32.5.0"
DATA = "licensedcode/data/"
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_RULE_FLAGS = (
    ("is_license_text", "rule-text"),
    ("is_license_notice", "rule-notice"),
    ("is_license_reference", "rule-reference"),
    ("is_license_tag", "rule-tag"),
)
_SKIPPED_RULE_FLAGS = ("is_deprecated", "is_license_intro", "is_license_clue")
_LICENSE_FILE = re.compile(r"LICEN[CS]E|COPYING", re.IGNORECASE)
_NOT_LICENSE_FILE = re.compile(r"NOTICE|AUTHORS?\b|CONTRIBUTORS|README|CHANGELOG", re.IGNORECASE)
#: trove classifiers that name exactly one SPDX license (GPL-family classifiers do not: the
#: text of GPL-3.0 is the same for "-only" and "-or-later"; "Apache Software License" and
#: "BSD License" do not say which version or variant).
CLASSIFIERS = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "License :: OSI Approved :: Universal Permissive License (UPL)": "UPL-1.0",
    "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}


#: Signatures of license families in a package's license file. Metadata names the package's
#: own license, but many license files also carry bundled third-party licenses (pyarrow's
#: LICENSE.txt holds dozens): a file is kept only when every family found in it fits its label.
#: Neutral on purpose: plain text signatures, not the output of either tool under test.
_FAMILIES = {
    "mit": re.compile(r"Permission is hereby granted, free of charge", re.IGNORECASE),
    "apache": re.compile(r"Apache License", re.IGNORECASE),
    "bsd": re.compile(r"Redistribution and use in source and binary", re.IGNORECASE),
    "psf": re.compile(r"PYTHON SOFTWARE FOUNDATION LICENSE|BEOPEN|\bCNRI\b", re.IGNORECASE),
    "mpl": re.compile(r"Mozilla Public License", re.IGNORECASE),
    "permission-to-use": re.compile(
        r"Permission to use, copy, modify,? and(?:/or)? distribute", re.IGNORECASE
    ),
    "gnu": re.compile(r"GNU (?:Lesser |Library |Affero )?General Public", re.IGNORECASE),
    "cc": re.compile(r"Creative Commons", re.IGNORECASE),
}
#: the families a license's own text shows (MPL-2.0 names the GNU licenses as "Secondary
#: Licenses"; ISC and 0BSD grant "Permission to use, copy, modify, and/or distribute").
_OWN_FAMILIES = {
    "MIT": {"mit"},
    "MIT-0": {"mit"},
    "ISC": {"permission-to-use"},
    "0BSD": {"permission-to-use"},
    "MPL-2.0": {"mpl", "gnu"},
    "Apache-2.0": {"apache"},
    "PSF-2.0": {"psf"},
    "CC0-1.0": {"cc"},
}


def fits_label(text: str, label: str) -> bool:
    """False when the file shows a license family its label does not account for."""
    found = {name for name, pattern in _FAMILIES.items() if pattern.search(text)}
    own = _OWN_FAMILIES.get(label, {"bsd"} if label.startswith("BSD-") else None)
    return found <= own if own is not None else len(found) <= 1


@dataclass(frozen=True)
class Entry:
    """One labelled file. ``path`` is relative to ``<workdir>/files``; ``expected`` is the
    SPDX expression ("" for no license); ``scancode_expression`` the ScanCode-key original."""

    path: str
    expected: str
    category: str
    origin: str
    scancode_expression: str = ""


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(YAML front matter, body) of a ScanCode .LICENSE/.RULE file."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    meta = yaml.safe_load(match.group(1)) or {}
    return (meta if isinstance(meta, dict) else {}), match.group(2)


def ensure_wheel(workdir: Path, requirement: str = SCANCODE_REQUIREMENT) -> Path:
    """The scancode-toolkit-mini wheel, downloaded once into ``<workdir>/dl``."""
    dl = workdir / "dl"
    version = requirement.split("==")[-1] if "==" in requirement else "*"
    found = sorted(dl.glob(f"scancode_toolkit_mini-{version}-*.whl"))
    if not found:
        dl.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dl), requirement]
        print(f"downloading {requirement} ...", file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        found = sorted(dl.glob(f"scancode_toolkit_mini-{version}-*.whl"))
    return found[-1]


class LicenseDB:
    """ScanCode license keys -> SPDX ids and generic/unknown flags, from the wheel."""

    def __init__(self, licenses: dict[str, dict[str, Any]]):
        self.meta = licenses
        self.spdx: dict[str, str] = {}
        for row in get_license_index():
            key = row["license_key"]
            self.spdx[key] = row.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
        for key, meta in licenses.items():
            self.spdx[key] = meta.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
        self.generic_keys = frozenset(
            self.spdx[k].casefold()
            for k, m in licenses.items()
            if m.get("is_generic") or m.get("is_unknown")
        )

    def to_spdx(self, expression: str) -> str:
        """``gpl-2.0-plus WITH classpath-exception-2.0`` -> ``GPL-2.0-or-later WITH ...``."""

        def swap(match: re.Match[str]) -> str:
            token = match.group(0)
            if token.lower() in ("and", "or", "with"):
                return token.upper()
            return self.spdx.get(token.lower(), f"LicenseRef-scancode-{token.lower()}")

        return re.sub(r"[^\s()]+", swap, expression)


def _scancode_entries(wheel: Path) -> tuple[LicenseDB, list[tuple[Entry, str]]]:
    licenses: dict[str, tuple[dict[str, Any], str]] = {}
    rules: list[tuple[str, dict[str, Any], str]] = []
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith(DATA + "licenses/") and name.endswith(".LICENSE"):
                meta, body = front_matter(zf.read(name).decode("utf-8", "replace"))
                licenses[str(meta.get("key") or Path(name).stem)] = (meta, body)
            elif name.startswith(DATA + "rules/") and name.endswith(".RULE"):
                meta, body = front_matter(zf.read(name).decode("utf-8", "replace"))
                rules.append((name, meta, body))
    db = LicenseDB({k: m for k, (m, _) in licenses.items()})
    tag = wheel.name.split("-py")[0].split("-cp")[0]
    out: list[tuple[Entry, str]] = []
    for key, (meta, body) in licenses.items():
        if meta.get("is_deprecated") or meta.get("is_generic") or meta.get("is_unknown"):
            continue
        if not body.strip():
            continue
        category = "exception-text" if meta.get("is_exception") else "license-text"
        entry = Entry(
            f"scancode/licenses/{key}.txt",
            db.to_spdx(key),
            category,
            f"{tag}:{DATA}licenses/{key}.LICENSE",
            key,
        )
        out.append((entry, body))
    for name, meta, body in rules:
        if any(meta.get(flag) for flag in _SKIPPED_RULE_FLAGS):
            continue
        body = body.replace("{{", "").replace("}}", "")
        if not body.strip():
            continue
        stem = Path(name).stem
        if meta.get("is_false_positive"):
            category, expected, original = "false-positive", "", ""
        else:
            original = str(meta.get("license_expression") or "")
            if not original:
                continue
            expected = db.to_spdx(original)
            keys = {k.casefold() for k in re.findall(r"[^\s()]+", expected)} - {
                "and",
                "or",
                "with",
            }
            if keys <= db.generic_keys:
                category = "rule-generic"
            else:
                category = next((c for f, c in _RULE_FLAGS if meta.get(f)), "rule-other")
        entry = Entry(f"scancode/rules/{stem}.txt", expected, category, f"{tag}:{name}", original)
        out.append((entry, body))
    return db, out


def _dist_label(meta_text: str) -> tuple[str, str] | None:
    """(SPDX id, where it came from) when the metadata names exactly one license."""
    headers = HeaderParser().parsestr(meta_text)
    expression = headers.get("License-Expression")
    if expression:
        parsed = normalise_expression(str(expression))
        if parsed.ok and " " not in parsed.expression:
            return parsed.expression, "License-Expression"
        return None
    classifiers = [c for c in headers.get_all("Classifier") or [] if c.startswith("License ::")]
    if len(classifiers) == 1 and classifiers[0] in CLASSIFIERS:
        return CLASSIFIERS[classifiers[0]], "classifier"
    return None


def _package_entries(site_packages: Iterable[Path]) -> Iterator[tuple[Entry, str]]:
    seen: set[str] = set()
    for site in site_packages:
        for dist_info in sorted(site.glob("*.dist-info")):
            metadata = dist_info / "METADATA"
            if not metadata.is_file():
                continue
            label = _dist_label(metadata.read_text("utf-8", "replace"))
            if label is None:
                continue
            candidates = [
                p
                for p in [*(dist_info / "licenses").rglob("*"), *dist_info.iterdir()]
                if p.is_file()
                and _LICENSE_FILE.search(p.name)
                and not _NOT_LICENSE_FILE.search(p.name)
            ]
            if len(candidates) != 1:
                continue
            data = candidates[0].read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen or not data.strip():
                continue
            seen.add(digest)
            if not fits_label(data.decode("utf-8", "replace"), label[0]):
                continue
            dist = dist_info.name.removesuffix(".dist-info")
            origin = f"{candidates[0]} ({label[1]} of {dist})"
            entry = Entry(f"packages/{dist}/{candidates[0].name}", label[0], "package-file", origin)
            yield entry, data.decode("utf-8", "replace")


def build(workdir: Path, site_packages: Iterable[Path], rebuild: bool = False) -> list[Entry]:
    """Write ``<workdir>/files/**`` and ``<workdir>/labelled.jsonl``; reuse them when built
    by this builder version from the same wheel."""
    wheel = ensure_wheel(workdir)
    manifest, meta_path, files = (
        workdir / "labelled.jsonl",
        workdir / "labelled.meta.json",
        workdir / "files",
    )
    want = {"builder_version": BUILDER_VERSION, "wheel": wheel.name}
    if not rebuild and manifest.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in want.items()):
            return load(manifest)
    db, pairs = _scancode_entries(wheel)
    sites = [p for p in site_packages if p.is_dir()]
    pairs += list(_package_entries(sites))
    pairs += [
        (Entry(f"negatives/negative-{i:02d}.txt", "", "negative", "benchmarks/license_bench"), t)
        for i, t in enumerate(NEGATIVES, 1)
    ]
    if files.exists():
        shutil.rmtree(files)
    for entry, text in pairs:
        target = files / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    entries = [e for e, _ in pairs]
    with manifest.open("w") as fh:
        for e in entries:
            fh.write(json.dumps(asdict(e), sort_keys=True) + "\n")
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.category] = counts.get(e.category, 0) + 1
    want |= {"site_packages": [str(s) for s in sites], "counts": counts}
    want["generic_keys"] = sorted(db.generic_keys)
    meta_path.write_text(json.dumps(want, indent=1) + "\n")
    return entries


def load(manifest: Path) -> list[Entry]:
    with manifest.open() as fh:
        return [Entry(**json.loads(line)) for line in fh if line.strip()]


def generic_keys(workdir: Path) -> frozenset[str] | None:
    """The generic/unknown keys the builder read from the wheel, if it recorded them."""
    meta_path = workdir / "labelled.meta.json"
    if not meta_path.is_file():
        return None
    keys = json.loads(meta_path.read_text()).get("generic_keys")
    return frozenset(keys) if keys else None


def sample(entries: list[Entry], limit: int | None, seed: int) -> list[Entry]:
    """A stratified sample: each category gets an equal share of ``limit`` (small categories
    are taken whole and their unused share goes to the others); None takes everything."""
    if limit is None or limit >= len(entries):
        return sorted(entries, key=lambda e: e.path)
    groups: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: e.path):
        groups.setdefault(e.category, []).append(e)
    quota: dict[str, int] = {}
    left, open_groups = limit, sorted(groups, key=lambda c: len(groups[c]))
    while open_groups:
        share = left // len(open_groups)
        category = open_groups[0]
        if len(groups[category]) <= share:
            quota[category] = len(groups[category])
            left -= quota[category]
            open_groups.pop(0)
            continue
        for i, category in enumerate(open_groups):
            quota[category] = share + (1 if i < left - share * len(open_groups) else 0)
        break
    rng = random.Random(seed)
    chosen: list[Entry] = []
    for category in sorted(groups):
        chosen += rng.sample(groups[category], quota.get(category, 0))
    return sorted(chosen, key=lambda e: e.path)
