"""The license text matcher, the Creative Commons URL detector and package metadata."""

from __future__ import annotations

import json

import pytest

from clearance.detectors.base import instantiate
from clearance.model import Finding, Item
from helpers import DATA

REAL = DATA / "real"


def _findings(detector: str, text: str, uri: str = "file.txt") -> list[Finding]:
    (instance,), _ = instantiate([detector])
    item = Item.from_text(source="t", locator=uri, uri=uri, text=text, data=text.encode())
    return list(instance.detect(item))


def _licenses(text: str, uri: str = "file.txt", detector: str = "license-text") -> list[str]:
    return [f.value for f in _findings(detector, text, uri) if f.kind == "license"]


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("filetype-LICENSE", "MIT"),
        ("iniconfig-LICENSE", "MIT"),
        ("fsspec-LICENSE", "BSD-3-Clause"),
        ("pygments-LICENSE", "BSD-2-Clause"),
        ("packaging-LICENSE.APACHE", "Apache-2.0"),
        ("pathspec-LICENSE", "MPL-2.0"),
        ("shellingham-LICENSE", "ISC"),
    ],
)
def test_real_license_files_are_recognised_cleanly(file: str, expected: str) -> None:
    findings = _findings("license-text", (REAL / file).read_text(encoding="utf-8"))
    assert {f.value for f in findings} == {expected}
    assert all(f.rule.startswith("license-text/") and "/modified" not in f.rule for f in findings)
    assert max(f.confidence for f in findings) >= 0.9


def test_dual_licensing_notice_gives_an_or_expression() -> None:
    (value,) = _licenses((REAL / "packaging-LICENSE").read_text(encoding="utf-8"))
    assert " OR " in value and "Apache-2.0" in value
    rust = (  # the README wording of most Rust crates
        "Licensed under either of\n\n * Apache License, Version 2.0\n"
        "   ([LICENSE-APACHE](LICENSE-APACHE) or http://www.apache.org/licenses/LICENSE-2.0)\n"
        " * MIT license\n   ([LICENSE-MIT](LICENSE-MIT) or http://opensource.org/licenses/MIT)"
        "\n\nat your option.\n"
    )
    assert _licenses(rust) == ["Apache-2.0 OR MIT"]


def test_several_licenses_in_one_file_are_each_reported_with_their_span() -> None:
    mit = (REAL / "filetype-LICENSE").read_text(encoding="utf-8")
    bsd = (REAL / "fsspec-LICENSE").read_text(encoding="utf-8")
    text = mit + "\n\n----- vendored code -----\n\n" + bsd
    findings = _findings("license-text", text)
    assert [f.value for f in findings] == ["MIT", "BSD-3-Clause"]
    assert findings[0].end is not None and findings[1].start is not None
    assert findings[0].end <= findings[1].start
    assert text[findings[1].start : findings[1].end].startswith("BSD 3-Clause License")


def test_gpl_notices_keep_only_and_or_later_apart() -> None:
    later = (
        "This program is free software; you can redistribute it and/or modify it under the "
        "terms of the GNU General Public License as published by the Free Software Foundation; "
        "either version 2 of the License, or (at your option) any later version."
    )
    only = (
        "This program is free software; you can redistribute it and/or modify it under the "
        "terms of the GNU General Public License version 2 as published by the Free Software "
        "Foundation."
    )
    assert _licenses(later) == ["GPL-2.0-or-later"]
    assert _licenses(only) == ["GPL-2.0-only"]


def test_a_modified_license_text_is_reported_as_modified_not_as_the_license() -> None:
    mit = (REAL / "filetype-LICENSE").read_text(encoding="utf-8")
    rider = (
        "\n\nThe Software is provided to you by the Licensor under the License, as defined "
        "below, subject to the following condition. Without limiting other conditions in the "
        "License, the grant of rights under the License will not include, and the License "
        "does not grant to you, the right to Sell the Software, or to use it to train machine "
        "learning models of any kind for any commercial purpose whatsoever.\n\n"
    )
    head, tail = mit.split("The above copyright notice", 1)
    findings = _findings("license-text", head + rider + "The above copyright notice" + tail)
    assert findings, "a modified MIT text must still be reported"
    assert all(f.rule.endswith(("/modified", "/partial")) for f in findings)
    assert max(f.confidence for f in findings) < 0.7
    assert "added" in findings[0].evidence


def test_a_partial_license_text_is_reported_as_partial() -> None:
    apache = (REAL / "packaging-LICENSE.APACHE").read_text(encoding="utf-8")
    findings = _findings("license-text", apache[: len(apache) // 3])
    assert findings and findings[0].value == "Apache-2.0"
    assert findings[0].rule.endswith(("/partial", "/modified"))
    assert findings[0].confidence < 0.6


@pytest.mark.parametrize(
    "prose",
    [
        "We talked about whether the GPL is a good license for our startup; no decision yet.",
        "Driver's license renewal: bring two documents and a photo to the office.",
        "The permission slip for the school trip must be signed by a parent.",
        "MIT researchers published a paper about licensing markets in 2019.",
        "She has a licence to practise medicine in three countries.",
        "This essay compares the GPL and the MIT license for internal tools.",
        "Why did the kernel developers pick GPLv2 back then? People still argue.",
        "We benchmarked MIT-licensed and GPL-licensed parsers side by side.",
    ],
)
def test_prose_that_mentions_licenses_grants_none(prose: str) -> None:
    assert [f for f in _findings("license-text", prose) if f.confidence >= 0.5] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This library is released under the MIT license.", "MIT"),
        ("## License\n\nMIT License\n", "MIT"),
        ("Distributed under GPLv2, see COPYING.", "GPL-2.0-only"),
        ("curl License", "curl"),
    ],
)
def test_short_references_that_declare_a_license_are_asserted(text: str, expected: str) -> None:
    asserted = [f.value for f in _findings("license-text", text) if f.confidence >= 0.5]
    assert asserted == [expected]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# Copyright (c) Microsoft Corporation.\n# Licensed under the MIT License.\n", "MIT"),
        (
            '/*\n * Licensed under the Apache License, Version 2.0 (the "License");\n'
            " * you may not use this file except in compliance with the License.\n"
            " * You may obtain a copy of the License at\n *\n"
            " *      http://www.apache.org/licenses/LICENSE-2.0\n */\n",
            "Apache-2.0",
        ),
        (
            "This work is licensed under a Creative Commons Attribution-ShareAlike 4.0 "
            "International License.\n",
            "CC-BY-SA-4.0",
        ),
    ],
)
def test_notices_in_code_and_prose_are_found_with_their_line(header: str, expected: str) -> None:
    code = "import os\n\n" + header + "\nprint('hi')\n"
    findings = _findings("license-text", code, uri="x.py")
    assert [f.value for f in findings] == [expected]
    assert findings[0].line == 3 + header[: header.index("icens")].count("\n")
    assert findings[0].rule == "license-text/notice" and findings[0].confidence >= 0.9


@pytest.mark.parametrize(
    ("html", "expected", "rule"),
    [
        (
            '<a rel="license" href="https://creativecommons.org/licenses/by-nc/4.0/">CC</a>',
            "CC-BY-NC-4.0",
            "cc-url/declared",
        ),
        (
            '<img src="https://i.creativecommons.org/l/by-sa/3.0/de/88x31.png" alt="badge">',
            "CC-BY-SA-3.0-DE",
            "cc-url/declared",
        ),
        (
            "See http://creativecommons.org/licenses/by-nd-nc/1.0/ for the old terms.",
            "CC-BY-NC-ND-1.0",
            "cc-url/mention",
        ),
        (
            "Dedicated via https://creativecommons.org/publicdomain/zero/1.0/legalcode",
            "CC0-1.0",
            "cc-url/mention",
        ),
        (
            '<link rel="license" href="//creativecommons.org/publicdomain/mark/1.0/">',
            "CC-PDM-1.0",
            "cc-url/declared",
        ),
        (
            "https://creativecommons.org/licenses/by/2.5/xx/ (no such port)",
            "CC-BY-2.5",
            "cc-url/unknown-port",
        ),
    ],
)
def test_creative_commons_urls_give_elements_version_and_port(
    html: str, expected: str, rule: str
) -> None:
    (finding,) = _findings("cc-url", html, uri="page.html")
    assert (finding.value, finding.rule) == (expected, rule)


def test_creative_commons_lookalikes_are_not_licenses() -> None:
    text = "https://creativecommons.org/about/ and https://example.org/licenses/by/4.0/"
    assert _findings("cc-url", text, uri="page.html") == []


def test_package_metadata_fields() -> None:
    assert _licenses(
        (REAL / "fsspec-METADATA").read_text(encoding="utf-8"),
        uri="fsspec-2026.9.0.dist-info/METADATA",
        detector="package-license",
    ) == ["BSD-3-Clause"]
    six = _findings(
        "package-license",
        (REAL / "six-METADATA").read_text(encoding="utf-8"),
        uri="six-1.17.0.dist-info/METADATA",
    )
    assert {(f.value, f.rule) for f in six} == {
        ("MIT", "package/License"),
        ("MIT", "package/Classifier/text"),
    }
    package_json = json.dumps({"name": "x", "license": "(MIT OR Apache-2.0)"})
    assert _licenses(package_json, uri="pkg/package.json", detector="package-license") == [
        "MIT OR Apache-2.0"
    ]
    cargo = '[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n'
    assert _licenses(cargo, uri="Cargo.toml", detector="package-license") == ["MIT OR Apache-2.0"]
    pom = (
        "<project><licenses><license><name>The Apache Software License, Version 2.0</name>"
        "<url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license></licenses>"
        "</project>"
    )
    assert _licenses(pom, uri="pom.xml", detector="package-license") == ["Apache-2.0"]


def test_bad_package_metadata_is_an_error_finding() -> None:
    (finding,) = _findings("package-license", "{not json", uri="package.json")
    assert (finding.kind, finding.rule) == ("error", "bad-metadata")
    other = Item.from_text(source="t", locator="x", uri="data/notes.json", text="{}", data=b"{}")
    (instance,), _ = instantiate(["package-license"])
    assert not instance.handles(other)
