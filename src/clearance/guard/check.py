"""Screen one model output: verbatim spans from the index, plus registered detectors.

Every n-gram of the output (stride 1) is looked up; the index holds every ``stride``-th
n-gram of each protected document, so a shared run of ``n + stride - 1`` words always hits.
Hits are chained per source document, bridging up to ``max_gap_words`` unmatched words
(a substituted word breaks the n n-grams around it), and overlapping chains become one
span that names its documents. A span is a lower bound of the copied run: the index cannot
see up to ``stride - 1`` copied words beyond the outermost stored n-grams.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from clearance.detectors.base import Detector, instantiate, registry, resolve
from clearance.guard.claims import Claim, ClaimsChecker
from clearance.guard.hashing import gram_hashes, number_grams, word_hashes_at
from clearance.guard.index import Manifest, Segment, open_allow
from clearance.guard.normalize import units_with_offsets
from clearance.guard.packed import PackedKeys, truncate
from clearance.guard.policy import VERDICT_ORDER, Policy, VerdictName
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

#: detectors run on outputs by default, when registered (the PII branch registers pii-text).
DEFAULT_DETECTORS: Final = ("pii-text", "trademark")
#: longest output checked, in characters; longer text is checked up to here and flagged.
MAX_CHECK_CHARS: Final = 2_000_000
EXCERPT_CHARS: Final = 300


def default_detectors() -> tuple[str, ...]:
    available = registry()
    return tuple(n for n in DEFAULT_DETECTORS if n in available)


@dataclass(frozen=True)
class SourceMatch:
    source: str
    item_id: str
    uri: str
    matched_words: int


@dataclass(frozen=True)
class Span:
    """A run of the output found in protected text. Offsets: characters, end exclusive."""

    start: int
    end: int
    word_start: int
    word_end: int
    matched_words: int
    verdict: VerdictName
    text: str
    sources: tuple[SourceMatch, ...]

    @property
    def chars(self) -> int:
        return self.end - self.start

    @property
    def words(self) -> int:
        return self.word_end - self.word_start

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["chars"], data["words"] = self.chars, self.words
        return data


@dataclass(frozen=True)
class Verdict:
    verdict: VerdictName
    spans: tuple[Span, ...]
    findings: tuple[Finding, ...] = ()
    reasons: tuple[str, ...] = ()
    words: int = 0
    seconds: float = 0.0
    claims: tuple[Claim, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "spans": [s.to_json() for s in self.spans],
            "findings": [f.to_row() for f in self.findings],
            "claims": [c.to_json() for c in self.claims],
            "words": self.words,
            "ms": round(self.seconds * 1000, 3),
        }


@dataclass
class Guard:
    """An opened index plus a policy and output detectors. Thread-safe for ``check``."""

    index: Path
    manifest: Manifest
    segments: list[Segment]
    allow: PackedKeys | None
    policy: Policy = field(default_factory=lambda: Policy())
    detectors: list[Detector] = field(default_factory=list)
    claims: ClaimsChecker | None = None

    @classmethod
    def open(
        cls,
        index: str | Path,
        *,
        policy: Policy | None = None,
        detectors: Sequence[str] | None = None,
        in_memory: bool = False,
        claims: ClaimsChecker | None = None,
    ) -> Guard:
        """Open ``index``; ``detectors`` None means the registered defaults (see above);
        ``claims`` adds the claims check (statements about named persons/organisations)."""
        path = Path(index)
        manifest = Manifest.read(path)
        segments = [
            Segment.open(path / str(s["name"]), in_memory=in_memory) for s in manifest.segments
        ]
        names = default_detectors() if detectors is None else tuple(resolve(detectors))
        item_level, run_level = instantiate(names)
        if run_level:
            raise ConfigError(
                f"run-level detector(s) cannot screen one output: "
                f"{', '.join(d.name for d in run_level)}"
            )
        allow = open_allow(path, in_memory=in_memory)
        return cls(
            index=path,
            manifest=manifest,
            segments=segments,
            allow=allow,
            policy=policy or Policy(),
            detectors=item_level,
            claims=claims,
        )

    def check(self, text: str, *, output_id: str = "output") -> Verdict:
        started = time.perf_counter()
        reasons: list[str] = []
        if len(text) > MAX_CHECK_CHARS:
            reasons.append(f"output longer than {MAX_CHECK_CHARS:,} characters: checked the start")
            text = text[:MAX_CHECK_CHARS]
        units = units_with_offsets(text, self.manifest.params.mode)
        spans = self._spans(text, units.data, units.starts, units.ends)
        findings = self._detect(text, output_id)
        claims = self._claims(text, findings, output_id)
        verdict: VerdictName = "review" if reasons else "pass"
        for span in spans:
            verdict = _worst(verdict, span.verdict)
        if spans:
            longest = max(spans, key=lambda s: s.chars)
            reasons.append(
                f"{len(spans)} span(s) found in protected text; longest {longest.words} words, "
                f"{longest.chars} characters"
            )
        if findings:
            kinds = sorted({f.kind for f in findings})
            reasons.append(f"{len(findings)} detector finding(s): {', '.join(kinds)}")
            verdict = _worst(verdict, self.policy.detector_findings)
        for claim in claims:
            verdict = _worst(verdict, claim.verdict)  # type: ignore[arg-type]
        flagged = [c for c in claims if c.verdict != "pass"]
        if flagged:
            cats = sorted({c.category for c in flagged})
            reasons.append(
                f"{len(flagged)} claim(s) about named persons/organisations to "
                f"{_worst_of(flagged)}: {', '.join(cats)}"
            )
        return Verdict(
            verdict=verdict,
            spans=tuple(spans),
            findings=tuple(findings),
            reasons=tuple(reasons),
            words=int(units.starts.size),
            seconds=time.perf_counter() - started,
            claims=tuple(claims),
        )

    def _spans(
        self,
        text: str,
        data: bytes,
        starts: npt.NDArray[np.int64],
        ends: npt.NDArray[np.int64],
    ) -> list[Span]:
        n = self.manifest.params.n
        words, _, numeric = word_hashes_at(data)
        grams = gram_hashes(words, n)
        if grams.size == 0:
            return []
        # sorted needles: each binary search starts where the last one ended (cache-friendly);
        # all-number n-grams are never stored, so never looked up
        order = np.flatnonzero(~number_grams(numeric, n))
        order = order[np.argsort(grams[order])]
        needles = truncate(grams[order])
        chains: list[tuple[int, int, int, tuple[int, int]]] = []  # start, end, matched, doc
        for number, segment in enumerate(self.segments):
            found, docs = segment.lookup(needles)
            if found.size and self.allow is not None:  # only asked about hits
                keep = ~self.allow.contains(needles[found])
                found, docs = found[keep], docs[keep]
            if found.size == 0:
                continue
            which = order[found]
            order = np.lexsort((which, docs))
            for doc, positions in _group(docs[order], which[order]):
                chains.extend(
                    (a, b, m, (number, doc))
                    for a, b, m in _chain(positions, n, self.policy.max_gap_words)
                )
        return self._merge(text, chains, starts, ends)

    def _merge(
        self,
        text: str,
        chains: list[tuple[int, int, int, tuple[int, int]]],
        starts: npt.NDArray[np.int64],
        ends: npt.NDArray[np.int64],
    ) -> list[Span]:
        spans: list[Span] = []
        chains.sort()
        i = 0
        while i < len(chains):
            a, b, _, _ = chains[i]
            members = [chains[i]]
            i += 1
            while i < len(chains) and chains[i][0] < b:
                b = max(b, chains[i][1])
                members.append(chains[i])
                i += 1
            start, end = int(starts[a]), int(ends[b - 1])
            best = sorted(members, key=lambda c: (-c[2], c[3]))[: self.policy.max_sources]
            excerpt = text[start:end]
            if len(excerpt) > EXCERPT_CHARS:
                excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
            spans.append(
                Span(
                    start=start,
                    end=end,
                    word_start=a,
                    word_end=b,
                    matched_words=max(m for _, _, m, _ in members),
                    verdict=self.policy.span_verdict(b - a, end - start),
                    text=excerpt,
                    sources=tuple(self._source(doc, m) for _, _, m, doc in best),
                )
            )
        return spans

    def _source(self, doc: tuple[int, int], matched: int) -> SourceMatch:
        ref = self.segments[doc[0]].documents[doc[1]]
        return SourceMatch(ref.source, ref.item_id, ref.uri, matched)

    def _detect(self, text: str, output_id: str) -> list[Finding]:
        if not self.detectors:
            return []
        data = text.encode("utf-8", "surrogatepass")
        item = Item.from_text(
            source="output", locator=output_id, uri=f"output:{output_id}", text=text, data=data
        )
        found: list[Finding] = []
        for detector in self.detectors:
            if not detector.handles(item):
                continue
            try:
                found.extend(detector.detect(item))
            except Exception as exc:  # a detector bug must not hide the verbatim verdict
                found.append(
                    error_finding(
                        item.item_id,
                        "detector-failed",
                        f"{type(exc).__name__}: {exc}",
                        detector=detector.name,
                    )
                )
        return found

    def _claims(self, text: str, findings: list[Finding], output_id: str) -> list[Claim]:
        if self.claims is None:
            return []
        try:
            ran = [d.name for d in self.detectors]  # their findings are reused, not redone
            return self.claims.check(text, findings=findings, output_id=output_id, ran=ran)
        except Exception as exc:  # a rules bug must not hide the other checks: review
            findings.append(
                error_finding(
                    f"output:{output_id}",
                    "claims-failed",
                    f"{type(exc).__name__}: {exc}",
                    detector="claims",
                )
            )
            return []

    def check_many(self, records: Iterable[tuple[str, str]]) -> Iterable[tuple[str, Verdict]]:
        for output_id, text in records:
            yield output_id, self.check(text, output_id=output_id)


def _worst(a: VerdictName, b: VerdictName) -> VerdictName:
    return a if VERDICT_ORDER[a] >= VERDICT_ORDER[b] else b


def _worst_of(claims: list[Claim]) -> str:
    return max((c.verdict for c in claims), key=VERDICT_ORDER.__getitem__)


def _group(
    docs: npt.NDArray[np.int64], positions: npt.NDArray[np.int64]
) -> Iterable[tuple[int, npt.NDArray[np.int64]]]:
    """(doc, sorted positions) per document, from arrays sorted by (doc, position)."""
    cuts = np.flatnonzero(np.diff(docs)) + 1
    for part_docs, part in zip(np.split(docs, cuts), np.split(positions, cuts), strict=True):
        yield int(part_docs[0]), part


def _chain(positions: npt.NDArray[np.int64], n: int, gap: int) -> list[tuple[int, int, int]]:
    """Word spans [start, end) covered by n-gram hits at ``positions`` (sorted), bridging gaps
    of up to ``gap`` uncovered words; with the number of words actually covered by hits."""
    out: list[tuple[int, int, int]] = []
    begin = int(positions[0])
    end = begin + n
    matched = n
    for p in positions[1:].tolist():
        if p <= end + gap:
            matched += min(n, p + n - end) if p + n > end else 0
            end = max(end, p + n)
        else:
            out.append((begin, end, matched))
            begin, end, matched = p, p + n, n
    out.append((begin, end, matched))
    return out
