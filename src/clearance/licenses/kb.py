"""Look up a license key: curated records first, then the ScanCode index, else ``unknown``.

Keys are matched case-insensitively against SPDX ids, ScanCode keys, ``LicenseRef-scancode-``
ids and the aliases the records list (e.g. Hugging Face hub keys such as ``llama3.1``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import lru_cache

from clearance.licenses._load import (
    ExceptionInfo,
    derived_record,
    index_key,
    load_curated,
    load_index,
)
from clearance.licenses.terms import Confidence, Evidence, LicenseTerms


@dataclasses.dataclass(frozen=True)
class _Tables:
    records: dict[str, LicenseTerms]  # canonical key -> record
    by_alias: dict[str, str]  # lower-cased key or alias -> canonical key
    exceptions: dict[str, ExceptionInfo]  # lower-cased key or alias -> exception


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    loaded = load_curated()
    curated, exceptions = loaded.records, loaded.exceptions
    records: dict[str, LicenseTerms] = {}
    by_alias: dict[str, str] = {}
    exc: dict[str, ExceptionInfo] = {}
    for rec in curated:
        records[rec.key] = rec
        for name in (rec.key, *rec.aliases):
            by_alias.setdefault(name.lower(), rec.key)
    for info in exceptions:
        for name in (info.key, *info.aliases):
            exc.setdefault(name.lower(), info)
    for entry in load_index():
        if entry.get("is_exception"):
            info = ExceptionInfo(
                key=index_key(entry),
                name=index_key(entry),
                effect="effect not curated (ScanCode LicenseDB index entry)",
                aliases=(entry["license_key"],),
            )
            for name in (info.key, *info.aliases):
                exc.setdefault(name.lower(), info)
            continue
        key = index_key(entry)
        names = [key, entry["license_key"], f"LicenseRef-scancode-{entry['license_key']}"]
        names += entry.get("other_spdx_license_keys") or []
        canonical = next((by_alias[n.lower()] for n in names if n.lower() in by_alias), None)
        if canonical is not None:  # curated: record the index's category and its names
            rec = records[canonical]
            extra = tuple(dict.fromkeys(n for n in names if n.lower() not in by_alias))
            records[canonical] = dataclasses.replace(
                rec,
                category=rec.category or str(entry.get("category") or ""),
                aliases=rec.aliases + extra,
            )
            for n in extra:
                by_alias[n.lower()] = canonical
            continue
        rec = derived_record(entry)
        records[rec.key] = rec
        for name in (rec.key, *rec.aliases):
            by_alias.setdefault(name.lower(), rec.key)
    for alias, key in loaded.aliases.items():
        canonical = by_alias.get(key.lower())
        if canonical is not None:
            by_alias.setdefault(alias.lower(), canonical)
    return _Tables(records, by_alias, exc)


def unknown_record(key: str) -> LicenseTerms:
    """The record for a key nobody knows: every term unknown, so nothing is permitted by it."""
    return LicenseTerms(
        key=key,
        name=key,
        evidence={
            "commercial_use": (
                Evidence(source="", note="key not in the knowledge base", verified=False),
            )
        },
        confidence=Confidence.UNKNOWN,
    )


@lru_cache(maxsize=65536)
def lookup(key: str) -> LicenseTerms:
    """The record for ``key`` (any case, SPDX id, ScanCode key or alias); never raises."""
    tables = _tables()
    name = key.strip()
    canonical = tables.by_alias.get(name.lower())
    if canonical is None and name.endswith("+"):
        canonical = tables.by_alias.get(name[:-1].lower() + "-or-later")
    if canonical is None:
        return unknown_record(name)
    return tables.records[canonical]


@lru_cache(maxsize=4096)
def lookup_exception(key: str) -> ExceptionInfo:
    """The WITH exception ``key``; an unknown one is returned with ``known=False``."""
    found = _tables().exceptions.get(key.strip().lower())
    if found is None:
        return ExceptionInfo(
            key=key.strip(), name=key.strip(), effect="unknown exception", known=False
        )
    return found


def all_keys(confidence: Confidence | None = None) -> list[str]:
    """Every canonical key, sorted; only those of one ``confidence`` when given."""
    records = _tables().records.values()
    return sorted(r.key for r in records if confidence is None or r.confidence == confidence)


def iter_records(confidence: Confidence | None = None) -> Iterator[LicenseTerms]:
    """The records in key order (curated, derived, or all)."""
    records = _tables().records
    for key in all_keys(confidence):
        yield records[key]
