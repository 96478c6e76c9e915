"""``SPDX-License-Identifier:`` tags in text and code (REUSE / SPDX spec, Annex E).

The expression is parsed and normalised with ``license-expression``: ``GPL-2.0+`` is reported
as ``GPL-2.0-or-later``, ``apache-2.0`` as ``Apache-2.0``. An expression naming licenses the
SPDX list does not know, or one that does not parse, is still reported so a person looks at
it, but as a clue under the asserted threshold (0.5; the policy's ``min_license_confidence``),
never as a known license: ``BSD`` in ``(GPL-2.0+ OR BSD)`` could be any of a dozen BSD
variants, so it becomes ``LicenseRef-scancode-unknown-spdx`` (ScanCode's key for an SPDX id
that is not on the list) and the evidence keeps the tag as written. A tag inside a full license
text (the SHL-2.1 appendix shows one as an example of how to apply the license) is part of that
text, not a declaration: a clue too (see ``fulltext.py``). Nothing is dropped and nothing
crashes the scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from clearance.detectors.base import register
from clearance.detectors.license import fulltext
from clearance.licenses.expressions import normalise_expression, replace_ids
from clearance.model.finding import Finding
from clearance.model.item import Item

_TAG = re.compile(r"SPDX-License-Identifier\s*:[ \t]*(?P<expr>[^\r\n]*)", re.IGNORECASE)
# Comment closers and trailing punctuation that follow a tag in code headers.
_TRAILER = re.compile(r"\s*(?:\*/|-->|--%>|#}|%>|\*+|;)?\s*$")

# The tag is ASCII: a byte test (its usual casings) skips decoding and the regex on the many
# items without one.
_MARKERS = (b"SPDX-License-Identifier", b"spdx-license-identifier", b"SPDX-LICENSE-IDENTIFIER")

CONFIDENCE_VALID = 1.0
#: under 0.5, the threshold at which a license finding is asserted (policy and benchmark)
CONFIDENCE_UNKNOWN_KEY = 0.4
CONFIDENCE_IN_LICENSE_TEXT = 0.3
CONFIDENCE_UNPARSEABLE = 0.2
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"


@register
class SpdxTagDetector(fulltext.ConsultsFullText):
    name = "spdx-tag"
    version = "1.1"
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
            if confidence > CONFIDENCE_IN_LICENSE_TEXT:
                container = fulltext.containing_text(item, match.start(), end)
                if container is not None:
                    confidence, rule = CONFIDENCE_IN_LICENSE_TEXT, "spdx-tag/in-license-text"
                    note = f"{note}; {container.note()}" if note else container.note()
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
        note = (
            f"not on the SPDX list: {', '.join(parsed.unknown_keys)} (reported as {UNKNOWN_SPDX})"
        )
        value = _unknown_as_ref(parsed.expression, frozenset(parsed.unknown_keys))
        return value, CONFIDENCE_UNKNOWN_KEY, "spdx-tag/unknown-license", note
    return parsed.expression, CONFIDENCE_VALID, "spdx-tag", ""


def _unknown_as_ref(expression: str, unknown: frozenset[str]) -> str:
    """``expression`` with each id the SPDX list does not know replaced by ``UNKNOWN_SPDX``
    (``GPL-2.0-or-later OR BSD`` -> ``GPL-2.0-or-later OR LicenseRef-scancode-unknown-spdx``)."""
    parsed = normalise_expression(
        replace_ids(expression, lambda i: UNKNOWN_SPDX if i in unknown else i)
    )
    return parsed.expression if parsed.ok else UNKNOWN_SPDX
