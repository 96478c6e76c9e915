"""The obligations that pass from the training data to the model: attribution, use
restrictions (RAIL licenses, acceptable use policies) and naming rules, read from the license
knowledge base (``output_terms``) for the licenses of the exported items."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from clearance.licenses import Tri, evaluate

#: output_terms that govern the model's or product's name (Llama "Built with", name prefix)
_NAMING = re.compile(r"\bname\b|built with|at the beginning|prominently", re.I)


def license_obligations(expressions: Iterable[str]) -> dict[str, Any]:
    """Sorted, de-duplicated obligations per kind, each tagged with the license it comes from."""
    attribution: set[str] = set()
    restrictions: set[str] = set()
    naming: set[str] = set()
    licenses: set[str] = set()
    for expr in sorted({e for e in expressions if e}):
        terms = evaluate(expr)
        licenses.add(expr)
        if terms.attribution == Tri.YES:
            attribution.add(f"{expr}: credit the authors and keep license notices")
        for text in terms.output_terms:
            (naming if _NAMING.search(text) else restrictions).add(f"{expr}: {text}")
    return {
        "licenses": sorted(licenses),
        "attribution": sorted(attribution),
        "use_restrictions": sorted(restrictions),
        "naming": sorted(naming),
    }
