"""Find license texts, notices, references and tags in a text with the compiled index.

Three steps, each vectorised:
1. *Candidates*: hash the text's word 5-grams, look them up, count hits per reference, keep the
   references most of whose n-grams occur (containment). Short rules match whole.
2. *Alignment*: for each candidate, the text positions whose n-gram belongs to it, split into
   clusters at gaps, give each cluster a coverage (share of the reference found) and an
   addition rate (share of the cluster's words that are not the reference's).
3. *Selection*: greedy by matched length x coverage^2, so the larger reference that is
   fully present wins (BSD-3-Clause over BSD-2-Clause), a notice inside a full text is not
   reported twice, and known false positives (ScanCode's ``is_false_positive`` rules) block
   what they cover.

Coverage and additions make modified or partial texts visible: they are reported as such, with
lower confidence, never as the clean license.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearance.detectors.license.textmatch.index import (
    MIN_RULE_WORDS,
    NGRAM,
    LicenseIndex,
    RefInfo,
    gram_hashes,
    maybe_present,
    powers,
    prefix_sums,
    word_offsets,
    words,
)

#: words between two hits of one reference that still count as one occurrence (at least;
#: half the reference's length for long ones).
GAP_WORDS = 12
MAX_CANDIDATES = 64
PER_EXPRESSION = 4
#: least containment for a reference to be aligned at all.
MIN_CONTAINMENT = 0.5
CLEAN_COVERAGE = 0.95
CLEAN_ADDED = 0.05
MODIFIED_COVERAGE = 0.6
#: a partial full text is reported only when this many of its words are present.
PARTIAL_MIN_WORDS = 60
MAX_OVERLAP = 0.2
#: an exact match this long removes its words from the approximate search.
EXPLAINS_WORDS = 50
#: matches of one expression this close together are one occurrence (a title and its text).
MERGE_GAP_WORDS = 40


@dataclass(frozen=True)
class Match:
    ref: RefInfo
    start: int  # word positions, end exclusive
    end: int
    coverage: float
    added: float

    @property
    def status(self) -> str:
        """clean, modified or partial."""
        if self.coverage >= CLEAN_COVERAGE and self.added <= CLEAN_ADDED:
            return "clean"
        return "modified" if self.coverage >= MODIFIED_COVERAGE else "partial"

    @property
    def score(self) -> float:
        """Words matched, weighted by coverage and purity: the reference that explains the
        most of the text with the fewest gaps and additions wins."""
        return self.ref.words * self.coverage**2 * (1.0 - self.added)


@dataclass(frozen=True)
class TextMatch:
    """A reported match, in character offsets of the text."""

    match: Match
    start: int
    end: int


def find(text: str, index: LicenseIndex) -> list[TextMatch]:
    """License matches in ``text``, best first, without overlaps or known false positives."""
    tokens = words(text)
    if not tokens:
        return []
    ids = index.ids(tokens)
    grams = gram_hashes(ids, NGRAM)
    candidates = _short_matches(grams, len(ids), index)
    if len(ids) >= NGRAM:
        query = grams[NGRAM - 1]
        exact = _exact_matches(ids, query, index)
        candidates.extend(exact)
        rest = _unexplained(query, exact)
        # When exact matches already hold every word (a file that is one notice), nothing
        # approximate could outscore them: a reference must be mostly present to be aligned.
        approximate = [] if _all_exact(len(query), exact) else _long_matches(rest, index)
        if approximate and len(rest) < len(query):
            # Words outside the exact matches still look like a license: search the whole
            # text, so a modified text is aligned with all of its words.
            approximate = _long_matches(query, index)
        candidates.extend(approximate)
    chosen = _merge_neighbours(_select(candidates))
    if not chosen:
        return []
    starts, ends = word_offsets(text, tokens)
    return [TextMatch(m, int(starts[m.start]), int(ends[m.end - 1])) for m in chosen]


def _short_matches(
    grams: list[npt.NDArray[np.uint64]], length: int, index: LicenseIndex
) -> list[Match]:
    """Rules of 1-4 words, matched whole: every 1-, 2-, 3- and 4-gram in one lookup."""
    hashes, ref_ids = index.short_table
    sizes = [n for n in sorted(index.short) if length >= n]
    if not sizes or not len(hashes):
        return []
    parts = [grams[n - 1] for n in sizes]
    query = np.concatenate(parts)
    maybe = maybe_present(index.short_filter, query)
    if not len(maybe):
        return []
    where = np.minimum(np.searchsorted(hashes, query[maybe]), len(hashes) - 1)
    hit = hashes[where] == query[maybe]
    found, where = maybe[hit], where[hit]
    if not len(found):
        return []
    bounds = np.cumsum([len(g) for g in parts])
    groups = np.searchsorted(bounds, found, side="right").tolist()
    offsets = [0, *bounds.tolist()]
    out: list[Match] = []
    for flat, group, ref_id in zip(found.tolist(), groups, ref_ids[where].tolist(), strict=True):
        ref = index.refs[ref_id]
        if ref.words < MIN_RULE_WORDS and not ref.specific and length > ref.words:
            continue  # "WTFPL" alone is a license id; inside a sentence, only a word
        position = flat - offsets[group]
        out.append(Match(ref, position, position + sizes[group], 1.0, 0.0))
    return out


def _exact_matches(
    ids: npt.NDArray[np.int64], query: npt.NDArray[np.uint64], index: LicenseIndex
) -> list[Match]:
    """References present word for word: found by their first n-gram, checked by range hash.

    Most license files and headers are verbatim copies; finding them this way costs a few
    vectorised passes, and the costlier approximate search then runs only on what is left.
    """
    keys = index.start_keys
    maybe = maybe_present(index.start_filter, query)
    if not len(maybe):
        return []
    left = np.minimum(np.searchsorted(keys, query[maybe], side="left"), len(keys) - 1)
    hit = keys[left] == query[maybe]
    starting, left = maybe[hit], left[hit]
    if not len(starting):
        return []
    counts = np.searchsorted(keys, query[starting], side="right") - left
    positions = np.repeat(starting, counts)
    slots = np.repeat(left - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    refs = index.start_refs[np.arange(len(positions)) + slots].astype(np.int64)
    lengths = index.ref_words[refs]
    ends = positions + lengths
    fits = ends <= len(ids)
    positions, refs, ends = positions[fits], refs[fits], ends[fits]
    sums = prefix_sums(ids)
    scale = powers(len(ids) + 1)[positions]
    equal = (sums[ends] - sums[positions]) == index.ref_full[refs] * scale  # wraps, as built
    return [
        Match(index.refs[int(r)], int(p), int(e), 1.0, 0.0)
        for r, p, e in zip(refs[equal], positions[equal], ends[equal], strict=True)
    ]


def _all_exact(count: int, exact: list[Match]) -> bool:
    """True when exact matches (not false positives) together span all ``count`` n-grams."""
    reach = 0
    for match in sorted(exact, key=lambda m: m.start):
        if match.ref.kind == "false-positive" or match.start > reach:
            continue
        reach = max(reach, match.end - NGRAM + 1)
    return reach >= count


def _unexplained(query: npt.NDArray[np.uint64], exact: list[Match]) -> npt.NDArray[np.uint64]:
    """The text's n-grams outside the large exact matches: if nothing there looks like a
    license, the (costlier) approximate search of the whole text can be skipped."""
    if not exact:
        return query
    inside = np.zeros(len(query) + 1, dtype=np.int64)
    for match in exact:
        if match.ref.kind != "false-positive" and match.ref.words >= EXPLAINS_WORDS:
            inside[match.start] += 1
            inside[max(match.start, match.end - NGRAM + 1)] -= 1
    outside: npt.NDArray[np.uint64] = query[np.cumsum(inside[:-1]) == 0]
    return outside


def _long_matches(query: npt.NDArray[np.uint64], index: LicenseIndex) -> list[Match]:
    if not len(query):
        return []
    unique, inverse = np.unique(query, return_inverse=True)
    where = np.minimum(np.searchsorted(index.keys, unique), len(index.keys) - 1)
    present = np.nonzero(index.keys[where] == unique)[0]
    if not len(present):
        return []
    starts = index.offsets[where[present]]
    lengths = index.offsets[where[present] + 1] - starts
    # Every (n-gram, reference) posting of the text's n-grams, gathered without a Python loop.
    total = int(lengths.sum())
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    pair_ref = index.postings[np.arange(total, dtype=np.int64) + shift]
    pair_gram = np.repeat(present, lengths)
    if total * 8 < len(index.refs):  # few postings: sort them, not a table of every reference
        touched, hits = np.unique(pair_ref, return_counts=True)
    else:
        table = np.bincount(pair_ref, minlength=len(index.refs))
        touched = np.nonzero(table)[0]
        hits = table[touched]
    containment = hits / index.ref_size[touched]
    keep = (containment >= MIN_CONTAINMENT) | (hits >= PARTIAL_MIN_WORDS)
    candidates = touched[keep]
    if not len(candidates):
        return []
    if len(candidates) > MAX_CANDIDATES:
        candidates = _diverse(candidates, hits[keep] * containment[keep], index)
    return _align(candidates, pair_ref, pair_gram, unique, inverse, index)


def _diverse(
    candidates: npt.NDArray[np.intp], strength: npt.NDArray[np.float64], index: LicenseIndex
) -> npt.NDArray[np.intp]:
    """The strongest few candidates of each expression, up to MAX_CANDIDATES in all.

    Hundreds of ScanCode rules are variants of the MIT text; without this, they would crowd
    out the canonical text and every other license in the file.
    """
    kept: list[int] = []
    per_expression: dict[int, int] = {}
    expressions = index.ref_expression[candidates]
    for i in np.argsort(-strength, kind="stable"):
        expression = int(expressions[i])
        seen = per_expression.get(expression, 0)
        if seen < PER_EXPRESSION:
            per_expression[expression] = seen + 1
            kept.append(int(candidates[i]))
            if len(kept) == MAX_CANDIDATES:
                break
    return np.array(kept, dtype=np.intp)


def _align(
    candidates: npt.NDArray[np.intp],
    pair_ref: npt.NDArray[np.int32],
    pair_gram: npt.NDArray[np.intp],
    unique: npt.NDArray[np.uint64],
    inverse: npt.NDArray[np.intp],
    index: LicenseIndex,
) -> list[Match]:
    """Clusters of text positions per candidate, all candidates at once."""
    order = np.argsort(candidates)
    ranked = candidates[order]
    slot = np.minimum(np.searchsorted(ranked, pair_ref), len(ranked) - 1)
    keep = ranked[slot] == pair_ref
    member = np.zeros((len(candidates), len(unique)), dtype=bool)
    member[order[slot[keep]], pair_gram[keep]] = True
    rows, positions = np.nonzero(member[:, inverse])  # sorted by candidate, then position
    new_cluster = np.ones(len(rows), dtype=bool)
    # A long text may have a paragraph inserted: the gap allowed grows with the reference.
    gap = np.maximum(GAP_WORDS, index.ref_words[candidates] // 2)[rows[1:]]
    new_cluster[1:] = (rows[1:] != rows[:-1]) | (np.diff(positions) > gap)
    heads = np.nonzero(new_cluster)[0]
    first = positions[heads]
    last = np.maximum.reduceat(positions, heads)
    count = np.diff(np.append(heads, len(rows)))
    refs = candidates[rows[heads]]
    # Hits over the reference's distinct n-grams. A phrase repeated inside one occurrence can
    # only overstate this slightly; but a cluster longer than its reference may span several
    # copies of a shared text (a file bundling many MIT texts "covers" every MIT variant), so
    # there, and only there (it costs a sort), the distinct n-grams are counted.
    distinct: npt.NDArray[np.int64] = count.astype(np.int64)
    for long in np.nonzero(last - first + 1 > index.ref_words[refs])[0].tolist():
        head = int(heads[long])
        distinct[long] = np.unique(inverse[positions[head : head + int(count[long])]]).size
    coverage = np.minimum(distinct / index.ref_size[refs], 1.0)
    added = 1.0 - count / (last - first + 1)
    out: list[Match] = []
    for i in range(len(heads)):
        match = Match(
            index.refs[int(refs[i])],
            int(first[i]),
            int(last[i]) + NGRAM,
            float(coverage[i]),
            float(added[i]),
        )
        if _acceptable(match):
            out.append(match)
    return out


def _acceptable(match: Match) -> bool:
    ref = match.ref
    needed = max(ref.minimum_coverage / 100, MODIFIED_COVERAGE)
    if ref.kind == "text":
        if match.coverage >= MODIFIED_COVERAGE:
            return True
        return match.coverage * ref.words >= PARTIAL_MIN_WORDS
    if ref.kind in ("reference", "tag"):
        needed = max(needed, CLEAN_COVERAGE)
    return match.coverage >= needed


def _select(candidates: list[Match]) -> list[Match]:
    chosen: list[Match] = []
    taken: list[tuple[int, int]] = []
    for match in sorted(candidates, key=lambda m: (-m.score, -m.coverage, m.start)):
        length = match.end - match.start
        overlap = sum(max(0, min(match.end, e) - max(match.start, s)) for s, e in taken)
        if overlap > MAX_OVERLAP * length:
            continue
        taken.append((match.start, match.end))
        if match.ref.kind != "false-positive":
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _merge_neighbours(matches: list[Match]) -> list[Match]:
    """One match per occurrence: "The MIT License" followed by the MIT text is one finding.

    The merged match keeps the coverage and additions of its largest part, so a modified
    text stays modified whatever title precedes it.
    """
    out: list[Match] = []
    for match in matches:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.ref.expression == match.ref.expression
            and match.start - previous.end <= MERGE_GAP_WORDS
        ):
            main = previous if previous.ref.words >= match.ref.words else match
            out[-1] = Match(
                main.ref, previous.start, max(previous.end, match.end), main.coverage, main.added
            )
        else:
            out.append(match)
    return out
