"""robots.txt rules for AI crawlers: is this page's URL disallowed to GPTBot, CCBot, ...?

Parsing and matching are protego's (RFC 9309 longest match, wildcards, ``$``, typo-tolerant
directives). For the evidence we name the deciding group and rule, which protego does not
expose: ``_deciding_rule`` reads its rule set (pinned ``protego>=0.4,<0.8``; a test fails if
that changes). Each robots.txt is parsed once per process and host (see ``web_sitefiles``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from protego import Protego

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.signals.web_agents import PURPOSE_CONFIDENCE, AiAgent, ai_agents
from clearance.detectors.signals.web_common import split_web_url, web_url
from clearance.detectors.signals.web_sitefiles import SiteFile, SiteIndex
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

#: a disallow that reaches an AI agent only through the ``*`` group.
WILDCARD_CONFIDENCE = 0.8
_UA_LINE = re.compile(r"^\s*user[- ]?agent\s*:?\s*(.*?)\s*(?:#.*)?$", re.IGNORECASE)
_RULE_LINE = re.compile(r"^\s*(d\w*ow|allow)\s*:?\s*(.*?)\s*(?:#.*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """A URL disallowed to some listed agents by one robots.txt group."""

    agents: tuple[AiAgent, ...]
    group: str  # the user-agent token of the group, lower-cased, or "*"
    evidence: str  # the group line and the rule line, with line numbers


class RobotsRules:
    """One parsed robots.txt (or ai.txt), answering which listed agents a URL is closed to."""

    def __init__(self, text: str, agents: Sequence[AiAgent]) -> None:
        self.parser = Protego.parse(text)
        self._lines = text.splitlines()
        groups: dict[int, tuple[Any, list[AiAgent]]] = {}
        for agent in agents:
            rule_set = self.parser._get_matching_rule_set(agent.token)
            if rule_set is None or not any(r.field == "disallow" for r in rule_set._rules):
                continue  # no group, or a group that disallows nothing: always allowed
            groups.setdefault(id(rule_set), (rule_set, []))[1].append(agent)
        self.groups = [(rs, tuple(found)) for rs, found in groups.values()]
        self._evidence: dict[tuple[int, str], str] = {}

    def blocks(self, url: str) -> Iterator[Block]:
        for rule_set, agents in self.groups:
            if self.parser.can_fetch(url, agents[0].token):
                continue
            pattern = _deciding_rule(rule_set, url)
            key = (id(rule_set), pattern)
            if key not in self._evidence:
                self._evidence[key] = self._describe(rule_set.user_agent or "*", pattern)
            yield Block(agents, rule_set.user_agent or "*", self._evidence[key])

    def _describe(self, group: str, pattern: str) -> str:
        """``line 7 "User-agent: GPTBot" / line 9 "Disallow: /private/"`` from the file itself."""
        group_line = next(
            (
                n
                for n, line in enumerate(self._lines)
                if (m := _UA_LINE.match(line)) and m.group(1).lower() == group
            ),
            None,
        )
        if group_line is None:
            return f'group "User-agent: {group}", rule "Disallow: {pattern}"'
        rule_line = next(
            (
                n
                for n in range(group_line + 1, len(self._lines))
                if (m := _RULE_LINE.match(self._lines[n]))
                and m.group(1).lower() != "allow"
                and m.group(2) == pattern
            ),
            None,
        )
        shown = f'line {group_line + 1} "{self._lines[group_line].strip()[:120]}"'
        if rule_line is not None:
            return shown + f' / line {rule_line + 1} "{self._lines[rule_line].strip()[:120]}"'
        return shown + f' / "Disallow: {pattern}"'


def _deciding_rule(rule_set: Any, url: str) -> str:
    """The pattern of the rule protego applied (its rules are sorted longest first)."""
    try:
        from protego._utils import _quote_path

        quoted = _quote_path(url)
        for rule in rule_set._rules:
            if rule.value.match(quoted):
                return unquote(rule.value._pattern)
    except (ImportError, AttributeError):  # protego internals moved: evidence gets vaguer
        pass
    return "(rule not identified)"


def parse_cached(
    cache: dict[tuple[str, str, str | None], RobotsRules],
    capture: SiteFile,
    agents: Sequence[AiAgent],
) -> RobotsRules:
    key = (capture.host, capture.location, capture.when)
    rules = cache.get(key)
    if rules is None:
        if len(cache) > 4096:
            cache.clear()
        rules = cache[key] = RobotsRules(capture.text(), agents)
    return rules


@register
class RobotsTxtDetector(Detector):
    name = "robots-txt"
    version = "1.0"
    description = (
        "robots.txt disallows for AI crawlers (GPTBot, CCBot, ClaudeBot...) in force when the "
        "page was crawled; from the manifest's robots captures, the WARC, or --fetch-robots"
    )
    media_types = ("*",)
    time_budget_s = 5.0

    def configure(self, context: DetectorContext) -> None:
        self.index = SiteIndex.for_context(context)
        self.agents = ai_agents().agents
        self._parsed: dict[tuple[str, str, str | None], RobotsRules] = {}

    def detect(self, item: Item) -> Iterator[Finding]:
        url = web_url(item)
        if url is None:
            return
        host, path = split_web_url(url)
        if host is None or path == "/robots.txt":
            return
        capture = self.index.lookup(host, "robots", item.meta.get("warc_date"))
        if capture is None or 400 <= capture.status < 500:
            return  # RFC 9309 §2.3.1.3: no robots.txt (4xx) means no restriction
        if capture.status == 0 or capture.status >= 500:
            # RFC 9309 §2.3.1.4: unreachable means "assume complete disallow"; we cannot tell
            # what the owner wrote, so the item goes to review.
            note = f": {capture.note}" if capture.note else ""
            yield error_finding(
                item.item_id,
                "robots-unreachable",
                f"robots.txt gave HTTP {capture.status or 'no answer'}{note}; "
                f"RFC 9309 §2.3.1.4 reads this as a complete disallow. {capture.describe()}",
                detector=self.name,
            )
            return
        if not 200 <= capture.status < 300:
            return
        rules = parse_cached(self._parsed, capture, self.agents)
        if not rules.groups:
            return  # nothing in this robots.txt is closed to a listed agent
        for block in rules.blocks(url):
            yield from self._findings(item, block, capture)

    def _findings(self, item: Item, block: Block, capture: SiteFile) -> Iterator[Finding]:
        where = f"{block.evidence} in {capture.describe()}"
        if block.group == "*":
            names = ", ".join(a.token for a in block.agents[:12])
            more = f" and {len(block.agents) - 12} more" if len(block.agents) > 12 else ""
            yield self.finding(
                item,
                kind="optout",
                value="robots:*",
                confidence=WILDCARD_CONFIDENCE,
                rule="robots-txt/disallow-wildcard",
                evidence=f"applies to {len(block.agents)} listed AI agents without their own "
                f"group ({names}{more}): {where}",
            )
            return
        for agent in block.agents:
            yield self.finding(
                item,
                kind="optout",
                value=f"robots:{agent.token}",
                confidence=PURPOSE_CONFIDENCE[agent.purpose],
                rule="robots-txt/disallow",
                evidence=f"{agent.token} ({agent.operator}, {agent.purpose}): {where}",
            )
