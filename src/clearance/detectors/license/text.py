"""License texts, notices, references and tags in any text or code item.

The matching engine is ours (``textmatch``); the references are the ScanCode LicenseDB texts
and rules (CC-BY-4.0), installed with ``licensedcode-data``. Each finding gives the SPDX
expression, the reference it matched, how much of it was found and how much was added:
a modified or partial license text is reported as such (rule ``.../modified``,
``.../partial``) with lower confidence, never as the clean license.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.license import fulltext, prose
from clearance.detectors.license.cc_url import CC_URL, cc_license_id
from clearance.detectors.license.textmatch import anchors
from clearance.detectors.license.textmatch import index as license_index
from clearance.detectors.license.textmatch.match import TextMatch
from clearance.licenses.expressions import license_ids, normalise_expression
from clearance.model.finding import Finding
from clearance.model.item import Item

# Most items contain no license: an item none of whose words is an anchor of the index (a word
# every license reference holds one of, see ``textmatch/anchors.py``) is skipped before it is
# decoded. Items this short are always matched: a bare license id or URL costs microseconds.
SHORT_ITEM_BYTES = 64
KIND_WEIGHT = {"text": 1.0, "notice": 0.95, "tag": 0.9, "reference": 0.85}
#: a reference of 2, 3 or 4 words without a version or the word "license" ("the GPL",
#: "BSD style") is a clue more than a grant; "agpl v3" or "curl License" name one license.
SHORT_REFERENCE_WEIGHT = {2: 0.45, 3: 0.6, 4: 0.75}
EVIDENCE_CHARS = 240
#: a short reference in the middle of prose ("compares the GPL and the MIT license") only
#: mentions a license (``prose.mentioned``)
MENTION_WEIGHT = 0.5
#: confidence of a clean match that is the item's only content
WHOLE_ITEM = 0.6
#: a catch-all reference ("dual licensed", "see the license file": ScanCode's
#: unknown-license-reference and other generic keys) beside a specific license asserted in the
#: same item most likely points at that license: a clue, under the asserted threshold (0.5).
GENERIC_BESIDE_SPECIFIC = 0.4
ASSERTED = 0.5
_WORDY = re.compile(r"[^\W_]")
_UNPORTED_CC = re.compile(r"CC-[A-Z]+(?:-[A-Z]+)*-\d\.\d")


@register
class LicenseTextDetector(Detector):
    name = "license-text"
    version = "1.3"
    description = (
        "license texts, notices, references and tags (ScanCode LicenseDB references, "
        "our matcher); modified and partial texts reported as such"
    )
    media_types = ("text-like",)
    time_budget_s = 20.0

    def configure(self, context: DetectorContext) -> None:
        # Builds the index on first use on this machine (~10 s), then memory-loads it.
        self._index = license_index.load()
        self._anchors = anchors.byte_anchors(self._index.anchors)
        self._wide_anchors = any(not a.isascii() for a in self._index.anchors)
        self._generic = {key.lower() for key in self._index.generic}
        self._generic_cache: dict[str, bool] = {}

    def detect(self, item: Item) -> Iterator[Finding]:
        if not self._may_match(item):
            return
        text = item.text
        findings = [
            self._finding(item, text, found) for found in fulltext.matches(item, self._index)
        ]
        yield from self._demote_generic(findings)

    def _may_match(self, item: Item) -> bool:
        data = item.data
        if len(data) <= SHORT_ITEM_BYTES or item.may_contain(()):  # short, or UTF-16
            return True
        if anchors.may_match(data, self._anchors):
            return True
        if data.isascii() or not self._wide_anchors:
            return False
        # Words with non-ASCII letters ("ライセンス") are anchors too; decode and look.
        return not self._index.anchors.isdisjoint(license_index.words(item.text))

    def _is_generic(self, expression: str) -> bool:
        known = self._generic_cache.get(expression)
        if known is None:
            ids = license_ids(expression)
            known = bool(ids) and all(i.lower() in self._generic for i in ids)
            self._generic_cache[expression] = known
        return known

    def _demote_generic(self, findings: list[Finding]) -> list[Finding]:
        """Generic references become clues when a specific license is asserted beside them
        (a generic full text or notice, such as a proprietary notice, stays as it is)."""
        if len(findings) < 2:
            return findings
        generic = [self._is_generic(f.value) for f in findings]
        if not any(generic):
            return findings
        specific = [
            f.value
            for f, g in zip(findings, generic, strict=True)
            if not g and f.confidence >= ASSERTED
        ]
        if not specific:
            return findings
        out = []
        for f, g in zip(findings, generic, strict=True):
            if (
                g
                and f.confidence > GENERIC_BESIDE_SPECIFIC
                and f.rule.split("/")[1] in ("reference", "tag")
            ):
                note = f"a generic reference beside {specific[0]} in the same item: a clue"
                f = replace(
                    f,
                    confidence=GENERIC_BESIDE_SPECIFIC,
                    rule=f"{f.rule}/generic",
                    evidence=f"{f.evidence}  [{note}]",
                )
            out.append(f)
        return out

    def _finding(self, item: Item, text: str, found: TextMatch) -> Finding:
        match = found.match
        ref = match.ref
        parsed = normalise_expression(ref.expression)
        status = match.status
        rule = f"license-text/{ref.kind}" + ("" if status == "clean" else f"/{status}")
        confidence = KIND_WEIGHT.get(ref.kind, 0.8) * ref.relevance / 100
        if ref.kind == "reference" and not ref.specific:
            confidence *= SHORT_REFERENCE_WEIGHT.get(ref.words, 1.0)
        short = ref.kind in ("reference", "notice") and ref.words < license_index.NGRAM
        whole = status == "clean" and _whole_item(text, found)
        if whole:
            # Nothing but a license name, id or URL ("WTFPL", "the GPL" as a LICENSE file):
            # the item declares it, whatever the words would weigh inside prose.
            confidence = max(KIND_WEIGHT.get(ref.kind, 0.8) * ref.relevance / 100, WHOLE_ITEM)
        elif short and prose.mentioned(text, found.start):
            confidence *= MENTION_WEIGHT
        if status == "modified":
            confidence *= 0.6 * match.coverage
        elif status == "partial":
            confidence *= 0.3
        snippet = " ".join(text[found.start : found.end].split())
        if len(snippet) > EVIDENCE_CHARS:
            snippet = snippet[: EVIDENCE_CHARS - 3] + "..."
        note = f"{ref.name}: {match.coverage:.0%} of the reference found, {match.added:.0%} added"
        value = parsed.expression
        ported = _cc_port(value, text[found.start : found.end])
        if ported:
            note += f"; {ported}: the port its URL names"
            value = ported
        return self.finding(
            item,
            kind="license",
            value=value,
            confidence=round(confidence, 3),
            rule=rule,
            evidence=f"{snippet}  [{note}]",
            start=found.start,
            end=found.end,
            line=text.count("\n", 0, found.start) + 1,
        )


def _whole_item(text: str, found: TextMatch) -> bool:
    """True when the match is all the item's words (punctuation and spaces aside)."""
    return not _WORDY.search(text, 0, found.start) and not _WORDY.search(text, found.end)


def _cc_port(expression: str, matched: str) -> str | None:
    """The ported CC license (``CC-BY-3.0-US``) a match of the unported one names by URL.

    ScanCode's rules map several port URLs to the unported license ("Creative Commons
    Attribution 3.0 United States License" with ``/licenses/by/3.0/us/`` as CC-BY-3.0); the
    port is a different legal text, and ``cc-url`` reports it, so both agree on it here.
    """
    if not expression.startswith("CC-") or not _UNPORTED_CC.fullmatch(expression):
        return None
    if "creativecommons" not in matched.lower():
        return None
    ports = set()
    for url in CC_URL.finditer(matched):
        spdx, note = cc_license_id(url)
        if not note and spdx.startswith(expression + "-"):
            ports.add(spdx)
    return ports.pop() if len(ports) == 1 else None
