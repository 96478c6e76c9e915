"""Reference license texts and rules: the ScanCode LicenseDB, read from ``licensedcode-data``.

The ScanCode LicenseDB (CC-BY-4.0, copyright nexB Inc. and others,
https://github.com/aboutcode-org/scancode-toolkit) is the most complete public set of license
texts *and* of the notices, references and tags that point at them (36k rules, each labelled
with its license expression). ``licensedcode-data`` packages it on PyPI, so it is installed with
clearance and never downloaded at run time. We read its plain files; the matching engine that
uses them is ours (see ``index.py``).

PyPI's ``licensedcode-data`` can lag the ScanCode release (32.1.0 against 32.5.0 when this was
written): the rules added or changed since ship with clearance as a small delta
(``data/licensedcode-delta.jsonl.gz``, same LicenseDB, same CC-BY-4.0 license; see
``data/SOURCES.md`` and ``scripts/build_license_delta.py``), laid over the installed files
when they are older than the delta.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from clearance.licenses.expressions import OPERATORS
from clearance.model.errors import MissingDependency

DATA_PACKAGE = "licensedcode-data"
# ScanCode's rule and license flags that say what a reference text is.
KINDS = ("text", "notice", "reference", "tag")


@dataclass(frozen=True)
class Reference:
    """One license text or rule: its words are what we look for in items."""

    name: str  # file name without suffix, e.g. "mit" or "gpl-2.0-plus_1"
    expression: str  # ScanCode keys, e.g. "gpl-2.0-plus OR mit"
    kind: str  # text | notice | reference | tag | false-positive
    text: str
    relevance: int = 100
    minimum_coverage: int = 0
    continuous: bool = False


def data_dir() -> Path:
    """The ``licensedcode/data`` folder of the installed data package."""
    try:
        dist = metadata.distribution(DATA_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise MissingDependency("license text matching (licensedcode-data)", "licenses") from exc
    return Path(str(dist.locate_file("licensedcode/data")))


def data_version() -> str:
    return metadata.version(DATA_PACKAGE)


@dataclass(frozen=True)
class Delta:
    """The shipped LicenseDB delta: ``base`` -> ``version``, files replaced and removed."""

    base: str
    version: str
    files: dict[str, str]  # "rules/x.RULE" -> the newer file's text
    removed: frozenset[str]


DELTA_FILE = "licensedcode-delta.jsonl.gz"


@cache
def delta() -> Delta | None:
    """The shipped delta, when it is newer than the installed ``licensedcode-data``."""
    resource = resources.files("clearance.detectors.license.textmatch") / "data" / DELTA_FILE
    if not resource.is_file():
        return None
    lines = gzip.decompress(resource.read_bytes()).decode("utf-8").splitlines()
    header = json.loads(lines[0])
    if _version_tuple(data_version()) >= _version_tuple(str(header["version"])):
        return None
    files: dict[str, str] = {}
    removed: set[str] = set()
    for line in lines[1:]:
        record = json.loads(line)
        if record.get("removed"):
            removed.add(str(record["path"]))
        else:
            files[str(record["path"])] = str(record["text"])
    return Delta(str(header["base"]), str(header["version"]), files, frozenset(removed))


def data_label() -> str:
    """What the index is built from, e.g. ``32.1.0+sc32.5.0`` (part of its cache key)."""
    extra = delta()
    return data_version() + (f"+sc{extra.version}" if extra else "")


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def files(root: Path | None = None) -> Iterator[tuple[str, str]]:
    """(``licenses/x.LICENSE`` or ``rules/x.RULE``, text) of the installed data with the
    delta laid over it (when ``root`` is the installed data), licenses first, sorted."""
    base = root or data_dir()
    extra = delta() if root is None else None
    for folder, suffix in (("licenses", ".LICENSE"), ("rules", ".RULE")):
        names = {f"{folder}/{p.name}" for p in (base / folder).glob(f"*{suffix}")}
        if extra is not None:
            names = (names | {n for n in extra.files if n.startswith(folder + "/")}) - set(
                extra.removed
            )
        for name in sorted(names):
            if extra is not None and name in extra.files:
                yield name, extra.files[name]
            else:
                yield name, (base / name).read_text(encoding="utf-8", errors="replace")


def references(root: Path | None = None) -> Iterator[Reference]:
    """Every active license text and rule; deprecated ones, intros and clues are skipped."""
    for name, raw in files(root):
        stem = name.split("/", 1)[1].rsplit(".", 1)[0]
        front, body = split_text(raw)
        if name.startswith("licenses/"):
            if front.get("is_deprecated"):
                continue
            key = str(front["key"])
            if body.strip():
                yield Reference(name=stem, expression=key, kind="text", text=body)
            yield from _name_references(stem, key, front)
            continue
        if front.get("is_deprecated") or not body.strip():
            continue
        kind = _rule_kind(front)
        if kind is None:
            continue
        yield Reference(
            name=stem,
            expression=str(front.get("license_expression") or ""),
            kind=kind,
            text=body.replace("{{", "").replace("}}", ""),
            relevance=int(str(front.get("relevance", 100))),
            minimum_coverage=int(str(front.get("minimum_coverage", 0))),
            continuous=bool(front.get("is_continuous")),
        )


@cache
def spdx_keys(root: Path | None = None) -> dict[str, str]:
    """ScanCode key -> SPDX id (``LicenseRef-scancode-<key>`` where SPDX has none)."""
    table: dict[str, str] = {}
    for name, raw in files(root):
        if name.startswith("licenses/"):
            front, _ = split_text(raw)
            key = str(front.get("key", name[9:].rsplit(".", 1)[0]))
            table[key] = str(front.get("spdx_license_key") or f"LicenseRef-scancode-{key}")
    return table


@cache
def generic_keys(root: Path | None = None) -> frozenset[str]:
    """SPDX ids of ScanCode's catch-all keys (``is_generic`` or ``is_unknown`` in their
    ``.LICENSE`` file: "unknown-license-reference", "other-permissive"...): they say that some
    license applies, not which."""
    found: set[str] = set()
    for name, raw in files(root):
        if name.startswith("licenses/"):
            front, _ = split_text(raw)
            if front.get("is_generic") is True or front.get("is_unknown") is True:
                key = str(front.get("key", name[9:].rsplit(".", 1)[0]))
                found.add(str(front.get("spdx_license_key") or f"LicenseRef-scancode-{key}"))
    return frozenset(found)


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_-]*")


def to_spdx(expression: str, keys: dict[str, str]) -> str:
    """Rewrite a ScanCode expression with SPDX ids, keeping operators and parentheses."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in OPERATORS:
            return word.upper()
        return keys.get(word, f"LicenseRef-scancode-{word}")

    return _WORD.sub(swap, expression)


def _name_references(stem: str, key: str, front: dict[str, object]) -> Iterator[Reference]:
    """A license's names as references ("MIT License", "Apache-2.0"), as ScanCode also does.

    Only for licenses on the SPDX list, and only names of two words or more: ScanCode's own
    names for its catch-all keys ("Public Domain", "Other Permissive") are categories, not
    licenses.
    """
    spdx = str(front.get("spdx_license_key") or "")
    if not spdx or spdx.startswith("LicenseRef-"):
        return
    names = {str(front.get("name") or ""), str(front.get("short_name") or ""), spdx}
    for number, name in enumerate(sorted(n for n in names if len(_WORD.findall(n)) >= 1)):
        if len(re.findall(r"[^\W_]+", name)) >= 2:
            yield Reference(f"{stem}_name_{number}", key, "reference", name, relevance=90)


def _rule_kind(front: dict[str, object]) -> str | None:
    if front.get("is_false_positive"):
        return "false-positive"
    for kind in KINDS:
        if front.get(f"is_license_{kind}"):
            return kind
    return None  # intros and clues name no license


# Top-level scalar fields of the YAML front matter; we need only these, and a line scan is
# ~50x faster than a YAML parser over 36k files (the index is built once per data version).
_FIELD = re.compile(r"([a-z_]+):[ \t]*(.*?)[ \t]*$")
_FRONT_END = re.compile(r"\r?\n---[ \t]*(?:\r?\n|\Z)")


def split_text(raw: str) -> tuple[dict[str, object], str]:
    """(front-matter fields, body) of a ``.LICENSE`` or ``.RULE`` file's text."""
    if not raw.startswith("---"):
        return {}, raw
    # The front matter ends at the first line that is just "---": its own fields (a license's
    # ``standard_notice``) may hold rows of dashes, which are not the end.
    end = _FRONT_END.search(raw, 3)
    if end is None:
        return {}, raw
    front_text, rest = raw[3 : end.start()], raw[end.end() :]
    fields: dict[str, str] = {}
    key = ""
    for line in front_text.splitlines():
        field = _FIELD.match(line)
        if field:
            key = field.group(1)
            fields[key] = field.group(2)
        elif key and line[:1] in (" ", "\t") and line.strip():
            # A long plain scalar goes on over indented lines ("gpl-3.0-plus\n  WITH x").
            fields[key] = f"{fields[key]} {line.strip()}".strip()
    front: dict[str, object] = {}
    for name, value in fields.items():
        value = value.strip("'\"")
        front[name] = True if value == "yes" else value
    return front, rest
