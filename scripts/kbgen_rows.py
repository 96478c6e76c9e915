"""Explicit rows: data licenses and public-domain tools, each term with its clause patterns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, front_matter, read_text

SILENT = "The text does not mention machine learning or AI training (silent)."


@dataclass
class Row:
    key: str
    text: str
    kind: str
    url: str
    terms: dict[str, Term]
    output: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    mau: int | None = None
    notes: str = ""


def pd_row(
    key: str,
    text: str,
    url: str,
    grant: list[str],
    commercial: list[str],
    ai: Term | None = None,
    aliases: list[str] | None = None,
    notes: str = "",
) -> Row:
    return Row(
        key,
        text,
        "public-domain-dedication",
        url,
        {
            "commercial_use": Term("yes", commercial),
            "derivatives": Term("yes", grant),
            "attribution": Term("no", grant, "no attribution condition in the text."),
            "share_alike": Term("none", grant, "no share-alike condition in the text."),
            "non_commercial": Term("no", commercial),
            "no_derivatives": Term("no", grant),
            "research_only": Term("no", commercial),
            "ai_training": ai or Term("silent", [], SILENT),
            "output_terms": Term(None, [], "no downstream obligations in the text."),
            "mau_limit": Term(None, [], "no user-count limit in the text."),
        },
        aliases=aliases or [text],
        notes=notes,
    )


CDLA_GRANT = [
    r"Data Provider\(s\) hereby grant\(s\) to You a worldwide, non-exclusive, irrevocable"
]
CDLA_RESULTS = [
    r"This Agreement imposes no obligations or restrictions on Your Use or Publication of "
    r"Results"
]
CDLA_ATTR = [r"Such retained credit or attribution includes"]
ODC_GRANT = [
    r"These rights explicitly include commercial use, and do not exclude any field of "
    r"endeavour"
]
ODC_DERIV = [r"Creation of Derivative Databases"]
ODC_ATTR = [
    r"If You Publicly Convey this Database, any Derivative Database, or the Database as part "
    r"of a Collective Database, then You must"
]
ODC_PRODUCED = [r"However, if you Publicly Use a Produced Work, You must include a notice"]
ODBL_SA = [r"Any Derivative Database that You Publicly Use must be only under the terms of"]


def data_row(
    key: str,
    text: str,
    url: str,
    grant: list[str],
    deriv: list[str],
    attr: list[str],
    sa: str,
    sa_p: list[str],
    ai: Term,
    output: list[str],
) -> Row:
    return Row(
        key,
        text,
        "data",
        url,
        {
            "commercial_use": Term("yes", grant),
            "derivatives": Term("yes", deriv),
            "attribution": Term("yes", attr),
            "share_alike": Term(sa, sa_p or grant, "" if sa_p else "no share-alike condition."),
            "non_commercial": Term("no", grant),
            "no_derivatives": Term("no", deriv),
            "research_only": Term("no", grant),
            "ai_training": ai,
            "output_terms": Term(None, sa_p or attr),
            "mau_limit": Term(None, [], "no user-count limit in the text."),
        },
        output=output,
        aliases=[text],
    )


ROWS: list[Row] = [
    pd_row(
        "CC0-1.0",
        "cc0-1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
        [
            r"Affirmer hereby overtly, fully, permanently, irrevocably and unconditionally waives, "
            r"abandons, and surrenders all of Affirmer's Copyright and Related Rights"
        ],
        [
            r"for any purpose whatsoever, including without limitation commercial, advertising or "
            r"promotional purposes"
        ],
    ),
    pd_row(
        "CC-PDDC",
        "cc-pd",
        "https://creativecommons.org/licenses/publicdomain/",
        [
            r"the Work may be freely reproduced, distributed, transmitted, used, modified, built upon"
        ],
        [r"by anyone for any purpose, commercial or non-commercial"],
    ),
    pd_row(
        "CC-PDM-1.0",
        "cc-pdm-1.0",
        "https://creativecommons.org/publicdomain/mark/1.0/",
        [
            r"You can copy, modify, distribute and perform the work, even for commercial purposes, "
            r"all without asking permission"
        ],
        [r"even for commercial purposes"],
        aliases=["cc-pdm-1.0", "LicenseRef-PDM", "pdm"],
        notes="A mark, not a license: it labels a work as free of known copyright.",
    ),
    pd_row(
        "PDDL-1.0",
        "pddl-1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
        [r"combine this data or database with other databases or data, and share their changes"],
        [r"Recipients may use this work commercially"],
    ),
    data_row(
        "CDLA-Permissive-1.0",
        "cdla-permissive-1.0",
        "https://cdla.dev/permissive-1-0/",
        CDLA_GRANT,
        CDLA_GRANT,
        CDLA_ATTR,
        "none",
        [],
        Term(
            "permitted",
            [
                *CDLA_RESULTS,
                r"\"Computational Use\" includes the application of "
                r"any computational analytical technique",
            ],
            "Results of Computational Use are free of the agreement's obligations.",
        ),
        ["publishing the data requires giving the text of the agreement and keeping credits"],
    ),
    data_row(
        "CDLA-Sharing-1.0",
        "cdla-sharing-1.0",
        "https://cdla.dev/sharing-1-0/",
        CDLA_GRANT,
        CDLA_GRANT,
        CDLA_ATTR,
        "data",
        [r"The Data \(including the Enhanced Data\) must be Published under this Agreement"],
        Term(
            "permitted",
            CDLA_RESULTS,
            "Results of Computational Use are free of the agreement's obligations.",
        ),
        ["published data and enhanced data must stay under CDLA-Sharing-1.0"],
    ),
    data_row(
        "CDLA-Permissive-2.0",
        "cdla-permissive-2.0",
        "https://cdla.dev/permissive-2-0/",
        [
            r"A Data Recipient may use, modify, and share the Data made available by Data "
            r"Provider\(s\) under this agreement"
        ],
        [r"A Data Recipient may share Data, with or without modifications"],
        [
            r"so long as the Data Recipient makes available the text of this agreement with the "
            r"shared Data"
        ],
        "none",
        [],
        Term(
            "permitted",
            [
                r"=\"Results\" means any outcome obtained by computational analysis "
                r"of Data, including for example machine learning models and models' "
                r"insights\.",
                r"This agreement does not impose any restriction or "
                r"obligations with respect to the use, modification, or sharing of "
                r"Results",
            ],
            "Results expressly include machine learning models and carry no obligations.",
        ),
        ["sharing the data requires making the agreement text available"],
    ),
    data_row(
        "ODC-By-1.0",
        "odc-by-1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
        ODC_GRANT,
        ODC_DERIV,
        ODC_ATTR + ODC_PRODUCED,
        "none",
        [],
        Term("silent", [], SILENT),
        ["attribution notices for the database; a notice with publicly used Produced Works"],
    ),
    data_row(
        "ODbL-1.0",
        "odbl-1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        ODC_GRANT,
        ODC_DERIV,
        ODC_ATTR + ODC_PRODUCED,
        "data",
        ODBL_SA,
        Term("silent", [], SILENT),
        [
            "publicly used derivative databases must be under ODbL-1.0 or a compatible license",
            "a notice with publicly used Produced Works",
        ],
    ),
]


def row_records(texts: Path) -> list[dict[str, Any]]:
    out = []
    for row in ROWS:
        path = texts / f"{row.text}.LICENSE"
        text = read_text(path)
        out.append(
            {
                "key": row.key,
                "name": front_matter(path).get("name", row.key),
                "kind": row.kind,
                "url": row.url,
                "text": row.text,
                "aliases": row.aliases,
                "terms": {
                    k: t.value
                    for k, t in row.terms.items()
                    if k not in ("output_terms", "mau_limit")
                },
                "output_terms": row.output,
                "mau_limit": row.mau,
                "evidence": {k: [evidence(text, t, row.url)] for k, t in row.terms.items()},
                **({"notes": row.notes} if row.notes else {}),
            }
        )
    return out
