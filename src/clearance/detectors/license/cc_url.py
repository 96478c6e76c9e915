"""Creative Commons license URLs and badges, with version and jurisdiction port.

A CC license is usually declared by a link, not by its text: ``<a rel="license"
href="https://creativecommons.org/licenses/by-nc/4.0/">`` or a badge image from
``i.creativecommons.org/l/by-sa/3.0/de/88x31.png``. The URL pins the exact license (elements,
version, port), which matters: CC-BY-3.0-DE is a different legal text from CC-BY-3.0. A link
marked ``rel="license"`` (or a badge) declares the page's own license; a bare URL in prose may
only mention one, so it gets a lower confidence. Under the asserted threshold (0.5, the
policy's ``min_license_confidence``), as clues that a person may look at:

* a URL for a license the SPDX list does not have (``licenses/sa/2.0/``: no such unported
  license), reported as ``LicenseRef-scancode-unknown-license-reference``;
* a URL inside a license notice that offers it as one option of a choice ("dual-licensed
  under CC0 and the MIT license ... see https://creativecommons.org/publicdomain/zero/1.0/"):
  the notice's ``CC0-1.0 OR MIT`` says it, the URL alone would AND CC0-1.0 onto it;
* a URL inside a full license text (the GPL Cooperation Commitment ends with the CC-BY-SA-4.0
  URL of its own wording): part of that text, not the item's license (see ``fulltext.py``);
* a URL in running prose with no declaring words before it on its line ("see also", a list of
  links, "licenses such as ..."): it mentions a license rather than granting one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from clearance.detectors.base import register
from clearance.detectors.license import fulltext, prose
from clearance.licenses.expressions import normalise_expression
from clearance.model.finding import Finding
from clearance.model.item import Item

CC_URL = re.compile(
    r"""(?:https?:)?//(?:www\.|i\.)?(?:creativecommons\.org|licensebuttons\.net)/
    (?:
      (?:licenses|l)/(?P<elements>by(?:-(?:nc|nd|sa))*|nc(?:-sa)?|nd(?:-nc)?|sa)
        /(?P<version>[1-4]\.[05])(?:/(?P<port>[a-z]{2,3}(?:-[a-z]{2})?))?
    | (?:publicdomain|p)/(?P<pd>zero|mark)/(?P<pd_version>1\.0)
    )
    (?=[/"'\s<>)\]?#.,;]|$)""",
    re.IGNORECASE | re.VERBOSE,
)
_DECLARATION = re.compile(r"""rel\s*=\s*["']?[^"'>]*\blicense\b""", re.IGNORECASE)
_MARKERS = (b"creativecommons.org", b"licensebuttons.net", b"CreativeCommons.org")
# Port paths that are not jurisdictions (badge sizes, deeds, legal code pages).
_NOT_PORTS = {"deed", "legalcode", "rdf"}

CONFIDENCE_DECLARED = 0.95
CONFIDENCE_MENTION = 0.7
CONFIDENCE_UNKNOWN_PORT = 0.5
#: clues, under the asserted threshold (0.5)
CONFIDENCE_IN_PROSE = 0.45
CONFIDENCE_UNKNOWN_LICENSE = 0.4
CONFIDENCE_IN_LICENSE_TEXT = 0.3
UNKNOWN_LICENSE = "LicenseRef-scancode-unknown-license-reference"
#: the line so far speaks of a license ("To view a copy of this license, visit ...")
_LICENSING = re.compile(r"licen[cs]|copyright|©|rights reserved|dedicat|waive", re.IGNORECASE)
#: a license name right before the URL ("Photo: J. Doe, CC BY 2.0, https://...")
_NAMED = re.compile(
    r"(?:\bcc[- ](?:by|zero|0|pdm)\b|creative\s+commons)[\w.\- ]*\W*$", re.IGNORECASE
)


@register
class CreativeCommonsUrlDetector(fulltext.ConsultsFullText):
    name = "cc-url"
    version = "1.2"
    description = "Creative Commons license links and badges (elements, version, port)"
    media_types = ("text-like",)
    time_budget_s = 5.0

    def detect(self, item: Item) -> Iterator[Finding]:
        if not item.may_contain(_MARKERS):
            return
        text = item.text
        for match in CC_URL.finditer(text):
            spdx, note = cc_license_id(match)
            declared = _is_declaration(text, match.start(), match.group(0))
            container = fulltext.containing_text(item, match.start(), match.end())
            if not normalise_expression(spdx).ok:
                note = f"{spdx} is not on the SPDX list"
                spdx = UNKNOWN_LICENSE
                confidence, rule = CONFIDENCE_UNKNOWN_LICENSE, "cc-url/unknown-license"
            elif container is not None:
                note = container.note()
                confidence, rule = CONFIDENCE_IN_LICENSE_TEXT, "cc-url/in-license-text"
            elif choice := fulltext.containing_choice(item, match.start(), match.end(), spdx):
                note = f"one option of {choice.expression} ({choice.reference}), not a license"
                confidence, rule = CONFIDENCE_IN_LICENSE_TEXT, "cc-url/in-license-choice"
            elif note:
                confidence, rule = CONFIDENCE_UNKNOWN_PORT, "cc-url/unknown-port"
            elif declared:
                confidence, rule = CONFIDENCE_DECLARED, "cc-url/declared"
            elif _in_prose(text, match.start()):
                note = "mentioned in prose, no declaring words before it"
                confidence, rule = CONFIDENCE_IN_PROSE, "cc-url/mention-in-prose"
            else:
                confidence, rule = CONFIDENCE_MENTION, "cc-url/mention"
            yield self.finding(
                item,
                kind="license",
                value=spdx,
                confidence=confidence,
                rule=rule,
                evidence=match.group(0) + (f"  [{note}]" if note else ""),
                start=match.start(),
                end=match.end(),
                line=text.count("\n", 0, match.start()) + 1,
            )


def cc_url_to_spdx(url: str) -> str | None:
    """The SPDX id of a Creative Commons license or tool URL; None when it is not one, or
    names a port the SPDX list does not have."""
    match = CC_URL.search(url)
    if match is None:
        return None
    spdx, note = cc_license_id(match)
    return None if note else spdx


def cc_license_id(match: re.Match[str]) -> tuple[str, str]:
    """(SPDX id, note) for a matched CC URL; the note says why the id is approximate."""
    if match.group("pd"):
        return ("CC0-1.0" if match.group("pd").lower() == "zero" else "CC-PDM-1.0"), ""
    elements = match.group("elements").lower().split("-")
    # SPDX orders the elements BY, NC, then ND or SA (CC 1.0 wrote "by-nd-nc").
    ordered = [e for e in ("by", "nc", "nd", "sa") if e in elements]
    base = "CC-" + "-".join(e.upper() for e in ordered) + "-" + match.group("version")
    port = (match.group("port") or "").lower()
    if not port or port in _NOT_PORTS:
        return base, ""
    ported = f"{base}-{port.upper()}"
    if normalise_expression(ported).ok:
        return ported, ""
    return base, f"{port} port of {base}: not on the SPDX list, reported as the unported license"


def _is_declaration(text: str, start: int, url: str) -> bool:
    """A ``rel="license"`` link or a badge image declares the page's license."""
    if "/l/" in url or "licensebuttons" in url.lower():
        return True
    tag_start = text.rfind("<", max(0, start - 300), start)
    if tag_start < 0 or ">" in text[tag_start:start]:
        return False
    tag_end = text.find(">", start)
    return bool(_DECLARATION.search(text[tag_start : tag_end if tag_end > 0 else start + 300]))


def _in_prose(text: str, start: int) -> bool:
    """``prose.mentioned`` (the same test as ``license-text``'s short references), and the
    words before the URL on its line neither name a CC license nor speak of licensing."""
    before = prose.words_before(text, start)
    if prose.cites(before):
        return True
    return not (prose.declares(before) or _NAMED.search(before) or _LICENSING.search(before))
