"""The terms an SPDX expression grants, combined from the records of its keys.

``A AND B``: both apply, so each term takes the more restrictive value. ``A OR B``: the user
may pick, so we take the least restrictive option and say which one is relied on. ``A WITH
E``: the exception is recorded with its effect, and where that effect is known it caps the
copyleft reach; an exception we do not know changes nothing (exceptions only add
permissions, so ignoring one is the cautious reading). An unknown key makes every term
unknown, which is never read as permitted. OR ties keep the first option written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from license_expression import ExpressionError, LicenseSymbol, LicenseWithExceptionSymbol

from clearance.licenses._load import ExceptionInfo
from clearance.licenses.expressions import _licensing
from clearance.licenses.kb import lookup, lookup_exception
from clearance.licenses.terms import (
    TERM_NAMES,
    AiTraining,
    Confidence,
    Derivatives,
    Evidence,
    Kind,
    LicenseTerms,
    ShareAlike,
    TermValues,
    Tri,
)

# Restrictiveness, least restrictive first. Unknown sits above the permissive values, so an
# unknown part can never make a combination look freer than it is.
_PERMISSION = {Tri.YES: 0, Tri.UNKNOWN: 1, Tri.NO: 2}
_RESTRICTION = {Tri.NO: 0, Tri.UNKNOWN: 1, Tri.YES: 2}
_DERIVATIVES = {
    Derivatives.YES: 0,
    Derivatives.UNKNOWN: 1,
    Derivatives.PRIVATE_ONLY: 2,
    Derivatives.NO: 3,
}
_SHARE_ALIKE = {
    ShareAlike.NONE: 0,
    ShareAlike.UNKNOWN: 1,
    ShareAlike.FILE: 2,
    ShareAlike.DATA: 3,
    ShareAlike.STRONG: 4,
    ShareAlike.NETWORK: 5,
}
_AI = {
    AiTraining.PERMITTED: 0,
    AiTraining.SILENT: 1,
    AiTraining.CONDITIONAL: 2,
    AiTraining.UNKNOWN: 3,
    AiTraining.PROHIBITED: 4,
}
_CONFIDENCE = {Confidence.CURATED: 0, Confidence.DERIVED: 1, Confidence.UNKNOWN: 2}


@dataclass(frozen=True, kw_only=True)
class EffectiveTerms(TermValues):
    """What an expression allows, and the records (with their evidence) it rests on."""

    expression: str
    kinds: tuple[Kind, ...] = ()
    relied_on: tuple[str, ...] = ()  # the keys whose terms apply (after OR choices)
    alternatives: tuple[str, ...] = ()  # OR options not relied on
    exceptions: tuple[ExceptionInfo, ...] = ()
    licenses: tuple[LicenseTerms, ...] = ()  # the records relied on, for their evidence
    unknown_keys: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def evidence(self, term: str) -> tuple[tuple[str, Evidence], ...]:
        """``(license key, evidence)`` for ``term`` across the licenses relied on, for citing."""
        return tuple(
            (record.key, ev) for record in self.licenses for ev in record.evidence.get(term, ())
        )


def _worst(ranks: dict[Any, int], a: Any, b: Any) -> Any:
    return a if ranks[a] >= ranks[b] else b


def _unique(*groups: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(x for g in groups for x in g))


def _mau(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _leaf(record: LicenseTerms) -> EffectiveTerms:
    return EffectiveTerms(
        expression=record.key,
        kinds=(record.kind,),
        **record.term_values(),
        confidence=record.confidence,
        relied_on=(record.key,),
        licenses=(record,),
        unknown_keys=(record.key,) if record.confidence == Confidence.UNKNOWN else (),
    )


@lru_cache(maxsize=65536)
def _leaf_for(key: str) -> EffectiveTerms:
    return _leaf(lookup(key))


# How ``A AND B`` combines each term: the more restrictive value, every output term, the
# lower user cap. Checked against TERM_NAMES at import so a new term cannot be forgotten here.
_AND_TERM: dict[str, Callable[[Any, Any], Any]] = {
    "commercial_use": partial(_worst, _PERMISSION),
    "derivatives": partial(_worst, _DERIVATIVES),
    "attribution": partial(_worst, _RESTRICTION),
    "share_alike": partial(_worst, _SHARE_ALIKE),
    "non_commercial": partial(_worst, _RESTRICTION),
    "no_derivatives": partial(_worst, _RESTRICTION),
    "research_only": partial(_worst, _RESTRICTION),
    "ai_training": partial(_worst, _AI),
    "output_terms": _unique,
    "mau_limit": _mau,
}
if set(_AND_TERM) != set(TERM_NAMES):
    raise RuntimeError(f"terms without an AND rule: {set(TERM_NAMES) ^ set(_AND_TERM)}")


def _and(a: EffectiveTerms, b: EffectiveTerms) -> EffectiveTerms:
    return EffectiveTerms(
        expression=f"{a.expression} AND {b.expression}",
        kinds=_unique(a.kinds, b.kinds),
        **{name: merge(getattr(a, name), getattr(b, name)) for name, merge in _AND_TERM.items()},
        confidence=_worst(_CONFIDENCE, a.confidence, b.confidence),
        relied_on=_unique(a.relied_on, b.relied_on),
        alternatives=_unique(a.alternatives, b.alternatives),
        exceptions=_unique(a.exceptions, b.exceptions),
        licenses=_unique(a.licenses, b.licenses),
        unknown_keys=_unique(a.unknown_keys, b.unknown_keys),
    )


def restrictiveness(t: EffectiveTerms) -> tuple[int, ...]:
    """A sort key: smaller is freer. Commercial use and derivatives weigh first."""
    return (
        _PERMISSION[t.commercial_use],
        _RESTRICTION[t.non_commercial],
        _RESTRICTION[t.research_only],
        _DERIVATIVES[t.derivatives],
        _RESTRICTION[t.no_derivatives],
        _AI[t.ai_training],
        _SHARE_ALIKE[t.share_alike],
        0 if t.mau_limit is None else 1,
        len(t.output_terms),
        _RESTRICTION[t.attribution],
        _CONFIDENCE[t.confidence],
    )


def _or(options: list[EffectiveTerms]) -> EffectiveTerms:
    best = min(options, key=restrictiveness)  # min is stable: ties keep the first option
    others = tuple(o.expression for o in options if o is not best)
    return dataclasses.replace(best, alternatives=_unique(best.alternatives, others))


def _with(base: EffectiveTerms, exc: ExceptionInfo) -> EffectiveTerms:
    share_alike = base.share_alike
    if exc.share_alike is not None and _SHARE_ALIKE[share_alike] > _SHARE_ALIKE[exc.share_alike]:
        share_alike = exc.share_alike
    return dataclasses.replace(
        base,
        expression=f"{base.expression} WITH {exc.key}",
        share_alike=share_alike,
        exceptions=(*base.exceptions, exc),
    )


# Deprecated SPDX ids that fold an exception into the license id, and the "X WITH Y" the SPDX
# license list gives as their replacement (https://spdx.org/licenses/, "Deprecated License
# Identifiers"), so that they are evaluated like the expression they stand for.
DEPRECATED_WITH: dict[str, tuple[str, str]] = {
    "gpl-2.0-with-autoconf-exception": ("GPL-2.0-only", "Autoconf-exception-2.0"),
    "gpl-2.0-with-bison-exception": ("GPL-2.0-only", "Bison-exception-2.2"),
    "gpl-2.0-with-classpath-exception": ("GPL-2.0-only", "Classpath-exception-2.0"),
    "gpl-2.0-with-font-exception": ("GPL-2.0-only", "Font-exception-2.0"),
    "gpl-2.0-with-gcc-exception": ("GPL-2.0-only", "GCC-exception-2.0"),
    "gpl-3.0-with-autoconf-exception": ("GPL-3.0-only", "Autoconf-exception-3.0"),
    "gpl-3.0-with-gcc-exception": ("GPL-3.0-only", "GCC-exception-3.1"),
}


def _walk(node: Any) -> EffectiveTerms:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _with(_walk(node.license_symbol), lookup_exception(node.exception_symbol.key))
    if isinstance(node, LicenseSymbol):
        folded = DEPRECATED_WITH.get(node.key.lower())
        if folded is not None:
            return _with(_leaf_for(folded[0]), lookup_exception(folded[1]))
        return _leaf_for(node.key)
    parts = [_walk(arg) for arg in node.args]
    if type(node).__name__ == "OR":
        return _or(parts)
    result = parts[0]
    for part in parts[1:]:
        result = _and(result, part)
    return result


_BY_NORMALISED: dict[str, EffectiveTerms] = {}
_MAX_NORMALISED = 65536


def _evaluate_tree(expression: str, tree: Any) -> EffectiveTerms:
    """Terms of a parsed tree, shared by every spelling that normalises to ``expression``."""
    found = _BY_NORMALISED.get(expression)
    if found is None:
        found = dataclasses.replace(_walk(tree), expression=expression)
        if len(_BY_NORMALISED) >= _MAX_NORMALISED:
            _BY_NORMALISED.clear()
        _BY_NORMALISED[expression] = found
    return found


@lru_cache(maxsize=65536)
def evaluate(expression: str) -> EffectiveTerms:
    """The effective terms of ``expression``; never raises (see ``error`` on bad input).

    Parsed once with ``license-expression`` (SPDX symbols: ``apache-2.0`` -> ``Apache-2.0``,
    ``GPL-2.0+`` -> ``GPL-2.0-or-later``), cached by the raw text and by the normalised form.
    """
    raw = expression.strip()
    if not raw:
        return EffectiveTerms(expression=raw, error="empty expression")
    try:
        tree: Any = _licensing().parse(raw, validate=False, strict=False, simple=False)
    except ExpressionError as exc:
        return EffectiveTerms(expression=raw, error=str(exc))
    except Exception as exc:  # the library raises bare errors on some garbage inputs
        return EffectiveTerms(expression=raw, error=f"{type(exc).__name__}: {exc}")
    if tree is None:
        return EffectiveTerms(expression=raw, error="empty expression")
    return _evaluate_tree(tree.render("{symbol.key}"), tree)


def clear_caches() -> None:
    """Forget cached results (benchmarks; tests that reload data)."""
    evaluate.cache_clear()
    _leaf_for.cache_clear()
    _BY_NORMALISED.clear()
