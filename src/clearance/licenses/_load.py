"""Read the curated YAML records and the ScanCode LicenseDB index into ``LicenseTerms``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from clearance.licenses.terms import (
    AiTraining,
    Confidence,
    Derivatives,
    Evidence,
    Kind,
    LicenseTerms,
    ShareAlike,
    Tri,
)

INDEX_URL = "https://scancode-licensedb.aboutcode.org/"
INDEX_NOTE = (
    "ScanCode LicenseDB index bundled in license-expression "
    "(license_expression/data/scancode-licensedb-index.json, CC-BY-4.0)"
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ExceptionInfo:
    """A license exception (the right side of WITH) and what it changes."""

    key: str
    name: str
    effect: str = ""
    share_alike: ShareAlike | None = None  # caps the copyleft reach, where the effect is known
    evidence: tuple[Evidence, ...] = ()
    aliases: tuple[str, ...] = ()
    known: bool = True


def _evidence(raw: dict[str, Any]) -> Evidence:
    return Evidence(
        source=str(raw.get("source", "")),
        section=str(raw.get("section", "")),
        quote=raw.get("quote"),
        accessed=str(raw.get("accessed", "")),
        note=str(raw.get("note", "")),
        verified=bool(raw.get("verified", True)),
        text=str(raw.get("text", "")),
    )


def _str(value: Any) -> str:
    # YAML reads unquoted yes/no as booleans
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "unknown" if value is None else str(value)


def record_from_yaml(raw: dict[str, Any]) -> LicenseTerms:
    terms = raw.get("terms", {})
    evidence = {
        name: tuple(_evidence(e) for e in items) for name, items in raw.get("evidence", {}).items()
    }
    return LicenseTerms(
        key=raw["key"],
        name=raw.get("name", raw["key"]),
        kind=Kind(raw.get("kind", "unknown")),
        commercial_use=Tri(_str(terms.get("commercial_use"))),
        derivatives=Derivatives(_str(terms.get("derivatives"))),
        attribution=Tri(_str(terms.get("attribution"))),
        share_alike=ShareAlike(_str(terms.get("share_alike"))),
        non_commercial=Tri(_str(terms.get("non_commercial"))),
        no_derivatives=Tri(_str(terms.get("no_derivatives"))),
        research_only=Tri(_str(terms.get("research_only"))),
        ai_training=AiTraining(_str(terms.get("ai_training"))),
        output_terms=tuple(raw.get("output_terms") or ()),
        mau_limit=raw.get("mau_limit"),
        evidence=evidence,
        confidence=Confidence(raw.get("confidence", "curated")),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        url=str(raw.get("url", "")),
        notes=str(raw.get("notes", "")),
    )


def exception_from_yaml(raw: dict[str, Any]) -> ExceptionInfo:
    sa = raw.get("share_alike")
    return ExceptionInfo(
        key=raw["key"],
        name=raw.get("name", raw["key"]),
        effect=str(raw.get("effect", "")),
        share_alike=ShareAlike(sa) if sa else None,
        evidence=tuple(_evidence(e) for e in raw.get("evidence", ())),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
    )


@dataclass(frozen=True)
class Curated:
    records: list[LicenseTerms]
    exceptions: list[ExceptionInfo]
    aliases: dict[str, str]  # extra alias -> key (Hugging Face hub identifiers)


def load_curated() -> Curated:
    """Every record in ``data/*.yaml``, the WITH exceptions and the extra aliases."""
    records: list[LicenseTerms] = []
    exceptions: list[ExceptionInfo] = []
    aliases: dict[str, str] = {}
    folder = resources.files("clearance.licenses") / "data"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        doc = yaml.load(entry.read_text(encoding="utf-8"), Loader=_Loader) or {}
        for raw in doc.get("records", ()):
            records.append(record_from_yaml(raw))
        for raw in doc.get("exceptions", ()):
            exceptions.append(exception_from_yaml(raw))
        aliases.update({str(k): str(v) for k, v in (doc.get("aliases") or {}).items()})
    return Curated(records, exceptions, aliases)


def load_index() -> list[dict[str, Any]]:
    """The ScanCode LicenseDB index that ships inside ``license-expression``."""
    folder = resources.files("license_expression") / "data"
    data: list[dict[str, Any]] = json.loads(
        (folder / "scancode-licensedb-index.json").read_text(encoding="utf-8")
    )
    return data


# category -> (kind, commercial_use, derivatives, share_alike, non_commercial)
_CATEGORY: dict[str, tuple[Kind, Tri, Derivatives, ShareAlike, Tri]] = {
    "Permissive": (Kind.UNKNOWN, Tri.YES, Derivatives.YES, ShareAlike.NONE, Tri.NO),
    "Copyleft": (Kind.UNKNOWN, Tri.YES, Derivatives.YES, ShareAlike.STRONG, Tri.NO),
    "Copyleft Limited": (Kind.UNKNOWN, Tri.YES, Derivatives.YES, ShareAlike.FILE, Tri.NO),
    "Public Domain": (
        Kind.PUBLIC_DOMAIN_DEDICATION,
        Tri.YES,
        Derivatives.YES,
        ShareAlike.NONE,
        Tri.NO,
    ),
    "Non-Commercial": (Kind.UNKNOWN, Tri.NO, Derivatives.UNKNOWN, ShareAlike.UNKNOWN, Tri.YES),
}
_UNKNOWN_CAT = (Kind.UNKNOWN, Tri.UNKNOWN, Derivatives.UNKNOWN, ShareAlike.UNKNOWN, Tri.UNKNOWN)


def index_key(entry: dict[str, Any]) -> str:
    spdx = entry.get("spdx_license_key") or ""
    return str(spdx or f"LicenseRef-scancode-{entry['license_key']}")


def derived_record(entry: dict[str, Any]) -> LicenseTerms:
    """A record mapped from the index category alone: no clause read, AI terms unknown."""
    category = str(entry.get("category") or "")
    kind, commercial, derivatives, share_alike, nc = _CATEGORY.get(category, _UNKNOWN_CAT)
    note = (
        f"derived from the ScanCode LicenseDB category {category!r} of "
        f"{entry['license_key']!r}; the license text was not read for this term"
    )
    ev = (Evidence(source=INDEX_URL, note=note + f" ({INDEX_NOTE})", verified=False),)
    key = index_key(entry)
    aliases = {entry["license_key"], f"LicenseRef-scancode-{entry['license_key']}"}
    aliases.update(entry.get("other_spdx_license_keys") or ())
    aliases.discard(key)
    return LicenseTerms(
        key=key,
        name=key,
        kind=kind,
        commercial_use=commercial,
        derivatives=derivatives,
        share_alike=share_alike,
        non_commercial=nc,
        no_derivatives=Tri.NO if derivatives == Derivatives.YES else Tri.UNKNOWN,
        evidence={
            "commercial_use": ev,
            "derivatives": ev,
            "share_alike": ev,
            "non_commercial": ev,
            "no_derivatives": ev,
        },
        confidence=Confidence.DERIVED,
        category=category,
        aliases=tuple(sorted(aliases)),
        url=f"{INDEX_URL}{entry['license_key']}.html",
    )
