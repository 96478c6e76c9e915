"""Where an item holds a full license text: shared by the license detectors.

A license text often contains other license signals that belong to the text, not to the item:
the SHL-2.1 appendix shows ``SPDX-License-Identifier: Apache-2.0 WITH SHL-2.1`` as an example,
the GPL Cooperation Commitment ends with the CC-BY-SA-4.0 URL of its own wording. Reported as
licenses of the item, they would AND a second license onto one the file does not declare. The
tag and URL detectors ask here whether a hit lies inside a full license text and, if so,
report it as a clue (ScanCode likewise drops matches contained in a larger license match).

The matches are computed once per item and shared with ``license-text`` (which runs first by
default), so asking costs nothing when both detectors run.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from clearance.detectors.base import Detector, DetectorContext
from clearance.detectors.license.textmatch import index as license_index
from clearance.detectors.license.textmatch.match import TextMatch, find
from clearance.licenses.expressions import license_ids, normalise_expression
from clearance.model.item import Item

_MEMO: weakref.WeakKeyDictionary[Item, tuple[TextMatch, ...]] = weakref.WeakKeyDictionary()


def matches(item: Item, index: license_index.LicenseIndex | None = None) -> tuple[TextMatch, ...]:
    """``find(item.text)`` against the installed index, once per item (memoised weakly; two
    threads asking at once at worst both compute it)."""
    cached = _MEMO.get(item)
    if cached is None:
        cached = _MEMO[item] = tuple(find(item.text, index or license_index.load()))
    return cached


class ConsultsFullText(Detector):
    """A detector that asks ``containing_text``/``containing_choice``. The license-text index
    behind them is built on first use (tens of seconds on a new machine, then cached on
    disk): it is loaded when the detector is configured, not under the first item's time
    budget, which cut every cold build short (a timeout per item, and no index)."""

    def configure(self, context: DetectorContext) -> None:
        license_index.load()


@dataclass(frozen=True)
class Container:
    """A full license text around a span: its expression and reference name."""

    expression: str
    reference: str

    def note(self) -> str:
        return (
            f"inside the {self.expression} license text ({self.reference}): part of that text,"
            " not a license of the item"
        )


def containing_text(item: Item, start: int, end: int) -> Container | None:
    """The full license text (a clean or modified match of a license text) whose span holds
    ``[start, end)`` after its first character, or None. A span starts and ends at words of
    the reference, so a tag or URL before or after a license text is outside it (a match may
    take in the last word of a tag right before the text: callers pass the tag's start)."""
    for found in matches(item):
        match = found.match
        if match.ref.kind != "text" or match.status == "partial":
            continue
        if found.start < start and end <= found.end:
            expression = normalise_expression(match.ref.expression).expression
            return Container(expression, match.ref.name)
    return None


def containing_choice(item: Item, start: int, end: int, spdx: str) -> Container | None:
    """A license match (a notice, reference or text) around ``[start, end)`` whose expression
    offers ``spdx`` as one option of a choice ("dual-licensed under CC0 and the MIT license.
    ... see https://creativecommons.org/publicdomain/zero/1.0/" is CC0-1.0 OR MIT): the URL
    names one option, it does not add a license. None when there is no such match."""
    for found in matches(item):
        if found.match.status == "partial" or not (found.start < start and end <= found.end):
            continue
        expression = normalise_expression(found.match.ref.expression).expression
        if " OR " in expression and spdx in license_ids(expression):
            return Container(expression, found.match.ref.name)
    return None
