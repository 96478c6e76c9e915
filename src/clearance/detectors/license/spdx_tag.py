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

# The tag is ASCII: a byte test (its usual casings) skips decoding and the regex on the many
# items without one.
_MARKERS = (b"SPDX-License-Identifier", b"spdx-license-identifier", b"SPDX-LICENSE-IDENTIFIER")

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
        if not item.may_contain(_MARKERS):
            return
        text = item.text
        for match in _TAG.finditer(text):
            raw = _TRAILER.sub("", match.group("expr")).strip()
            start = match.start("expr")
            end = start + len(raw)
            line = text.count("\n", 0, match.start()) + 1
            evidence = match.group(0).strip()
            value, confidence, rule, note = _classify(raw)
            yield self.finding(
                item,
                kind="license",
                value=value,
                confidence=confidence,
                rule=rule,
                evidence=f"{evidence}  [{note}]" if note else evidence,
                start=start,
                end=end,
                line=line,
            )


def _classify(raw: str) -> tuple[str, float, str, str]:
    """(value, confidence, rule, note) for a tag's expression."""
    parsed = normalise_expression(raw)
    if parsed.error:
        return raw, CONFIDENCE_UNPARSEABLE, "spdx-tag/unparseable", parsed.error
    if parsed.unknown_keys:
        note = f"not on the SPDX list: {', '.join(parsed.unknown_keys)}"
        return parsed.expression, CONFIDENCE_UNKNOWN_KEY, "spdx-tag/unknown-license", note
    return parsed.expression, CONFIDENCE_VALID, "spdx-tag", ""
