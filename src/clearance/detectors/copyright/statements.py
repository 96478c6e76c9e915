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
from clearance.model.finding import Finding
from clearance.model.item import Item

_YEARS = r"(?:(?:19|20)\d{2}(?:\s*(?:-|\u2013|,|to)\s*(?:(?:19|20)\d{2}|present))*)"
_SIGN = r"(?:©|\(c\)|&copy;|&#169;)"
_STATEMENT = re.compile(
    rf"(?:SPDX-FileCopyrightText:\s*(?:{_SIGN}\s*)?|\bcopyright\b\s*(?:{_SIGN}\s*)?(?={_YEARS}|{_SIGN})"
    rf"|\bcopyright\b\s*{_SIGN}\s*|{_SIGN}\s*(?=(?:19|20)\d{{2}})|(?:©|&copy;|&#169;)\s*(?=(?-i:[A-Z])))"
    rf"(?P<years>{_YEARS})?[\s,.]*(?P<holder>[^\r\n]*)",
    re.IGNORECASE,
)
_RESERVED = re.compile(r"\b(?:all\s+rights\s+reserved|rights\s+reserved\s+by)\b", re.IGNORECASE)
# What ends a holder name: the reserved-rights phrase, a licence sentence, or a comment closer.
_HOLDER_END = re.compile(
    r"\s*(?:[.;]?\s*all\s+rights\s+reserved.*|\.\s+(?:licensed|released|this|see|permission)\b.*"
    r"|,?\s*(?:CC[- ]BY|CC0|licen[sc]ed\b|under\b).*"
    r"|</?[a-z][^>]*>.*|\*/.*|-->.*|\s{3,}.*|[<(][^>)]*@[^>)]*[>)].*)$",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(r"\b(?:Inc|Ltd|Co|Corp|LLC|GmbH|S\.A|Pty|L\.P)\.$", re.IGNORECASE)
_MARKERS = ("copyright", "©", "(c)", "&copy;", "&#169;", "rights reserved")


@register
class CopyrightDetector(Detector):
    name = "copyright"
    version = "1.0"
    description = "copyright statements with holder and years; 'All rights reserved' notices"
    media_types = ("text-like",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        lowered = item.data.lower()
        if not any(m.encode() in lowered for m in _MARKERS):
            return
        text = item.text
        for line_no, (offset, line) in enumerate(_lines(text), start=1):
            found = False
            for match in _STATEMENT.finditer(line):
                holder = _clean_holder(match.group("holder"))
                years = (match.group("years") or "").strip()
                if not holder and not years:
                    continue
                found = True
                note = f"  [years: {years}]" if years else ""
                yield self.finding(
                    item,
                    kind="copyright",
                    value=holder or "(holder not named)",
                    confidence=0.95 if holder and years else 0.8,
                    rule="copyright/statement",
                    evidence=line.strip() + note,
                    start=offset + match.start(),
                    end=offset + match.end(),
                    line=line_no,
                )
            reserved = _RESERVED.search(line)
            if reserved and not found:
                yield self.finding(
                    item,
                    kind="copyright",
                    value="all-rights-reserved",
                    confidence=0.9,
                    rule="copyright/rights-reserved",
                    evidence=line.strip(),
                    start=offset + reserved.start(),
                    end=offset + reserved.end(),
                    line=line_no,
                )


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def _clean_holder(raw: str) -> str:
    holder = _HOLDER_END.sub("", raw).strip()
    holder = re.sub(r"^by\s+", "", holder, flags=re.IGNORECASE).strip(" \t*#/,;:-")
    if holder.endswith(".") and not _ABBREVIATION.search(holder):
        holder = holder[:-1]
    return holder.strip()
