"""``noai`` / ``noimageai`` directives: HTML robots meta tags and ``X-Robots-Tag`` headers.

These are a convention (started by DeviantArt in 2022, unverified here), not a standard:
no RFC or W3C text defines them, so confidence stays below the TDMRep and robots.txt
signals. Both may be scoped to one agent: ``X-Robots-Tag: GPTBot: noai`` or
``<meta name="GPTBot" content="noai">``.
"""

from __future__ import annotations

from collections.abc import Iterator

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.signals.web_agents import ai_agents
from clearance.detectors.signals.web_common import (
    http_headers,
    is_html,
    meta_tags,
    split_directives,
)
from clearance.model.finding import Finding
from clearance.model.item import Item

DIRECTIVES = ("noai", "noimageai")
_MARKERS = (b"noai", b"NOAI", b"NoAI", b"noimageai", b"NOIMAGEAI", b"NoImageAI")
#: directives that take a value after a colon, so "unavailable_after: 2025" is not a scope.
_VALUED = ("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview")


@register
class NoAiDetector(Detector):
    name = "noai"
    version = "1.0"
    description = "noai / noimageai in robots meta tags and X-Robots-Tag headers"
    media_types = ("*",)
    time_budget_s = 5.0

    def configure(self, context: DetectorContext) -> None:
        self.ai_tokens = {a.token.lower(): a.token for a in ai_agents().agents}

    def detect(self, item: Item) -> Iterator[Finding]:
        for name, value in http_headers(item):
            if name == "x-robots-tag":
                scope, directives = self._scoped(value)
                yield from self._emit(
                    item, directives, scope, "x-robots-tag", f"X-Robots-Tag: {value}"
                )
        if is_html(item) and item.may_contain(_MARKERS):
            for name, content, raw in meta_tags(item.data):
                if name == "robots" or name in self.ai_tokens:
                    scope = None if name == "robots" else self.ai_tokens[name]
                    yield from self._emit(item, split_directives(content), scope, "meta", raw)

    def _scoped(self, value: str) -> tuple[str | None, Iterator[str]]:
        head, sep, rest = value.partition(":")
        head = head.strip()
        if sep and head and "," not in head and head.lower() not in _VALUED:
            return head, split_directives(rest)
        return None, split_directives(value)

    def _emit(
        self, item: Item, directives: Iterator[str], scope: str | None, where: str, raw: str
    ) -> Iterator[Finding]:
        for directive in directives:
            if directive not in DIRECTIVES:
                continue
            listed = scope is None or scope.lower() in self.ai_tokens
            yield self.finding(
                item,
                kind="optout",
                value=directive,
                confidence=0.9 if listed else 0.6,
                rule=f"noai/{where}",
                evidence=(f"for {scope}: " if scope else "") + raw[:300],
            )
