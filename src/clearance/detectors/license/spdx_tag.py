"""``SPDX-License-Identifier:`` tags in text and code (REUSE / SPDX spec, Annex E).

The expression is parsed and normalised with ``license-expression``: ``GPL-2.0+`` is reported
as ``GPL-2.0-or-later``, ``apache-2.0`` as ``Apache-2.0``. An expression naming licenses the
SPDX list does not know, or one that does not parse, is still reported (low confidence) so a
person looks at it: it is never dropped and never crashes the scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from clearance.detectors.base import Detector, register
from clearance.licenses.expressions import normalise_expression
from clearance.model.finding import Finding
from clearance.model.item import Item

_TAG = re.compile(r"SPDX-License-Identifier\s*:[ \t]*(?P<expr>[^\r\n]*)", re.IGNORECASE)
# Comment closers and trailing punctuation that follow a tag in code headers.
_TRAILER = re.compile(r"\s*(?:\*/|-->|--%>|#}|%>|\*+|;)?\s*$")

CONFIDENCE_VALID = 1.0
CONFIDENCE_UNKNOWN_KEY = 0.5
CONFIDENCE_UNPARSEABLE = 0.2


@register
class SpdxTagDetector(Detector):
    name = "spdx-tag"
    version = "1.0"
    description = "SPDX-License-Identifier tags, normalised with license-expression"
    media_types = ("text-like",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        text = item.text
        if not _has_tag(text):
            return
        for match in _TAG.finditer(text):
            raw = _TRAILER.sub("", match.group("expr")).strip()
            start = match.start("expr")
            end = start + len(raw)
            line = text.count("\n", 0, match.start()) + 1
            evidence = match.group(0).strip()
            parsed = normalise_expression(raw)
            if parsed.error:
                yield self.finding(
                    item,
                    kind="license",
                    value=raw,
                    confidence=CONFIDENCE_UNPARSEABLE,
                    rule="spdx-tag/unparseable",
                    evidence=f"{evidence}  [{parsed.error}]",
                    start=start,
                    end=end,
                    line=line,
                )
            elif parsed.unknown_keys:
                unknown = ", ".join(parsed.unknown_keys)
                yield self.finding(
                    item,
                    kind="license",
                    value=parsed.expression,
                    confidence=CONFIDENCE_UNKNOWN_KEY,
                    rule="spdx-tag/unknown-license",
                    evidence=f"{evidence}  [not on the SPDX list: {unknown}]",
                    start=start,
                    end=end,
                    line=line,
                )
            else:
                yield self.finding(
                    item,
                    kind="license",
                    value=parsed.expression,
                    confidence=CONFIDENCE_VALID,
                    rule="spdx-tag",
                    evidence=evidence,
                    start=start,
                    end=end,
                    line=line,
                )


def _has_tag(text: str) -> bool:
    # A plain substring test is ~50x cheaper than the regex on the many items without a tag.
    return "SPDX-License-Identifier" in text or "spdx-license-identifier" in text.lower()
