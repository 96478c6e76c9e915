"""License signals that are clues, not licenses of the item: unknown SPDX ids, tags and CC
URLs inside a full license text, CC URLs mentioned in prose, generic references beside a
specific license. Each is still reported (a person may look at it) but under the policy's
asserted threshold, with a rule that says why; the negatives keep their asserted confidence."""

from __future__ import annotations

import pytest

from clearance.detectors.base import instantiate
from clearance.detectors.license.textmatch import refdata
from clearance.model import Finding, Item
from clearance.policy.schema import Policy
from helpers import DATA

REAL = DATA / "real"
#: the policy's default: license findings under it are ignored as clues
ASSERTED = Policy.model_fields["min_license_confidence"].default
DETECTORS = ("license-text", "spdx-tag", "cc-url")


def _scan(text: str, uri: str = "file.txt") -> list[Finding]:
    detectors, _ = instantiate(DETECTORS)
    item = Item.from_text(source="t", locator=uri, uri=uri, text=text, data=text.encode())
    return [f for d in detectors for f in d.detect(item) if f.kind == "license"]


def _asserted(findings: list[Finding]) -> set[str]:
    return {f.value for f in findings if f.confidence >= ASSERTED}


def _by(findings: list[Finding], detector: str) -> list[Finding]:
    return [f for f in findings if f.detector == detector]


def _license_body(key: str) -> str:
    """A license text as ScanCode's LicenseDB ships it (installed ``licensedcode-data``)."""
    raw = (refdata.data_dir() / "licenses" / f"{key}.LICENSE").read_text(encoding="utf-8")
    return refdata.split_text(raw)[1]


# --- SPDX tags with ids that are not on the SPDX list ------------------------------------


@pytest.mark.parametrize(
    ("tag", "value", "unknown"),
    [
        # Linux kernel drivers wrote this before SPDX ids were enforced there
        (
            " * SPDX-License-Identifier: (GPL-2.0+ OR BSD)",
            "GPL-2.0-or-later OR LicenseRef-scancode-unknown-spdx",
            "BSD",
        ),
        ("# SPDX-License-Identifier: Apache 2.0", "LicenseRef-scancode-unknown-spdx", "Apache 2.0"),
        (
            "// SPDX-License-Identifier: MIT AND Acme-EULA-2.1",
            "MIT AND LicenseRef-scancode-unknown-spdx",
            "Acme-EULA-2.1",
        ),
        (
            "/* SPDX-License-Identifier: GPL-2.0-only WITH Acme-linking-exception */",
            "GPL-2.0-only WITH LicenseRef-scancode-unknown-spdx",
            "Acme-linking-exception",
        ),
    ],
)
def test_unknown_spdx_ids_are_clues_named_as_unknown(tag: str, value: str, unknown: str) -> None:
    (finding,) = _by(_scan(tag + "\nint x;\n", "x.c"), "spdx-tag")
    assert finding.value == value
    assert finding.rule == "spdx-tag/unknown-license"
    assert finding.confidence < ASSERTED
    assert unknown in finding.evidence and tag.split(": ", 1)[1].split(" */")[0] in finding.evidence


@pytest.mark.parametrize(
    "tag",
    [
        "SPDX-License-Identifier: GPL-2.0+ OR BSD-3-Clause",
        "SPDX-License-Identifier: LicenseRef-Acme-EULA",  # a LicenseRef is valid SPDX
        "SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note",
    ],
)
def test_valid_spdx_tags_stay_asserted(tag: str) -> None:
    (finding,) = _by(_scan(tag + "\n", "x.c"), "spdx-tag")
    assert (finding.rule, finding.confidence) == ("spdx-tag", 1.0)


# --- tags and CC URLs that are part of a full license text -----------------------------


def test_a_tag_in_a_license_texts_appendix_is_part_of_that_text() -> None:
    # SHL-2.1's appendix shows "SPDX-License-Identifier: Apache-2.0 WITH SHL-2.1" as the way
    # to apply it: the file holding the license text is SHL-2.1, not also Apache-2.0.
    text = _license_body("shl-2.1")
    assert "SPDX-License-Identifier: Apache-2.0 WITH SHL-2.1" in text
    findings = _scan(text, "LICENSE")
    (tag,) = _by(findings, "spdx-tag")
    assert tag.rule == "spdx-tag/in-license-text" and tag.confidence < ASSERTED
    assert "SHL-2.1 license text" in tag.evidence
    assert _asserted(findings) == {"SHL-2.1"}


def test_a_tag_before_or_after_a_license_text_is_a_declaration() -> None:
    mit = (REAL / "filetype-LICENSE").read_text(encoding="utf-8")
    for text in (
        "SPDX-License-Identifier: MIT\n\n" + mit,
        mit + "\n\nSPDX-License-Identifier: Apache-2.0\n",
    ):
        (tag,) = _by(_scan(text, "LICENSE"), "spdx-tag")
        assert (tag.rule, tag.confidence) == ("spdx-tag", 1.0)


def test_a_cc_url_inside_a_license_text_is_part_of_that_text() -> None:
    # The GPL Cooperation Commitment ends with the CC-BY-SA-4.0 license of its own wording.
    text = _license_body("gplcc-1.0")
    findings = _scan(text, "COMMITMENT")
    (url,) = _by(findings, "cc-url")
    assert (url.value, url.rule) == ("CC-BY-SA-4.0", "cc-url/in-license-text")
    assert url.confidence < ASSERTED
    assert _asserted(findings) == {"GPL-CC-1.0"}


def test_a_cc_url_after_a_license_text_still_counts() -> None:
    text = (
        _license_body("gplcc-1.0")
        + "\n\nThe documentation in this repository is licensed under"
        + " https://creativecommons.org/licenses/by/4.0/\n"
    )
    findings = _scan(text, "README")
    assert _asserted(findings) == {"GPL-CC-1.0", "CC-BY-4.0"}


# --- Creative Commons URLs: unknown licenses and mentions in prose ------------------------


@pytest.mark.parametrize(
    ("before", "declared"),
    [
        ("Licensed under the ", True),
        ("License: ", True),
        ("  * ", True),
        ('Released under <a href="https://example.org/l">', True),
        ("Code released under [", True),
        ("Dual licensed under ", True),
        ("We compared it with ", False),
        ("For a weaker option, see also ", False),
        ("The speaker argued that the ", False),
        ("Editors oversee ", False),
    ],
)
def test_one_prose_test_for_license_names_and_cc_urls(before: str, declared: bool) -> None:
    """``license-text``'s short references and ``cc-url``'s links: declared after declaring
    words or alone on their line (markup aside), else mentioned (the same ``prose`` test)."""
    from clearance.detectors.license import cc_url, prose

    for after in ("the MIT License", "https://creativecommons.org/licenses/by/4.0/"):
        assert prose.mentioned(before + after, len(before)) is not declared
    assert cc_url._in_prose(before + "x", len(before)) is not declared


def test_a_cc_url_for_a_license_spdx_lacks_is_an_unknown_clue() -> None:
    # There is no unported CC "ShareAlike 2.0" (only Japan's port had one).
    (url,) = _by(_scan("https://creativecommons.org/licenses/sa/2.0/legalcode\n"), "cc-url")
    assert url.value == "LicenseRef-scancode-unknown-license-reference"
    assert url.rule == "cc-url/unknown-license" and url.confidence < ASSERTED
    assert "CC-SA-2.0 is not on the SPDX list" in url.evidence
    # CC ShareAlike 1.0 exists and is on the SPDX list
    (old,) = _by(_scan("https://creativecommons.org/licenses/sa/1.0/\n"), "cc-url")
    assert (old.value, old.rule) == ("CC-SA-1.0", "cc-url/mention")


@pytest.mark.parametrize(
    "text",
    [
        "See also https://creativecommons.org/licenses/by-nc/4.0/ for a non-commercial option.",
        "We compared licenses such as https://creativecommons.org/licenses/by-nd/4.0/ here.",
        "The authors wrote about https://creativecommons.org/licenses/by/4.0/ in their blog.",
        # "at"/"see" are declaring words only as whole words (not the end of "that", "oversee")
        "The speaker argued that the https://creativecommons.org/licenses/by/4.0/ is unclear.",
        "Editors oversee https://creativecommons.org/licenses/by-sa/4.0/ compliance.",
    ],
)
def test_cc_urls_mentioned_in_prose_are_clues(text: str) -> None:
    (url,) = _by(_scan(text, "post.md"), "cc-url")
    assert url.rule == "cc-url/mention-in-prose" and url.confidence < ASSERTED


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Text is available under the Creative Commons Attribution-ShareAlike License 4.0"
            " (https://creativecommons.org/licenses/by-sa/4.0/)",
            "CC-BY-SA-4.0",
        ),
        ("Photo: Jane Doe, CC BY 2.0, https://creativecommons.org/licenses/by/2.0/", "CC-BY-2.0"),
        ("License: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)", "CC-BY-4.0"),
        (
            'Content is licensed under a <a href="https://creativecommons.org/licenses/by/4.0/">'
            "CC BY 4.0</a> license.",
            "CC-BY-4.0",
        ),
        ("https://creativecommons.org/licenses/by-nc-sa/3.0/", "CC-BY-NC-SA-3.0"),
        (
            "[![License: CC BY 4.0](https://img.shields.io/badge/License-CC%20BY%204.0-lightgrey"
            ".svg)](https://creativecommons.org/licenses/by/4.0/)",
            "CC-BY-4.0",
        ),
        (
            "You may obtain a copy of the License at\n"
            "    https://creativecommons.org/licenses/by/4.0/legalcode",
            "CC-BY-4.0",
        ),
    ],
)
def test_cc_urls_that_declare_a_license_stay_asserted(text: str, value: str) -> None:
    (url,) = _by(_scan(text, "page.html"), "cc-url")
    assert url.value == value and url.confidence >= ASSERTED


# --- generic references beside a specific license -------------------------------------


def test_a_generic_reference_beside_a_full_license_is_a_clue() -> None:
    # hypothesis' LICENSE.txt: "Some code in this repository comes from other projects ...
    # released dual licensed with the original license", then the MPL-2.0 text.
    findings = _scan((REAL / "hypothesis-LICENSE.txt").read_text(encoding="utf-8"), "LICENSE.txt")
    assert _asserted(findings) == {"MPL-2.0"}
    (generic,) = [f for f in findings if f.value.startswith("LicenseRef-scancode-unknown")]
    assert generic.rule.endswith("/generic") and generic.confidence < ASSERTED
    assert "beside MPL-2.0" in generic.evidence


def test_a_generic_reference_alone_is_left_as_it_is() -> None:
    line = "Any modifications made are released dual licensed with the original license.\n"
    (alone,) = _scan(line)
    assert alone.value == "LicenseRef-scancode-unknown-license-reference"
    assert not alone.rule.endswith("/generic") and alone.confidence >= ASSERTED
    beside = _scan("Licensed under the MIT License.\n" + line)
    assert _asserted(beside) == {"MIT"}


# --- Creative Commons ports named by URL -------------------------------------------------


def test_a_cc_notice_with_a_port_url_is_the_ported_license_for_both_detectors() -> None:
    # ScanCode's rule for this notice says CC-BY-3.0; the URL and the words name the US port,
    # a different legal text (SPDX CC-BY-3.0-US).
    text = (
        'This work is licensed under a <a href="http://creativecommons.org/licenses/by/3.0/us/">'
        "Creative Commons Attribution 3.0 United States License</a>.\n"
    )
    findings = _scan(text, "page.html")
    assert _asserted(findings) == {"CC-BY-3.0-US"}
    (notice,) = _by(findings, "license-text")
    assert "the port its URL names" in notice.evidence


def test_the_cc_boilerplate_visit_line_declares_the_license() -> None:
    text = (
        "This work is licensed under the Creative Commons Attribution 4.0 International License."
        " To view a copy of this license, visit http://creativecommons.org/licenses/by/4.0/.\n"
    )
    (url,) = _by(_scan(text, "README"), "cc-url")
    assert (url.value, url.rule) == ("CC-BY-4.0", "cc-url/mention")
    assert _asserted(_scan(text, "README")) == {"CC-BY-4.0"}


def test_an_unported_cc_notice_stays_unported() -> None:
    text = "Licensed under CC BY-SA 3.0: https://creativecommons.org/licenses/by-sa/3.0/\n"
    assert _asserted(_scan(text)) == {"CC-BY-SA-3.0"}


# --- a CC URL that names one option of a dual license --------------------------------------


def test_a_cc_url_in_a_dual_license_notice_is_one_option_not_a_second_license() -> None:
    # the Wikimedia-style "GFDL or CC-BY-SA-3.0" licensing line of a media file page
    text = (
        "<p>File: Map_of_Europe.svg. Licensing: GFDL (http://www.gnu.org/copyleft/fdl.html) or"
        " CC-BY-SA-3.0 (http://creativecommons.org/licenses/by-sa/3.0/), at your choice.</p>\n"
    )
    findings = _scan(text, "file-page.html")
    (url,) = _by(findings, "cc-url")
    assert (url.value, url.rule) == ("CC-BY-SA-3.0", "cc-url/in-license-choice")
    assert url.confidence < ASSERTED and "GFDL-1.1-or-later OR CC-BY-SA-3.0" in url.evidence
    assert _asserted(findings) == {"GFDL-1.1-or-later OR CC-BY-SA-3.0"}


def test_a_cc_url_beside_a_dual_license_notice_still_counts() -> None:
    text = (
        "Licensed under either of Apache License, Version 2.0 or MIT license at your option.\n\n"
        "The artwork in assets/ is licensed under https://creativecommons.org/licenses/by/4.0/\n"
    )
    findings = _scan(text, "README.md")
    assert "CC-BY-4.0" in _asserted(findings)
    (url,) = _by(findings, "cc-url")
    assert url.rule == "cc-url/mention"
