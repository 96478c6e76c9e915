"""The long tail of common licenses: generic clause patterns, per-row copyleft and limits.

A row names its SPDX id, ScanCode text, kind and the values that differ from a permissive
license; the grant, modification and notice clauses are found with generic patterns (tried in
order), so a clause the patterns miss is written as unverified rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, front_matter, read_text

SILENT = "The license text does not mention machine learning or AI training (silent)."

GRANT = [
    r"grants? (?:to )?(?:You|you|Recipient|Licensee)[^.]*copyright licen[cs]e",
    r"Permission is hereby granted",
    r"hereby granted, free of charge",
    r"Permission to use, copy, modify",
    r"Permission to copy, modify",
    r"Redistribution and use in source and binary forms",
    r"You may (?:copy|reproduce|use)",
    r"grants? you a (?:worldwide|world-wide|non-exclusive|royalty-free|perpetual)",
    r"Licensor grants",
]
MODIFY = [
    r"(?:prepare|create) (?:derivative works|Derivative Works|Modifications|adaptations)",
    r"with or without modification, are permitted",
    r"adapt the Information",
    r"to (?:use, )?copy, modify",
    r"use, copy, modify",
]
NOTICE = [
    r"must (?:retain|reproduce|include|keep intact|give)[^.]*(?:notice|attribution|credit)",
    r"(?:copyright|attribution) notice[^.]*(?:must|shall)",
    r"shall be included in all copies",
    r"above copyright notice[^.]*appear in all copies",
    r"copyright and permission notice appear",
    r"acknowledge the source of the Information",
]
GPL3_GRANT = [
    r"You may make, run and propagate covered works that you do not convey, without "
    r"conditions"
]
GPL3_MODIFY = [
    r"You may convey a work based on the Program, or the modifications to produce it "
    r"from the Program"
]
GPL3_NOTICE = [r"keep intact all notices stating that this License and any non-permissive terms"]
GPL1_MODIFY = [r"You may modify your copy or copies of the Program or any portion of it"]
GPL1_NOTICE = [
    r"conspicuously and appropriately publish on each copy a valid copyright notice",
    r"conspicuously and appropriately publish on each copy",
]
GFDL_MODIFY = [
    r"You may copy and distribute a Modified Version of the Document under the "
    r"conditions of sections 2 and 3 above"
]
GFDL_NOTICE = [r"List on the Title Page, as authors, one or more persons or entities responsible"]


@dataclass
class More:
    key: str
    text: str
    kind: str = "software"
    share_alike: str = "none"
    copyleft: list[str] = field(default_factory=list)
    commercial: str = "yes"
    commercial_p: list[str] = field(default_factory=list)
    derivatives: str = "yes"
    attribution: str = "yes"
    ai: str = "silent"
    ai_p: list[str] = field(default_factory=list)
    ai_note: str = SILENT
    output: list[str] = field(default_factory=list)
    notes: str = ""
    url: str = ""
    grant: list[str] = field(default_factory=list)  # overrides of the generic patterns
    modify: list[str] = field(default_factory=list)
    notice: list[str] = field(default_factory=list)


COPY_FILE = ["file copyleft: modified files of the licensed code stay under the same license"]
COPY_STRONG = ["copyleft: distributed derivative works must be licensed under the same license"]

ROWS: list[More] = (
    [
        More(
            "MPL-1.1",
            "mpl-1.1",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[
                r"Any Modification which You create or to which You contribute must be made "
                r"available in Source Code form under the terms of this License"
            ],
        ),
        More(
            "EPL-1.0",
            "epl-1.0",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[
                r"When the Program is made available in source code form: a\) it must be made "
                r"available under this Agreement"
            ],
        ),
        More(
            "CDDL-1.0",
            "cddl-1.0",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[
                r"Any Covered Software that You distribute or otherwise make available in "
                r"Executable form must also be made available in Source Code form",
                r"Modifications That You create or to which You contribute are governed by the "
                r"terms of this License",
            ],
        ),
        More(
            "CDDL-1.1",
            "cddl-1.1",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[
                r"Modifications That You create or to which You contribute are governed by the "
                r"terms of this License"
            ],
        ),
        More(
            "EUPL-1.1",
            "eupl-1.1",
            share_alike="strong",
            output=COPY_STRONG,
            copyleft=[r"Copyleft clause:[^.]*"],
        ),
        More(
            "EUPL-1.2",
            "eupl-1.2",
            share_alike="strong",
            output=COPY_STRONG,
            copyleft=[r"Copyleft clause:[^.]*"],
        ),
        More("MS-PL", "ms-pl", grant=[r"Copyright Grant- Subject to the terms of this license"]),
        More(
            "MS-RL",
            "ms-rl",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[r"you must license it under this license"],
        ),
        More(
            "OSL-3.0",
            "osl-3.0",
            share_alike="network",
            output=COPY_STRONG,
            copyleft=[
                r"to distribute or communicate copies of the Original Work and Derivative Works "
                r"to the public, with the proviso that copies of Original Work or Derivative Works "
                r"that You distribute or communicate shall be licensed under this Open Software "
                r"License"
            ],
        ),
        More("AFL-3.0", "afl-3.0"),
        More("Apache-1.1", "apache-1.1"),
        More(
            "Python-2.0",
            "python",
            notice=[
                r"provided, however, that PSF's License Agreement and PSF's notice of copyright"
            ],
        ),
        More("Unicode-DFS-2016", "unicode-dfs-2016"),
        More("UPL-1.0", "upl-1.0"),
        More("ECL-2.0", "ecl-2.0"),
        More(
            "BlueOak-1.0.0",
            "blueoak-1.0.0",
            grant=[
                r"Each contributor licenses you to do everything with this software that would "
                r"otherwise infringe that contributor's copyright in it"
            ],
            modify=[r"with or without changes"],
            notice=[
                r"You must ensure that everyone who gets a copy of any part of this software from "
                r"you, with or without changes, also gets the text of this license"
            ],
        ),
        More("PostgreSQL", "postgresql"),
        More("curl", "curl"),
        More("NCSA", "uoi-ncsa"),
        More("HPND", "historical"),
        More("BSD-3-Clause-Clear", "clear-bsd"),
        More("BSD-4-Clause", "bsd-original"),
        More("libpng-2.0", "libpng-v2"),
        More(
            "LPPL-1.3c",
            "lppl-1.3c",
            notes="Modified versions must be renamed or identified (Section 6).",
        ),
        More(
            "JSON",
            "json",
            commercial="yes",
            notes="'The Software shall be used for Good, not Evil.'",
        ),
        More("Ruby", "ruby"),
        More("OpenSSL", "openssl-ssleay"),
        More("MulanPSL-2.0", "mulanpsl-2.0"),
        More("ZPL-2.1", "zpl-2.1"),
        More(
            "CECILL-2.1",
            "cecill-2.1",
            share_alike="strong",
            output=COPY_STRONG,
            copyleft=[r"governed by the provisions of this Agreement"],
        ),
        More("Artistic-1.0", "artistic-1.0"),
        More(
            "CPL-1.0",
            "cpl-1.0",
            share_alike="file",
            output=COPY_FILE,
            copyleft=[r"it must be made available under this Agreement"],
        ),
        More(
            "OFL-1.0",
            "ofl-1.0",
            share_alike="file",
            copyleft=[r"must be distributed (?:entirely )?under this license"],
        ),
        More(
            "GPL-1.0-only",
            "gpl-1.0",
            share_alike="strong",
            output=COPY_STRONG,
            copyleft=[
                r"cause the whole of any work that you distribute or publish, that in whole or in "
                r"part contains the Program or any part thereof, either with or without "
                r"modifications, to be licensed at no charge to all third parties"
            ],
        ),
        More(
            "GPL-1.0-or-later",
            "gpl-1.0-plus",
            share_alike="strong",
            output=COPY_STRONG,
            copyleft=[
                r"to be licensed at no charge to all third parties",
                r"either version 1, or \(at your option\) any later version",
            ],
        ),
    ]
    + [
        More(
            f"GFDL-{v}-{suffix}",
            f"gfdl-{v}{'-plus' if suffix == 'or-later' else ''}",
            kind="content",
            modify=GFDL_MODIFY,
            notice=GFDL_NOTICE,
            share_alike="strong",
            output=[
                "copyleft: modified versions of the document must be "
                "released under the same license"
            ],
            copyleft=[
                r"You may copy and distribute a Modified Version of the Document under the "
                r"conditions of sections 2 and 3 above, provided that you release the Modified "
                r"Version under precisely this License",
                r"under precisely this License",
            ],
        )
        for v in ("1.1", "1.2", "1.3")
        for suffix in ("only", "or-later")
    ]
    + [
        More(
            "SSPL-1.0",
            "mongodb-sspl-1.0",
            grant=GPL3_GRANT,
            modify=GPL3_MODIFY,
            notice=GPL3_NOTICE,
            share_alike="network",
            output=[
                "offering the program as a service requires releasing the service source code "
                "under this license (Section 13)"
            ],
            copyleft=[
                r"If you make the functionality of the Program or a modified version available "
                r"to third parties as a service, you must make the Service Source Code available"
            ],
        ),
        More(
            "BUSL-1.1",
            "bsl-1.1",
            commercial="unknown",
            kind="software",
            commercial_p=[
                r"The Licensor hereby grants you the right to copy, modify, create derivative "
                r"works, redistribute, and make non-production use of the Licensed Work"
            ],
            notes="Production use needs a commercial license unless an Additional Use Grant allows "
            "it; converts to the Change License on the Change Date.",
        ),
        More(
            "Elastic-2.0",
            "elastic-license-v2",
            commercial="unknown",
            commercial_p=[
                r"You may not provide the software to third parties as a hosted or managed "
                r"service"
            ],
            notes="Commercial use is allowed except providing the software as a managed service.",
        ),
        More(
            "PolyForm-Noncommercial-1.0.0",
            "polyform-noncommercial-1.0.0",
            commercial="no",
            commercial_p=[r"Any noncommercial purpose is a permitted purpose"],
        ),
        More(
            "PolyForm-Small-Business-1.0.0",
            "polyform-small-business-1.0.0",
            commercial="unknown",
            commercial_p=[
                r"You may use the software for the benefit of your company if it meets all "
                r"these criteria",
                r"[Ss]mall [Bb]usiness[^.]*",
            ],
            grant=[
                r"The licensor grants you a copyright license for the software to do everything you "
                r"might do with the software"
            ],
            modify=[
                r"The licensor grants you an additional copyright license to make changes and new "
                r"works based on the software"
            ],
            notice=[
                r"You must ensure that anyone who gets a copy of any part of the software from you "
                r"also gets a copy of these terms"
            ],
            notes="Commercial use only by small businesses (fewer than 100 people, under USD 1M "
            "revenue; see the text).",
        ),
        More("OGL-UK-3.0", "ogl-uk-3.0", kind="data"),
        More("etalab-2.0", "etalab-2.0", kind="data"),
        More("NLOD-2.0", "nlod-2.0", kind="data"),
        More(
            "DL-DE-BY-2.0",
            "dl-de-by-2-0-de",
            kind="data",
            grant=[
                r"Die bereitgestellten Daten und Metadaten dürfen für die kommerzielle und nicht "
                r"kommerzielle Nutzung"
            ],
            modify=[
                r"=vervielfältigt, ausgedruckt, präsentiert, verändert, bearbeitet sowie an Dritte "
                r"übermittelt werden;"
            ],
            notice=[
                r"Bei der Nutzung ist sicherzustellen, dass folgende Angaben als Quellenvermerk "
                r"enthalten sind"
            ],
        ),
        More(
            "O-UDA-1.0",
            "o-uda-1.0",
            kind="data",
            attribution="yes",
            ai="permitted",
            ai_p=[
                r"Artificial intelligence models trained on Data \(and which do not include more "
                r"than a de minimis portion of Data\) are Results"
            ],
            ai_note="AI models trained on the Data are Results, outside the agreement's conditions.",
        ),
        More(
            "C-UDA-1.0",
            "c-uda-1.0",
            kind="data",
            commercial="yes",
            ai="permitted",
            ai_p=[
                r"Artificial intelligence models trained on Data \(and which do not include more "
                r"than a de minimis portion of Data\) are Results",
                r"The C-UDA does not impose any restriction with respect to the use, modification, "
                r"or distribution of Results",
            ],
            ai_note="AI models trained on the Data are Results, on which the agreement imposes "
            "no restriction.",
        ),
    ]
)


ROWS += [
    More("Apache-1.0", "apache-1.0"),
    More("BSD-2-Clause-Patent", "bsd-plus-patent"),
    More("PHP-3.01", "php-3.01"),
    More("ZPL-2.0", "zpl-2.0"),
    More("W3C", "w3c"),
    More("Python-2.0.1", "python-2.0.1"),
    More("ICU", "x11"),
    More("CERN-OHL-P-2.0", "cern-ohl-p-2.0", kind="software"),
    More("OGL-UK-2.0", "ogl-uk-2.0", kind="data"),
    More(
        "NCGL-UK-2.0",
        "ncgl-uk-2.0",
        kind="data",
        commercial="no",
        commercial_p=[
            r"The Licensor grants you a worldwide, royalty-free, perpetual, non-exclusive licence "
            r"to use the Information for Non-Commercial purposes only"
        ],
        output=["onward licensing must also be for Non-Commercial purposes only"],
    ),
    More(
        "DL-DE-ZERO-2.0",
        "dl-de-zero-2.0",
        kind="data",
        attribution="no",
        grant=[r"Jede Nutzung ist ohne Einschränkungen oder Bedingungen zulässig"],
        modify=[r"altered, processed and transmitted to third parties"],
    ),
    More(
        "Sleepycat",
        "sleepycat",
        share_alike="strong",
        output=COPY_STRONG,
        copyleft=[
            r"Redistributions in any form must be accompanied by information on how to obtain "
            r"complete source code for the DB software and any accompanying software that uses "
            r"the DB software"
        ],
    ),
    More(
        "EUPL-1.0",
        "eupl-1.0",
        share_alike="strong",
        output=COPY_STRONG,
        copyleft=[r"Copyleft clause:[^.]*"],
    ),
]

# the generic notice patterns would quote a condition for a license that has none
NO_NOTICE = {"DL-DE-ZERO-2.0": [r"Jede Nutzung ist ohne Einschränkungen oder Bedingungen zulässig"]}


def more_records(texts: Path) -> list[dict[str, Any]]:
    out = []
    for row in ROWS:
        path = texts / f"{row.text}.LICENSE"
        text = read_text(path)
        url = row.url or f"https://spdx.org/licenses/{row.key}.html"
        nc = row.commercial == "no"
        extra = OVERRIDES.get(row.key, {})
        grant = extra.get("grant", []) + row.grant + GRANT
        modify = extra.get("modify", []) + row.modify + MODIFY
        copyleft = extra.get("copyleft", []) + row.copyleft
        terms = {
            "commercial_use": Term(row.commercial, row.commercial_p or grant),
            "derivatives": Term(row.derivatives, modify),
            "attribution": Term(
                row.attribution,
                NO_NOTICE.get(row.key) or extra.get("notice", []) + row.notice + NOTICE,
            ),
            "share_alike": Term(
                row.share_alike,
                copyleft or grant,
                "" if copyleft else "no copyleft condition found in the text.",
            ),
            "non_commercial": Term(
                "yes" if nc else ("unknown" if row.commercial == "unknown" else "no"),
                row.commercial_p or grant,
            ),
            "no_derivatives": Term("no", modify),
            "research_only": Term("no", row.commercial_p or grant),
            "ai_training": Term(row.ai, row.ai_p, row.ai_note),
            "output_terms": Term(
                None,
                copyleft,
                "; ".join(row.output) or "no downstream obligations beyond the notice",
            ),
            "mau_limit": Term(None, [], "no user-count limit in the text."),
        }
        out.append(
            {
                "key": row.key,
                "name": front_matter(path).get("name", row.key),
                "kind": row.kind,
                "url": url,
                "text": row.text,
                "aliases": [row.text],
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


# Clause patterns for rows whose wording the generic patterns miss or mismatch.
OVERRIDES: dict[str, dict[str, list[str]]] = {
    "CECILL-2.1": {
        "grant": [
            r"The Licensor hereby grants to the Licensee, who accepts, the following rights "
            r"over the Software for any or all use"
        ],
        "notice": [
            r"not to remove, or modify, in any manner, the intellectual property notices "
            r"attached to the Software"
        ],
        "copyleft": [
            r"the terms and conditions for the distribution of the resulting Modified "
            r"Software become subject to all the provisions of this Agreement"
        ],
    },
    "BUSL-1.1": {
        "grant": [
            r"The Licensor hereby grants you the right to copy, modify, create derivative works"
        ],
        "notice": [
            r"You must conspicuously display this License on each original or modified "
            r"copy of the Licensed Work"
        ],
    },
    "MPL-1.1": {
        "grant": [
            r"The Initial Developer hereby grants You a world-wide, royalty-free, "
            r"non-exclusive license"
        ],
        "modify": [
            r"to use, reproduce, modify, display, perform, sublicense and distribute the "
            r"Original Code"
        ],
    },
    "CDDL-1.0": {
        "grant": [
            r"the Initial Developer hereby grants You a world-wide, royalty-free, "
            r"non-exclusive license"
        ],
        "modify": [
            r"to use, reproduce, modify, display, perform, sublicense and distribute the "
            r"Original Software"
        ],
    },
    "CDDL-1.1": {
        "copyleft": [
            r"must also be made available in Source Code form and that Source Code form "
            r"must be distributed only under the terms of this License"
        ],
        "grant": [
            r"the Initial Developer hereby grants You a world-wide, royalty-free, "
            r"non-exclusive license"
        ],
        "modify": [
            r"to use, reproduce, modify, display, perform, sublicense and distribute the "
            r"Original Software"
        ],
    },
    "EPL-1.0": {"notice": [r"Contributors may not remove or alter any copyright notices"]},
    "EUPL-1.2": {
        "grant": [
            r"The Licensor hereby grants You a world-?wide, royalty-free, non-exclusive, "
            r"sub-? ?licen[cs]able licence"
        ],
        "modify": [r"modify the Work, and make Derivative Works"],
    },
    "MS-PL": {"grant": [r"Copyright Grant- Subject to the terms of this license"]},
    "Python-2.0": {
        "notice": [r"provided, however, that PSF's License Agreement and PSF's notice of copyright"]
    },
    "GPL-1.0-only": {
        "modify": [r"You may modify your copy or copies of the Program or any portion of it"],
        "notice": [r"conspicuously and appropriately publish on each copy"],
    },
    "GPL-1.0-or-later": {
        "modify": [r"You may modify your copy or copies of the Program or any portion of it"],
        "notice": [r"conspicuously and appropriately publish on each copy"],
    },
    "SSPL-1.0": {
        "grant": [
            r"[Yy]ou may make, run and propagate covered works that you do not "
            r"convey, without conditions"
        ]
    },
    "UPL-1.0": {
        "grant": [
            r"permission is hereby granted to any person obtaining a copy of this "
            r"software"
        ]
    },
    "OFL-1.0": {
        "modify": [
            r"to use, study, copy, merge, embed, modify, redistribute, and sell modified and "
            r"unmodified copies"
        ],
        "notice": [r"provided that each copy contains the above copyright notice and this license"],
        "copyleft": [
            r"must be distributed using this license, and may not be distributed under "
            r"any other license"
        ],
    },
    "MulanPSL-2.0": {
        "modify": [r"copyright license to reproduce, use, modify, or distribute its Contribution"],
        "notice": [
            r"provided that you retain copyright, patent, trademark and disclaimer "
            r"statements"
        ],
    },
    "PolyForm-Noncommercial-1.0.0": {
        "modify": [
            r"The licensor grants you an additional copyright license to make changes and new "
            r"works"
        ],
        "notice": [
            r"You must ensure that anyone who gets a copy of any part of the software from "
            r"you also gets a copy of these terms"
        ],
    },
    "OGL-UK-3.0": {
        "modify": [r"distributing, copying, adapting, modifying"],
        "notice": [r"acknowledge the source of the Information in your product or application"],
    },
    "O-UDA-1.0": {
        "modify": [r"You may use, modify, and distribute the Data"],
        "notice": [
            r"You include with any Data you redistribute all credit or attribution "
            r"information"
        ],
    },
    "C-UDA-1.0": {
        "modify": [r"You may use, modify, and distribute the Data"],
        "notice": [
            r"You include with any Data you redistribute all credit or attribution "
            r"information"
        ],
    },
    "CPL-1.0": {"notice": [r"Contributors may not remove or alter any copyright notices"]},
    "libpng-2.0": {
        "notice": [
            r"This Copyright notice may not be removed or altered from any "
            r"source or altered source distribution"
        ]
    },
    "MS-RL": {
        "copyleft": [
            r"Reciprocal Grants- For any file you distribute that contains code "
            r"from the software"
        ]
    },
    "EUPL-1.1": {
        "grant": [
            r"The Licensor hereby grants You a world-?wide, royalty-free, non-exclusive, "
            r"sub-? ?licen[cs]able licence"
        ],
        "modify": [r"modify the Original Work, and make Derivative Works"],
    },
    "Apache-1.1": {"modify": [r"with or without modification, are permitted"]},
    "BSD-3-Clause-Clear": {"modify": [r"with or without modification, are permitted"]},
    "BSD-4-Clause": {"modify": [r"with or without modification, are permitted"]},
    "OpenSSL": {"modify": [r"with or without modification, are permitted"]},
    "ZPL-2.1": {"modify": [r"with or without modification, are permitted"]},
}
