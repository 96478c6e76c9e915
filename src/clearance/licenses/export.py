"""Plain-dict views of records and effective terms, for JSON output and reports."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from clearance.licenses._load import ExceptionInfo
from clearance.licenses.combine import EffectiveTerms
from clearance.licenses.terms import TERM_NAMES, Evidence, LicenseTerms


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(ev).items() if v not in ("", None)}


def record_dict(rec: LicenseTerms) -> dict[str, Any]:
    """A record with every term and, per term, its evidence."""
    out: dict[str, Any] = {
        "key": rec.key,
        "name": rec.name,
        "kind": rec.kind.value,
        "confidence": rec.confidence.value,
        "category": rec.category,
        "url": rec.url,
    }
    for name in TERM_NAMES:
        out[name] = _plain(getattr(rec, name))
    out["evidence"] = {
        name: [evidence_dict(e) for e in items] for name, items in rec.evidence.items()
    }
    if rec.notes:
        out["notes"] = rec.notes
    return out


def exception_dict(info: ExceptionInfo) -> dict[str, Any]:
    return {
        "key": info.key,
        "known": info.known,
        "effect": info.effect,
        "share_alike_cap": info.share_alike.value if info.share_alike else None,
        "evidence": [evidence_dict(e) for e in info.evidence],
    }


def effective_dict(terms: EffectiveTerms) -> dict[str, Any]:
    """The effective terms, what they rely on, and the records with their evidence."""
    out: dict[str, Any] = {"expression": terms.expression, "error": terms.error}
    if terms.error is not None:
        return out
    out["kinds"] = _plain(terms.kinds)
    for name in TERM_NAMES:
        out[name] = _plain(getattr(terms, name))
    out["confidence"] = terms.confidence.value
    out["relied_on"] = list(terms.relied_on)
    out["alternatives"] = list(terms.alternatives)
    out["unknown_keys"] = list(terms.unknown_keys)
    out["exceptions"] = [exception_dict(e) for e in terms.exceptions]
    out["licenses"] = [record_dict(r) for r in terms.licenses]
    return out
