"""SPDX license expressions, parsed and normalised with the ``license-expression`` library.

We do not write our own parser: ``license-expression`` ships the SPDX license list (keys,
aliases, deprecated ids such as ``GPL-2.0+``) and handles operator precedence and ``WITH``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from license_expression import ExpressionError, Licensing, get_spdx_licensing

#: the operators of an expression (any case in ScanCode's; upper case in SPDX's)
OPERATORS = frozenset({"and", "or", "with"})
_ID = re.compile(r"[^\s()]+")  # an id or an operator: what spaces and parentheses separate


def license_ids(expression: str) -> list[str]:
    """The license and exception ids of an expression as written, operators left out (no
    parse: a cheap look at expressions the detectors already normalised)."""
    return [w for w in _ID.findall(expression) if w.lower() not in OPERATORS]


def replace_ids(expression: str, replace: Callable[[str], str]) -> str:
    """``expression`` with each id (or operator) replaced by ``replace(it)``; spaces and
    parentheses kept."""
    return _ID.sub(lambda m: replace(m.group()), expression)


@dataclass(frozen=True)
class ParsedExpression:
    """A normalised expression, the keys the SPDX list does not know, or why it failed."""

    expression: str
    unknown_keys: tuple[str, ...] = field(default=())
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.unknown_keys


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    # Building the SPDX symbol table takes ~0.3 s: once per process.
    return get_spdx_licensing()


@lru_cache(maxsize=4096)
def normalise_expression(text: str) -> ParsedExpression:
    """Parse ``text`` as an SPDX expression; never raises on bad input."""
    raw = text.strip()
    if not raw:
        return ParsedExpression(raw, error="empty expression")
    licensing = _licensing()
    try:
        parsed: Any = licensing.parse(raw, validate=False, strict=False, simple=False)
    except ExpressionError as exc:
        return ParsedExpression(raw, error=str(exc))
    except Exception as exc:  # the library raises bare errors on some garbage inputs
        return ParsedExpression(raw, error=f"{type(exc).__name__}: {exc}")
    if parsed is None:
        return ParsedExpression(raw, error="empty expression")
    unknown = tuple(sorted(k for k in licensing.unknown_license_keys(parsed) if not _is_ref(k)))
    return ParsedExpression(parsed.render("{symbol.key}"), unknown_keys=unknown)


def _is_ref(key: str) -> bool:
    return key.startswith(("LicenseRef-", "DocumentRef-"))
