"""The guard's ``claims`` check: statements about identifiable persons and organisations
(allegations, quotations, precise figures), with hedging, negation, fiction cues and a
support check against trusted references. Screens for review; it does not decide truth
and is not legal advice."""

from clearance.guard.claims.check import ClaimsChecker
from clearance.guard.claims.detect import Claim, sentences
from clearance.guard.claims.entities import Entity, Name, load_names
from clearance.guard.claims.rules import ALLEGATIONS, CATEGORIES, ClaimsPolicy, Lexicon
from clearance.guard.claims.support import References

__all__ = [
    "ALLEGATIONS",
    "CATEGORIES",
    "Claim",
    "ClaimsChecker",
    "ClaimsPolicy",
    "Entity",
    "Lexicon",
    "Name",
    "References",
    "load_names",
    "sentences",
]
