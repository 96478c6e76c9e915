from __future__ import annotations

import pytest

from clearance.detectors.copyright.statements import CopyrightDetector
from clearance.model import Item
from helpers import DATA


def _found(text: str) -> list[tuple[str, str, int | None]]:
    item = Item.from_bytes(
        source="s", locator="f", uri="f", media_type="text/plain", data=text.encode()
    )
    return [(f.value, f.rule, f.line) for f in CopyrightDetector().detect(item)]


STATEMENT = "copyright/statement"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Copyright (C) 1989, 1991 Free Software Foundation, Inc.",
            [("Free Software Foundation, Inc.", STATEMENT, 1)],
        ),
        (
            "// Copyright © 2019 The Go Authors. All rights reserved.",
            [("The Go Authors", STATEMENT, 1)],
        ),
        (
            "Copyright 2003-2024 by The Apache Software Foundation. Licensed under Apache-2.0",
            [("The Apache Software Foundation", STATEMENT, 1)],
        ),
        ("<p>&copy; 2025 Example News Corp.</p>", [("Example News Corp.", STATEMENT, 1)]),
        ("© 2025 Example Photographer, CC BY 4.0", [("Example Photographer", STATEMENT, 1)]),
        ("# SPDX-FileCopyrightText: 2021 Taneli Hukkinen", [("Taneli Hukkinen", STATEMENT, 1)]),
        ("x\nAll rights reserved.\n", [("all-rights-reserved", "copyright/rights-reserved", 2)]),
        ("All Rights Reserved.", [("all-rights-reserved", "copyright/rights-reserved", 1)]),
        ("COPYRIGHT 1999 ACME", [("ACME", STATEMENT, 1)]),
        (
            "Rights reserved by Example Archive",
            [("all-rights-reserved", "copyright/rights-reserved", 1)],
        ),
        ("© Acme Corp.", [("Acme Corp.", STATEMENT, 1)]),
        (
            "Copyright (c) James Graham and other contributors",
            [("James Graham and other contributors", STATEMENT, 1)],
        ),
        ("Copyright (c) GMV 1991", [("GMV", STATEMENT, 1)]),
        ("Copyright (C) 2002 Lawrence E. Rosen. All rights", [("Lawrence E. Rosen", STATEMENT, 1)]),
        (
            "Copyright (c) 2004 ComponentAce http://www.componentace.com",
            [("ComponentAce", STATEMENT, 1)],
        ),
        # template notices in license texts claim nothing
        ("Copyright [yyyy] [name of copyright owner]", []),
        ("Copyright (C) year  your name.", []),
        ("Copyright <YEAR> <COPYRIGHT HOLDER>", []),
        # negatives: prose about copyright, licence boilerplate, enumerations
        ("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS", []),
        ("Fair use is a defence to copyright infringement under 17 U.S.C. § 107.", []),
        ("This copyrighted material is used with permission.", []),
        ("Choose (a) one, (b) two or (c) Three.", []),
        ("(c) the authors", []),
        ("Copyright: see below", []),
    ],
)
def test_copyright_table(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("filetype-LICENSE", [("Tomás Aparicio", STATEMENT, 3)]),
        (
            "fsspec-LICENSE",
            [
                ("Martin Durant", STATEMENT, 3),
                ("all-rights-reserved", "copyright/rights-reserved", 4),
            ],
        ),
        ("iniconfig-LICENSE", [("Holger Krekel and others", STATEMENT, 3)]),
        ("pcg_extras_header.hpp", [("Melissa O'Neill", STATEMENT, 4)]),
    ],
)
def test_copyright_in_real_license_files(name: str, expected: list[tuple[str, str, int]]) -> None:
    assert _found((DATA / "real" / name).read_text(encoding="utf-8")) == expected


def test_years_and_span_are_kept_as_evidence() -> None:
    text = "/*\n * Copyright 2014-2017 Melissa O'Neill <oneill@pcg-random.org>,\n */\n"
    item = Item.from_bytes(
        source="s", locator="f", uri="f", media_type="text/x-c", data=text.encode()
    )
    (finding,) = CopyrightDetector().detect(item)
    assert "[years: 2014-2017]" in finding.evidence
    assert text[finding.start : finding.end].startswith("Copyright 2014-2017")  # type: ignore[misc]


def test_a_statement_never_takes_its_holder_from_the_next_line() -> None:
    assert _found("Copyright 2020\nSome unrelated sentence.") == [
        ("(holder not named)", STATEMENT, 1)
    ]
    assert _found("copyright\n2020 was a year") == []
