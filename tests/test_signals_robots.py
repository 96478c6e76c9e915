"""robots.txt rules for AI crawlers: real-shaped files, parsed with protego."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.detectors.signals.robots import RobotsRules
from clearance.detectors.signals.web_agents import ai_agents
from clearance.detectors.signals.web_sitefiles import SiteFile
from helpers import DATA

ROBOTS = DATA / "signals" / "robots"
AGENTS = ai_agents().agents


def rules(name: str) -> RobotsRules:
    capture = SiteFile(
        "x.example", "robots", 200, (ROBOTS / name).read_bytes(), None, "manifest", name
    )
    return RobotsRules(capture.text(), AGENTS)


def blocked(name: str, url: str) -> dict[str, str]:
    """group -> evidence for every listed agent group that disallows url."""
    out: dict[str, str] = {}
    for block in rules(name).blocks(url):
        for agent in block.agents:
            out[agent.token if block.group != "*" else f"*:{agent.token}"] = block.evidence
    return out


def test_agent_list_is_sourced_and_has_the_named_crawlers() -> None:
    listed = {a.token for a in AGENTS}
    for token in (
        "GPTBot",
        "ChatGPT-User",
        "OAI-SearchBot",
        "CCBot",
        "Google-Extended",
        "ClaudeBot",
        "Claude-Web",
        "anthropic-ai",
        "Applebot-Extended",
        "PerplexityBot",
        "Bytespider",
        "meta-externalagent",
        "Amazonbot",
        "cohere-ai",
        "Diffbot",
        "ImagesiftBot",
        "omgilibot",
        "Timpibot",
    ):
        assert token in listed
    assert "ai.robots.txt" in ai_agents().source and ai_agents().retrieved
    assert len(listed) == len(AGENTS)  # no duplicates


def test_news_publisher_blocks_each_ai_agent_in_its_own_group_everywhere() -> None:
    found = blocked("news-publisher.txt", "https://news.example/2025/03/14/world/story.html")
    assert {
        "GPTBot",
        "CCBot",
        "ClaudeBot",
        "Claude-Web",
        "anthropic-ai",
        "Google-Extended",
        "PerplexityBot",
        "Amazonbot",
    } == set(found)
    assert found["GPTBot"] == 'line 36 "User-agent: GPTBot" / line 37 "Disallow: /"'
    # two user-agent lines share one rule: each names its own line
    assert found["Claude-Web"].startswith('line 30 "User-agent: Claude-Web" / line 31')


def test_news_publisher_wildcards_reach_agents_without_a_group() -> None:
    found = blocked("news-publisher.txt", "https://news.example/reports/annual.pdf")
    assert found["*:Bytespider"] == 'line 6 "User-agent: *" / line 12 "Disallow: /*.pdf$"'
    assert "*:Bytespider" not in blocked("news-publisher.txt", "https://news.example/a.pdf?x=1")
    assert "*:Bytespider" in blocked("news-publisher.txt", "https://news.example/x?a=1&query=b")
    # longest match: the Allow exception wins for /svc/crosswords, not for /svc/other
    assert "*:Bytespider" not in blocked(
        "news-publisher.txt", "https://news.example/svc/crosswords"
    )
    assert "*:Bytespider" in blocked("news-publisher.txt", "https://news.example/svc/other")
    assert "*:Bytespider" not in blocked("news-publisher.txt", "https://news.example/world/")


def test_site_wide_disallow_reaches_every_listed_agent_through_the_wildcard() -> None:
    blocks = list(rules("community-platform.txt").blocks("https://community.example/r/x/1"))
    assert len(blocks) == 1 and blocks[0].group == "*"
    assert len(blocks[0].agents) == len(AGENTS)
    assert blocks[0].evidence == 'line 5 "User-agent: *" / line 6 "Disallow: /"'


def test_code_host_paths_are_scoped_by_wildcards() -> None:
    assert blocked("code-host.txt", "https://code.example/owner/repo") == {}
    assert blocked("code-host.txt", "https://code.example/owner/repo/blob/main/README.md") == {}
    tree = blocked("code-host.txt", "https://code.example/owner/repo/tree/main/src")
    assert tree["*:GPTBot"].endswith('"Disallow: /*/*/tree/"')
    assert blocked("code-host.txt", "https://code.example/u?tab=achievements&achievement=x") == {}
    assert "*:CCBot" in blocked("code-host.txt", "https://code.example/u?tab=repositories")


def test_typos_bom_and_crlf_are_tolerated() -> None:
    # The BOM is stripped before protego sees it (else the GPTBot group would be lost).
    found = blocked("typos-bom-crlf.txt", "https://blog.example/2024/post")
    assert set(found) == {"GPTBot"}
    assert found["GPTBot"] == 'line 1 "User-Agent: GPTBot" / line 2 "Dissallow: /"'
    archive = blocked("typos-bom-crlf.txt", "https://blog.example/archive/2019")
    assert set(archive) == {"GPTBot", "CCBot"}
    assert archive["CCBot"].endswith('line 6 "Disalow: /archive/"')


def test_an_agents_own_group_overrides_the_wildcard() -> None:
    found = blocked("per-agent-allow.txt", "https://shop.example/item/1")
    assert "GPTBot" not in found and "*:GPTBot" not in found
    assert "*:CCBot" in found and "*:ClaudeBot" in found


def test_agents_outside_the_list_give_no_finding() -> None:
    assert blocked("search-only.txt", "https://site.example/any/page") == {}


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\xff\xfe garbage \x89PNG\r\n\x1a\n" * 1000,
        b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>",
        b"User-agent: GPTBot\nDisallow: " + b"/a*" * 50_000 + b"\n",
        b"",
    ],
    ids=["binary", "soft-404-html", "pathological-pattern", "empty"],
)
def test_hostile_robots_files_parse_without_crashing(body: bytes) -> None:
    capture = SiteFile("h.example", "robots", 200, body, None, "manifest", "x")
    list(RobotsRules(capture.text(), AGENTS).blocks("https://h.example/a/b/c"))


def test_protego_internals_we_read_for_evidence_are_still_there() -> None:
    # If protego renames these, evidence degrades to "(rule not identified)": fail loudly here.
    found = blocked("code-host.txt", "https://code.example/o/r/raw/x")
    assert "(rule not identified)" not in found["*:GPTBot"]


def test_data_files_are_documented() -> None:
    sources = (DATA / "signals" / "SOURCES.md").read_text()
    for path in sorted(Path(ROBOTS).iterdir()):
        assert path.name in sources
