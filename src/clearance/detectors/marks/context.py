"""Nominative mention or branding? Cues around a mark that a reviewer would look for.

Nominative use names someone else's product to describe one's own ("case for iPhone",
"Xbox-compatible"); branding presents the mark as the item's own identity (a ® or ™ beside
it, "X brand", the page <title>/<h1>, a product title or image caption). Everything else is
a plain mention. These are cues for review, not a legal classification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.detectors.marks.matcher import Hit

_WINDOW = 300
_NOMINATIVE_AFTER = re.compile(
    r"[ \t]*-?[ \t]*(?:compatible|compliant|certified|ready|friendly)\b", re.IGNORECASE
)
_NOMINATIVE_BEFORE = re.compile(
    r"\b(?:compatible\s+with|works?\s+with|for\s+use\s+with|designed\s+for|made\s+for|fits"
    r"|replacement\s+for|alternative\s+to|compared\s+(?:to|with)|vs\.?|versus|for"
    r"|not\s+affiliated\s+with|unlike)\s+(?:the\s+|an?\s+|your\s+|all\s+)?$",
    re.IGNORECASE,
)
_BRANDING_AFTER = re.compile(r"[ \t]+(?:brand(?:ed)?|official|original|genuine|logo)\b", re.I)
_BRANDING_BEFORE = re.compile(
    r"\b(?:official|genuine|original|authentic|brought\s+to\s+you\s+by|powered\s+by"
    r"|sponsored\s+by|presented\s+by|by)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_OPEN_TAG = re.compile(r"<(title|h1|h2|figcaption|caption)\b[^>]*>", re.IGNORECASE)
_OPEN_ATTR = re.compile(r"\b(alt|title|aria-label)\s*=\s*([\"'])", re.IGNORECASE)
_TITLE_LINE = re.compile(
    r"^[ \t]*(?:#{1,2}[ \t]|(?:product[ _-]?)?(?:title|name|caption)[ \t]*[:=][ \t])",
    re.IGNORECASE,
)
_HTML_LABELS = {"title": "html-title", "h1": "heading", "h2": "heading"}


@dataclass(frozen=True)
class Context:
    use: str  # nominative / branding / mention
    cue: str  # what decided it, e.g. "compatible", "symbol", "html-title"
    confidence: float

    @property
    def rule(self) -> str:
        return f"trademark/{self.use}" + (f":{self.cue}" if self.cue else "")


def classify(text: str, hit: Hit) -> Context:
    """The use of one hit, nominative cues first (a ® beside a compatible-with is still
    nominative: that is how careful writers name others' marks)."""
    after_pos = hit.symbol_end or hit.end
    before = text[max(0, hit.start - 40) : hit.start]
    after = text[after_pos : after_pos + 40]
    if _NOMINATIVE_AFTER.match(after):
        return Context("nominative", "compatible", 0.6)
    found = _NOMINATIVE_BEFORE.search(before)
    if found:
        return Context("nominative", _cue(found.group(0)), 0.6)
    if hit.symbol:
        return Context("branding", "symbol", 0.9)
    if _BRANDING_AFTER.match(after):
        return Context("branding", "brand-word", 0.85)
    found = _BRANDING_BEFORE.search(before)
    if found:
        return Context("branding", _cue(found.group(0)), 0.8)
    place = _placement(text, hit.start)
    if place:
        return Context("branding", place, 0.85)
    return Context("mention", "", 0.5)


def _cue(phrase: str) -> str:
    words = phrase.lower().split()
    drop = {"the", "a", "an", "your", "all"}
    return "-".join(w.rstrip(".") for w in words if w not in drop)


def _placement(text: str, start: int) -> str:
    """html-title / heading / caption / alt-text / title-line when the mark sits in one."""
    window = text[max(0, start - _WINDOW) : start]
    # most prose has no markup near a mark: test for the one character each pattern needs
    tag = _last(_OPEN_TAG, window) if "<" in window else None
    if tag is not None and f"</{tag.group(1).lower()}" not in window[tag.end() :].lower():
        name = tag.group(1).lower()
        return _HTML_LABELS.get(name, "caption")
    attr = _last(_OPEN_ATTR, window) if "=" in window else None
    if attr is not None and attr.group(2) not in window[attr.end() :]:
        return "alt-text" if attr.group(1).lower() == "alt" else "title-attribute"
    line_start = text.rfind("\n", 0, start) + 1
    if _TITLE_LINE.match(text[line_start:start]):
        return "title-line"
    return ""


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(text):  # noqa: B007  (we want the final match)
        pass
    return last
