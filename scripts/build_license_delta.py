"""Build the LicenseDB delta we ship beside ``licensedcode-data`` (dev-time tool).

PyPI's newest ``licensedcode-data`` can lag the ScanCode toolkit release; the toolkit wheel
carries the same LicenseDB (CC-BY-4.0) in ``licensedcode/data``. This writes every license and
rule file that was added, or whose words or matching fields changed, since the installed
``licensedcode-data``, and the files it removed, to
``src/clearance/detectors/license/textmatch/data/licensedcode-delta.jsonl.gz``::

    pip download scancode-toolkit-mini==32.5.0 --no-deps -d /tmp/sc
    .venv/bin/python scripts/build_license_delta.py /tmp/sc/scancode_toolkit_mini-32.5.0-*.whl

Files whose only change is markup we ignore (ScanCode's ``{{required phrase}}`` braces) or
front-matter fields we do not read are left out, to keep the delta small.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zipfile
from pathlib import Path

from clearance.detectors.license.textmatch import refdata
from clearance.detectors.license.textmatch.index import words

OUT = (
    Path(__file__).resolve().parent.parent
    / "src/clearance/detectors/license/textmatch/data/licensedcode-delta.jsonl.gz"
)
PREFIX = "licensedcode/data/"
#: the front-matter fields the matcher reads (``refdata``), plus the license flags a future
#: reader is likely to need.
FIELDS = (
    "key",
    "license_expression",
    "is_deprecated",
    "is_false_positive",
    "is_license_text",
    "is_license_notice",
    "is_license_reference",
    "is_license_tag",
    "is_license_intro",
    "is_license_clue",
    "relevance",
    "minimum_coverage",
    "is_continuous",
    "spdx_license_key",
    "name",
    "short_name",
    "is_generic",
    "is_unknown",
    "is_exception",
)


def _signature(raw: str) -> tuple[tuple[str | None, ...], list[str]]:
    front, body = refdata.split_text(raw)
    return tuple(None if front.get(f) is None else str(front.get(f)) for f in FIELDS), words(
        body.replace("{{", "").replace("}}", "")
    )


def main(wheel: Path) -> int:
    version = re.sub(r"^scancode_toolkit_mini-([^-]+)-.*$", r"\1", wheel.name)
    base_dir = refdata.data_dir()
    base_version = refdata.data_version()
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    added = changed = 0
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if not name.startswith(PREFIX) or not name.endswith((".LICENSE", ".RULE")):
                continue
            rel = name[len(PREFIX) :]
            if rel.count("/") != 1 or not rel.startswith(("licenses/", "rules/")):
                continue
            seen.add(rel)
            text = zf.read(name).decode("utf-8", "replace")
            old = base_dir / rel
            if old.is_file():
                if _signature(old.read_text("utf-8", "replace")) == _signature(text):
                    continue
                changed += 1
            else:
                added += 1
            records.append({"path": rel, "text": text})
    removed = sorted(
        str(p.relative_to(base_dir))
        for folder, suffix in (("licenses", "*.LICENSE"), ("rules", "*.RULE"))
        for p in (base_dir / folder).glob(suffix)
        if str(p.relative_to(base_dir)) not in seen
    )
    records += [{"path": rel, "removed": True} for rel in removed]
    header = {"base": base_version, "version": version, "source": wheel.name}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, sort_keys=True) + "\n" for r in [header, *records])
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as fh:  # reproducible bytes
        fh.write(lines.encode("utf-8"))
    print(f"{OUT}: {added} added, {changed} changed, {len(removed)} removed")
    print(f"licensedcode-data {base_version} -> ScanCode {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
