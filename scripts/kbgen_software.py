"""Software licenses: one row per license, patterns for its grant, notice and copyleft clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, front_matter, read_text

AI_NOTE = (
    "The license text does not mention machine learning or AI training; the general grant "
    "and its conditions govern (silent)."
)


@dataclass
class Sw:
    key: str
    text: str
    grant: list[str]
    modify: list[str]
    notice: list[str] | None  # None: no attribution condition
    share_alike: str = "none"
    copyleft: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    kind: str = "software"
    aliases: list[str] = field(default_factory=list)
    notice_value: str = "yes"
    notes: str = ""


MIT_GRANT = [
    r"to deal in the Software without restriction, including without limitation the rights "
    r"to use, copy, modify, merge, publish, distribute, sublicense, and/or sell"
]
MIT_NOTICE = [
    r"The above copyright notice and this permission notice shall be included in all "
    r"copies or substantial portions of the Software"
]
BSD_GRANT = [
    r"Redistribution and use in source and binary forms, with or without modification, "
    r"are permitted provided that"
]
BSD_NOTICE = [r"Redistributions of source code must retain the above copyright notice"]
ISC_GRANT = [
    r"Permission to use, copy, modify, and(?:/or)? distribute this software for any purpose "
    r"with or without fee is hereby granted"
]
APACHE_GRANT = [
    r"each Contributor hereby grants to You a perpetual, worldwide, non-exclusive, "
    r"no-charge, royalty-free, irrevocable copyright license to reproduce, prepare "
    r"Derivative Works of"
]
APACHE_NOTICE = [
    r"You must give any other recipients of the Work or Derivative Works a copy of this "
    r"License"
]
GPL2_GRANT = [
    r"You may copy and distribute verbatim copies of the Program's source code as you "
    r"receive it, in any medium"
]
GPL2_MODIFY = [
    r"You may modify your copy or copies of the Program or any portion of it, thus forming "
    r"a work based on the Program"
]
GPL2_NOTICE = [
    r"conspicuously and appropriately publish on each copy an appropriate copyright notice"
]
GPL2_CL = [
    r"You must cause any work that you distribute or publish, that in whole or in part "
    r"contains or is derived from the Program or any part thereof, to be licensed as a whole"
]
GPL3_GRANT = [
    r"You may make, run and propagate covered works that you do not convey, without "
    r"conditions"
]
GPL3_MODIFY = [
    r"You may convey a work based on the Program, or the modifications to produce it from "
    r"the Program"
]
GPL3_NOTICE = [r"keep intact all notices stating that this License and any non-permissive terms"]
GPL3_CL = [
    r"You must license the entire work, as a whole, under this License to anyone who comes "
    r"into possession of a copy"
]
AGPL_NET = [
    r"your modified version must prominently offer all users interacting with it remotely "
    r"through a computer network"
]
LATER2 = [r"either version 2 of the License, or \(at your option\) any later version"]
LATER3 = [r"either version 3 of the License, or \(at your option\) any later version"]
LGPL2_CL = [
    r"The modified work must itself be a software library",
    r"You must cause the whole of the work to be licensed at no charge to all third parties",
]
LGPL3_CL = [
    r"under the GNU GPL, with none of the additional permissions of this License applicable",
    r"Conveying Modified Versions",
]

GPL_OUT = [
    "copyleft: distributed derivative works must be licensed as a whole under the same license"
]
AGPL_OUT = [
    *GPL_OUT,
    "network copyleft: users interacting over a network must be offered the source",
]
FILE_OUT = ["file copyleft: modified files of the licensed code stay under the same license"]


def gpl(key: str, text: str, version: str, later: bool, agpl: bool = False) -> Sw:
    if version == "2":
        return Sw(
            key,
            text,
            GPL2_GRANT,
            GPL2_MODIFY,
            GPL2_NOTICE,
            "strong",
            GPL2_CL,
            GPL_OUT,
            notes=(LATER2[0] if later else ""),
        )
    return Sw(
        key,
        text,
        GPL3_GRANT,
        GPL3_MODIFY,
        GPL3_NOTICE,
        "network" if agpl else "strong",
        (AGPL_NET + GPL3_CL) if agpl else GPL3_CL,
        AGPL_OUT if agpl else GPL_OUT,
    )


ROWS: list[Sw] = [
    Sw("MIT", "mit", MIT_GRANT, MIT_GRANT, MIT_NOTICE, aliases=["Expat"]),
    Sw("MIT-0", "mit-0", MIT_GRANT, MIT_GRANT, None, notice_value="no"),
    Sw("X11", "x11-xconsortium", MIT_GRANT, MIT_GRANT, MIT_NOTICE),
    Sw("BSD-2-Clause", "bsd-simplified", BSD_GRANT, BSD_GRANT, BSD_NOTICE),
    Sw("BSD-3-Clause", "bsd-new", BSD_GRANT, BSD_GRANT, BSD_NOTICE),
    Sw(
        "0BSD",
        "bsd-zero",
        [
            r"Permission to use, copy, modify, and/or distribute this software for "
            r"any purpose with or without fee is hereby granted"
        ],
        [r"Permission to use, copy, modify"],
        None,
        notice_value="no",
    ),
    Sw(
        "ISC",
        "isc",
        ISC_GRANT,
        ISC_GRANT,
        [
            r"provided that the above copyright notice and this permission notice appear in all copies"
        ],
    ),
    Sw("Apache-2.0", "apache-2.0", APACHE_GRANT, APACHE_GRANT, APACHE_NOTICE),
    Sw(
        "Zlib",
        "zlib",
        [
            r"Permission is granted to anyone to use this software for any purpose, "
            r"including commercial applications"
        ],
        [r"to alter it and redistribute it freely"],
        [r"This notice may not be removed or altered from any source distribution"],
    ),
    Sw(
        "Unlicense",
        "unlicense",
        [
            r"Anyone is free to copy, modify, publish, use, compile, sell, or "
            r"distribute this software"
        ],
        [r"Anyone is free to copy, modify"],
        None,
        kind="public-domain-dedication",
        notice_value="no",
    ),
    Sw(
        "WTFPL",
        "wtfpl-2.0",
        [r"You just DO WHAT THE FUCK YOU WANT TO"],
        [r"You just DO WHAT THE FUCK YOU WANT TO"],
        None,
        notice_value="no",
    ),
    Sw(
        "BSL-1.0",
        "boost-1.0",
        [
            r"Permission is hereby granted, free of charge, to any person or "
            r"organization obtaining a copy of the software"
        ],
        [
            r"to use, reproduce, display, distribute, execute, and transmit the Software, and to "
            r"prepare derivative works of the Software"
        ],
        [r"The copyright notices in the Software and this entire statement"],
    ),
    Sw(
        "PSF-2.0",
        "psf-2.0",
        [
            r"PSF hereby grants Licensee a nonexclusive, royalty-free, world-wide "
            r"license to reproduce, analyze, test, perform and/or display publicly"
        ],
        [r"prepare derivative works"],
        [
            r"provided, however, that PSF's License Agreement and PSF's "
            r"notice of copyright"
        ],
    ),
    Sw(
        "Artistic-2.0",
        "artistic-2.0",
        [
            r"You are permitted to use the Standard Version and create and use Modified Versions for any "
            r"purpose without restriction"
        ],
        [r"create and use Modified Versions for any purpose without restriction"],
        [r"provided that you do not modify the Standard Version", r"You may Distribute verbatim"],
        notes="Modified Versions distributed must be documented and made available or renamed "
        "(Sections 4-5).",
    ),
    Sw(
        "MPL-2.0",
        "mpl-2.0",
        [
            r"under intellectual property rights \(other than patent or trademark\) "
            r"Licensable by such Contributor to use, reproduce, make available, "
            r"modify, display, perform, distribute"
        ],
        [r"modify, display, perform, distribute, and otherwise exploit its Contributions"],
        [r"You may not remove or alter the substance of any license notices"],
        "file",
        [
            r"All distribution of Covered Software in Source Code Form, including any Modifications "
            r"that You create or to which You contribute, must be under the terms of this License"
        ],
        FILE_OUT,
    ),
    Sw(
        "EPL-2.0",
        "epl-2.0",
        [
            r"Subject to the terms of this Agreement, each Contributor hereby grants "
            r"Recipient a non-exclusive, worldwide, royalty-free copyright license"
        ],
        [
            r"prepare Derivative Works of, publicly display, publicly perform, Distribute and sublicense"
        ],
        [r"may not remove or alter any copyright, patent, trademark, attribution notices"],
        "file",
        [r"must be made available under this Agreement"],
        FILE_OUT,
    ),
    Sw(
        "OFL-1.1",
        "ofl-1.1",
        [
            r"Permission is hereby granted, free of charge, to any person obtaining "
            r"a copy of the Font Software"
        ],
        [
            r"to use, study, copy, merge, embed, modify, redistribute, and sell modified and unmodified "
            r"copies of the Font Software"
        ],
        [
            r"Original or Modified Versions of the Font Software may be distributed under any"
            r"|each copy contains the above copyright notice and this license"
        ],
        "file",
        [
            r"The Font Software, modified or unmodified, in part or in whole, must be distributed "
            r"entirely under this license"
        ],
        ["fonts: modified fonts stay under OFL-1.1 and may not use Reserved Font Names"],
    ),
    gpl("GPL-2.0-only", "gpl-2.0", "2", False),
    gpl("GPL-2.0-or-later", "gpl-2.0-plus", "2", True),
    gpl("GPL-3.0-only", "gpl-3.0", "3", False),
    gpl("GPL-3.0-or-later", "gpl-3.0-plus", "3", True),
    gpl("AGPL-3.0-only", "agpl-3.0", "3", False, agpl=True),
    gpl("AGPL-3.0-or-later", "agpl-3.0-plus", "3", True, agpl=True),
    Sw(
        "LGPL-2.0-only",
        "lgpl-2.0",
        [
            *GPL2_GRANT[:0],
            r"You may copy and distribute verbatim copies of "
            r"the Library's complete source code",
        ],
        [r"You may modify your copy or copies of the Library or any portion of it"],
        [r"appropriate copyright notice"],
        "file",
        LGPL2_CL,
        FILE_OUT,
    ),
    Sw(
        "LGPL-2.0-or-later",
        "lgpl-2.0-plus",
        [
            r"You may copy and distribute verbatim copies of the "
            r"Library's complete source code",
            r"either version 2 of the License, or \(at your option\) any later version",
        ],
        [r"You may modify your copy or copies of the Library", r"modify it under the terms"],
        [r"appropriate copyright notice", r"This library is distributed in the hope"],
        "file",
        [*LGPL2_CL, r"GNU Library General Public License"],
        FILE_OUT,
    ),
    Sw(
        "LGPL-2.1-only",
        "lgpl-2.1",
        [
            r"You may copy and distribute verbatim copies of the Library's "
            r"complete source code"
        ],
        [r"You may modify your copy or copies of the Library or any portion of it"],
        [r"appropriate copyright notice"],
        "file",
        LGPL2_CL,
        FILE_OUT,
    ),
    Sw(
        "LGPL-2.1-or-later",
        "lgpl-2.1-plus",
        [
            r"You may copy and distribute verbatim copies of the "
            r"Library's complete source code",
            r"either version 2\.1 of the License, or \(at your option\) any later version",
        ],
        [r"You may modify your copy or copies of the Library", r"modify it under the terms"],
        [r"appropriate copyright notice", r"This library is distributed in the hope"],
        "file",
        [*LGPL2_CL, r"GNU Lesser General Public License"],
        FILE_OUT,
    ),
    Sw(
        "LGPL-3.0-only",
        "lgpl-3.0",
        [
            r"You may convey a covered work under sections 3 and 4 of this "
            r"License without being bound by section 3 of the GNU GPL"
        ],
        [r"If you modify a copy of the Library"],
        [r"Accompany the object code with a copy of the GNU GPL"],
        "file",
        LGPL3_CL,
        FILE_OUT,
    ),
    Sw(
        "LGPL-3.0-or-later",
        "lgpl-3.0-plus",
        [
            r"You may convey a covered work under sections 3 and 4",
            r"either version 3 of the License, or \(at your option\) any later version",
        ],
        [r"If you modify a copy of the Library", r"modify it under the terms"],
        [
            r"Accompany the object code with a copy of the GNU GPL",
            r"This (?:program|library) is distributed",
        ],
        "file",
        [*LGPL3_CL, r"GNU Lesser General Public License"],
        FILE_OUT,
    ),
]


def software_records(texts: Path) -> list[dict[str, Any]]:
    out = []
    for row in ROWS:
        path = texts / f"{row.text}.LICENSE"
        text = read_text(path)
        url = f"https://spdx.org/licenses/{row.key}.html"
        terms = {
            "commercial_use": Term("yes", row.grant, "the grant is not limited by purpose."),
            "derivatives": Term("yes", row.modify),
            "attribution": Term(
                row.notice_value,
                row.notice or [],
                "" if row.notice else "no notice condition in the text.",
            ),
            "share_alike": Term(
                row.share_alike,
                row.copyleft or row.grant,
                "" if row.copyleft else "no copyleft condition in the text.",
            ),
            "non_commercial": Term("no", row.grant, "no non-commercial restriction in the text."),
            "no_derivatives": Term("no", row.modify),
            "research_only": Term("no", row.grant, "the grant is not limited to research."),
            "ai_training": Term("silent", [], AI_NOTE),
            "output_terms": Term(
                None,
                row.copyleft,
                "downstream obligations: " + ("; ".join(row.output) or "none beyond the notice"),
            ),
            "mau_limit": Term(None, [], "no user-count limit in the text."),
        }
        fm = front_matter(path)
        out.append(
            {
                "key": row.key,
                "name": fm.get("name", row.key),
                "kind": row.kind,
                "url": url,
                "text": row.text,
                "aliases": [row.text, *row.aliases],
                "terms": {
                    k: t.value for k, t in terms.items() if k not in ("output_terms", "mau_limit")
                },
                "output_terms": row.output,
                "mau_limit": None,
                "evidence": {k: [evidence(text, t, url)] for k, t in terms.items()},
                **({"notes": row.notes} if row.notes else {}),
            }
        )
    return out
