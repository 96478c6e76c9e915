"""Clause review of agreements, dataset licenses and terms of use (``clearance terms``).

Reads txt, md, html, pdf and docx; finds the clauses that matter for AI training (grant
scope, outputs, data, risk allocation, privacy, prohibitions) with rules kept as data in
``data/patterns.yaml``; reports what is present, what is missing and, for a purpose, what
conflicts. A reading aid for counsel, not legal advice.
"""

from clearance.terms.classify import Match
from clearance.terms.review import (
    NOT_LEGAL_ADVICE,
    Assessment,
    CategoryResult,
    Missing,
    Review,
    purposes,
    review_bytes,
    review_document,
    review_path,
)

__all__ = [
    "NOT_LEGAL_ADVICE",
    "Assessment",
    "CategoryResult",
    "Match",
    "Missing",
    "Review",
    "purposes",
    "review_bytes",
    "review_document",
    "review_path",
]
