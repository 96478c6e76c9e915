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
_ATTRIBUTION = re.compile(r"^attribution\b|\bcredit\b|notice", re.I)
#: acceptable-use policies and RAIL-style use restrictions stay restrictions even if they
#: also mention notices
_USE = re.compile(r"acceptable use|use polic|restriction|may not|must not|not be used", re.I)
_SHARE_ALIKE = re.compile(r"share-alike|share alike|copyleft|same or a compatible license", re.I)


def license_obligations(expressions: Iterable[str]) -> dict[str, Any]:
    """Sorted, de-duplicated obligations per kind, each tagged with the license it comes from."""
    attribution: set[str] = set()
    restrictions: set[str] = set()
    naming: set[str] = set()
    share_alike: set[str] = set()
    licenses: set[str] = set()
    for expr in sorted({e for e in expressions if e}):
        terms = evaluate(expr)
        licenses.add(expr)
        before = len(attribution)
        for text in terms.output_terms:
            if _NAMING.search(text):
                naming.add(f"{expr}: {text}")
            elif _SHARE_ALIKE.search(text):
                share_alike.add(f"{expr}: {text}")
            elif _ATTRIBUTION.search(text) and not _USE.search(text):
                attribution.add(f"{expr}: {text}")
            else:
                restrictions.add(f"{expr}: {text}")
        if terms.attribution == Tri.YES and len(attribution) == before:
            attribution.add(f"{expr}: credit the authors and keep license notices")
    return {
        "licenses": sorted(licenses),
        "attribution": sorted(attribution),
        "use_restrictions": sorted(restrictions),
        "naming": sorted(naming),
        "share_alike": sorted(share_alike),
    }
