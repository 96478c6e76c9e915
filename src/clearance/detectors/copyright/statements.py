"""Copyright statements: ``Copyright (c) 2014-2017 Jane Doe``, ``© 2024 Example Press Ltd.``,
``SPDX-FileCopyrightText: 2021 Someone``, and standalone ``All rights reserved`` notices.

Precision first: a line counts as a statement only when the word *Copyright* (or the SPDX
``FileCopyrightText`` tag) is followed by a year or a © / (c) sign, or a © sign is followed by
a year or holder. Prose about copyright ("copyright law", "the copyright holders") has neither
and is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from clearance.detectors.base import Detector, register
from clearance.detectors.lines import LineCounter
from clearance.model.finding import Finding
from clearance.model.item import Item

_SP = r"[ \t]*"  # never \s: a statement must not run across a line break
_YEARS = rf"(?:(?:19|20)\d{{2}}(?:{_SP}(?:-|\u2013|,|to){_SP}(?:(?:19|20)\d{{2}}|present))*)"
_SIGN = r"(?:©|\(c\)|&copy;|&#169;)"
_STATEMENT = re.compile(
    rf"(?:SPDX-FileCopyrightText:{_SP}(?:{_SIGN}{_SP})?"
    rf"|\bcopyright\b{_SP}(?:{_SIGN}{_SP})?(?={_YEARS}|{_SIGN})"
    rf"|\bcopyright\b{_SP}{_SIGN}{_SP}"
    rf"|{_SIGN}{_SP}(?=(?:19|20)\d{{2}})"
    rf"|(?:©|&copy;|&#169;){_SP}(?=(?-i:[A-Z])))"
    rf"(?P<years>{_YEARS})?[ \t,.]*(?P<holder>[^\r\n]*)",
    re.IGNORECASE,
)
_RESERVED = re.compile(
    r"\b(?:all[ \t]+rights[ \t]+reserved|rights[ \t]+reserved[ \t]+by)\b", re.IGNORECASE
)
# What ends a holder name: the reserved-rights phrase, a licence sentence, or a comment closer.
_HOLDER_END = re.compile(
    r"\s*(?:[.;]?\s*all\s+rights\s+reserved.*|\.\s+(?:licensed|released|this|see|permission)\b.*"
    r"|,?\s*(?:CC[- ]BY|CC0|licen[sc]ed\b|under\b).*"
    r"|</?[a-z][^>]*>.*|\*/.*|-->.*|\s{3,}.*|[<(][^>)]*@[^>)]*[>)].*)$",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(r"\b(?:Inc|Ltd|Co|Corp|LLC|GmbH|S\.A|Pty|L\.P)\.$", re.IGNORECASE)
# Byte-level pre-check, no lower-casing (measured fastest): most items have none of these.
# Mixed-case spellings such as "CopyRight" are missed by design.
_MARKERS = (
    b"opyright",
    b"OPYRIGHT",
    "©".encode(),
    b"(c)",
    b"(C)",
    b"&copy;",
    b"&#169;",
    b"ights reserved",
    b"ights Reserved",
    b"IGHTS RESERVED",
)


@register
class CopyrightDetector(Detector):
    name = "copyright"
    version = "1.1"
    description = "copyright statements with holder and years; 'All rights reserved' notices"
    media_types = ("text-like",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        if not item.may_contain(_MARKERS):
            return
        text = item.text
        # One pass of each pattern over the whole text (a per-line loop costs ~3x more).
        lines = _LineIndex(text)
        statement_lines: set[int] = set()
        for match in _STATEMENT.finditer(text):
            if _PLACEHOLDER.search(match.group(0)):
                continue
            holder = _clean_holder(match.group("holder"))
            years = (match.group("years") or "").strip()
            if not holder and not years:
                continue
            line_no, line = lines.at(match.start())
            statement_lines.add(line_no)
            note = f"  [years: {years}]" if years else ""
            yield self.finding(
                item,
                kind="copyright",
                value=holder or "(holder not named)",
                confidence=0.95 if holder and years else 0.8,
                rule="copyright/statement",
                evidence=line.strip() + note,
                start=match.start(),
                end=match.end(),
                line=line_no,
            )
        for reserved in _RESERVED.finditer(text):
            line_no, line = lines.at(reserved.start())
            if line_no in statement_lines:
                continue
            statement_lines.add(line_no)
            yield self.finding(
                item,
                kind="copyright",
                value="all-rights-reserved",
                confidence=0.9,
                rule="copyright/rights-reserved",
                evidence=line.strip(),
                start=reserved.start(),
                end=reserved.end(),
                line=line_no,
            )


class _LineIndex(LineCounter):
    """Line number and text at an offset, for matches that arrive in increasing order."""

    def at(self, offset: int) -> tuple[int, str]:
        line = self.line_at(offset)
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return line, self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")


# Signs and years left in front of a holder ("Copyright (c) James Graham"), and years, URLs
# or a cut "All rights" after it ("GMV 1991", "Lawrence E. Rosen. All rights").
_LEADING = re.compile(rf"^(?:(?:{_SIGN}|by\b)[ \t,.]*|{_YEARS}[ \t,.]*)+", re.IGNORECASE)
_TRAILING = re.compile(
    rf"(?:[ \t,.]+(?:{_YEARS}|all[ \t]+rights)[.,]?|[ \t,]*<?(?:https?://|www\.)\S*)+$",
    re.IGNORECASE,
)
# Template notices in license texts ("Copyright [yyyy] [name of copyright owner]") claim
# nothing: they tell the licensee what to write.
_PLACEHOLDER = re.compile(
    r"\b(?:yyyy|your name|name of (?:the )?copyright (?:owner|holder)|year,? your name)|"
    r"<(?:insert|year|name|owner|author)[^>]*>|\[(?:insert|(?:copyright )?year|name|fullname|"
    r"owner)[^\]]*\]|\{(?:year|name|owner)[^}]*\}",
    re.IGNORECASE,
)


def _clean_holder(raw: str) -> str:
    holder = _HOLDER_END.sub("", raw).strip()
    holder = _LEADING.sub("", holder)
    holder = _TRAILING.sub("", holder).strip(" \t*#/,;:-")
    if holder.endswith(".") and not _ABBREVIATION.search(holder):
        holder = holder[:-1]
    return holder.strip()
