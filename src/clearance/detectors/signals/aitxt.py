"""Spawning's ``/ai.txt``: robots.txt grammar saying which files may be used for AI training.

Format as published by Spawning's generator (e.g. ai-robots-txt/ai.robots.txt ``ai.txt``:
``User-Agent: *`` then ``Disallow:`` lines, with extension patterns such as ``*.jpg``).
Other files named ai.txt (Markdown policies) are not in this grammar and are ignored.
Matching reuses the robots.txt engine (protego); every group in an ai.txt is about AI use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.signals.robots import RobotsRules, parse_cached
from clearance.detectors.signals.web_agents import AiAgent, ai_agents
from clearance.detectors.signals.web_common import split_web_url, web_url
from clearance.detectors.signals.web_sitefiles import SiteIndex
from clearance.model.finding import Finding
from clearance.model.item import Item

_ROBOTS_GRAMMAR = re.compile(rb"(?im)^\s*user[- ]?agent\s*:")
_ANY = AiAgent(token="*", operator="any", purpose="training", function="", docs=None)


@register
class AiTxtDetector(Detector):
    name = "ai-txt"
    version = "1.0"
    description = "Spawning ai.txt disallows (robots grammar) for the item's URL"
    media_types = ("*",)
    time_budget_s = 5.0

    def configure(self, context: DetectorContext) -> None:
        self.index = SiteIndex.for_context(context)
        self.agents = (*ai_agents().agents, _ANY)
        self._parsed: dict[tuple[str, str, str | None], RobotsRules] = {}

    def detect(self, item: Item) -> Iterator[Finding]:
        url = web_url(item)
        if url is None:
            return
        host, path = split_web_url(url)
        if host is None or path == "/ai.txt":
            return
        capture = self.index.lookup(host, "aitxt", item.meta.get("warc_date"))
        if capture is None or not 200 <= capture.status < 300:
            return
        if not _ROBOTS_GRAMMAR.search(capture.body):
            return  # another format named ai.txt: not a Spawning file
        for block in parse_cached(self._parsed, capture, self.agents).blocks(url):
            tokens = [a.token for a in block.agents if a is not _ANY]
            value = "ai.txt:*" if block.group == "*" else f"ai.txt:{tokens[0]}"
            yield self.finding(
                item,
                kind="optout",
                value=value,
                confidence=0.9,
                rule="ai-txt/disallow",
                evidence=f"{block.evidence} in {capture.describe()}",
            )
