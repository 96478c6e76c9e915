"""Output screening: does a model output reproduce protected text, leak personal data or
use others' marks? ``Guard.open(INDEX).check(text) -> Verdict``."""

from clearance.guard.build import BuildSummary, add_to_index, build_index, merge_index
from clearance.guard.check import Guard, SourceMatch, Span, Verdict
from clearance.guard.index import DocumentRef, IndexParams
from clearance.guard.policy import Policy

__all__ = [
    "BuildSummary",
    "DocumentRef",
    "Guard",
    "IndexParams",
    "Policy",
    "SourceMatch",
    "Span",
    "Verdict",
    "add_to_index",
    "build_index",
    "merge_index",
]
