"""The license knowledge base: what each license allows, with the clause it rests on.

``lookup(key)`` gives one license's record, ``evaluate(expression)`` the combined terms of an
SPDX expression (AND: most restrictive; OR: least restrictive option, recorded in
``relied_on``; WITH: the exception recorded).
"""

from clearance.licenses._load import ExceptionInfo
from clearance.licenses.combine import EffectiveTerms, evaluate
from clearance.licenses.expressions import ParsedExpression, normalise_expression
from clearance.licenses.kb import all_keys, iter_records, lookup, lookup_exception
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

__all__ = [
    "AiTraining",
    "Confidence",
    "Derivatives",
    "EffectiveTerms",
    "Evidence",
    "ExceptionInfo",
    "Kind",
    "LicenseTerms",
    "ParsedExpression",
    "ShareAlike",
    "Tri",
    "all_keys",
    "evaluate",
    "iter_records",
    "lookup",
    "lookup_exception",
    "normalise_expression",
]
