"""Creative Commons records: one table of element clauses, expanded over every CC key we hold.

Each element (BY, NC, ND, SA) lists patterns for the clause that creates it, per language;
the quote and its section are cut out of each variant's own text, so ports quote their own
wording. A term whose clause is not found is written as unverified.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, front_matter, read_text

ELEMENTS_CLAUSE = [  # the "license elements" definition ports carry, listing the elements
    r'Unter (?:den )?[„"]Lizenzelement(?:en)?[“"][^.]*\.',
    r"« Options du Contrat »[^.]*\.",
    r"\"Licentie-elementen\"[^.]*\.",
    r"「ライセンス要素」[^。]*",
    r'"Licen[cs]e Elements" means[^.]*\.',
]

GRANT = [
    r"reproduce and Share the Licensed Material, in whole or in part",
    r"to reproduce the Work, to incorporate the Work into one or more Collections?",
    r"to Reproduce the Work, to incorporate the Work into one or more Collections",
    r"to reproduce the Work, to incorporate the Work into one or more Collective Works",
    r"Licensor hereby grants You a worldwide, royalty-free, non-exclusive",
    r"Der Lizenzgeber räumt Ihnen[^.]*",
    r"Unter den Bedingungen dieser Lizenz räumt Ihnen der Lizenzgeber",
    r"Unter den Bedingungen dieses Lizenzvertrages räumt Ihnen der Lizenzgeber",
    r"verleent de Licentiegever hierbij aan de Gebruiker",
    r"You may: \* copy the Work",
    r"This Creative Commons England and Wales Public Licence enables You",
    r"Die vorgenannte Nutzungsbewilligung wird für alle bekannten",
    r"to Reproduce, Distribute and Publicly Perform the Work, to incorporate the Work",
    r"Distribute and publicly perform the Work",
    r"Licentiegever[^.]*verleent[^.]*",
    r"l'Offrant accorde[^.]*",
    r"許諾者はあなたに[^。]*",
    *ELEMENTS_CLAUSE,
]

ADAPT = [
    r"produce, reproduce, and Share Adapted Material",
    r"to create and (?:R|r)eproduce (?:Adaptations|Derivative Works)",
    r"to create and reproduce Derivative Works",
    r"to distribute copies or phonorecords of, display publicly, perform publicly, and perform "
    r"publicly by means of a digital audio transmission Derivative Works",
    r"Bearbeitungen[^.]*zu (?:erstellen|vervielfältigen)",
    r"Abwandlungen des Schutzgegenstandes anzufertigen",
    r"[Dd]en Schutzgegenstand zu bearbeiten",
    r"create and Reproduce one or more Derivative Works",
    r"to create, Reproduce, Distribute and Publicly Perform Adaptations",
    r"create one or more derivative Works",
    r"create one or more Derivative Works",
    r"het maken en reproduceren van Afgeleide werken",
    r"bewerkingen[^.]*",
    r"Oeuvres? (?:dites )?Dérivées?",
    r"二次的著作物を作成",
    *ELEMENTS_CLAUSE,
]

BY = [
    r"If You Share the Licensed Material(?: \(including in modified form\))?, You must:",
    r"You must keep intact all copyright notices for the Work",
    r"provided that You credit the Original Author",
    r"Sie sind verpflichtet, die Urheberschaft oder die Rechteinhaberschaft in einer der Nutzung "
    r"entsprechenden, angemessenen Form anzuerkennen",
    r"Die Verbreitung und das öffentliche Zeigen des Schutzgegenstandes oder ihn enthaltender "
    r"Sammelwerke ist Ihnen nur unter der Bedingung gestattet",
    r"Die Verbreitung und das öffentliche Zeigen des Schutzgegenstandes oder auf ihm aufbauender "
    r"Abwandlungen oder ihn enthaltender Sammelwerke ist Ihnen nur unter der Bedingung gestattet",
    r"Tevens dient de Gebruiker, op een wijze die redelijk is in verhouding tot het gebruikte "
    r"medium, de naam te vermelden",
    r"You must,? (?:unless a request has been made pursuant to Section 4\(a\), )?keep intact all "
    r"copyright notices for the Work",
    r"keep intact all copyright notices for the Work",
    r"Namensnennung[^.]*(?:anzugeben|nennen|Urheber)[^.]*",
    r"(?:naam|vermelding) van de (?:oorspronkelijke )?[Mm]aker[^.]*",
    r"L'Acceptant doit[^.]*(?:auteur|Auteur)[^.]*",
    r"原著作者のクレジット[^。]*",
    *ELEMENTS_CLAUSE,
]

NC = [
    r"reproduce and Share the Licensed Material, in whole or in part, for NonCommercial purposes "
    r"only",
    r"You may not exercise any of the rights granted to You in Section 3 above in any manner that is "
    r"primarily intended for or directed toward commercial advantage or private monetary",
    r"commercial advantage or private monetary compensation",
    r"nicht vorrangig auf einen geschäftlichen Vorteil oder eine geldwerte Vergütung gerichtet",
    r"profit commercial ou une compensation financière personnelle",
    r"commercieel voordeel",
    r"営利目的",
    *ELEMENTS_CLAUSE,
]

ND = [
    r"produce and reproduce, but not Share, Adapted Material",
    r"but otherwise you have no rights to make (?:Adaptations|Derivative Works)",
    r"The above rights may be exercised in all media and formats whether now known or hereafter "
    r"devised",
    r"keine Bearbeitungen",
    r"Weitergehende Änderungen oder Abwandlungen sind jedoch untersagt",
    r"Abwandlungen[^.]*nicht",
    r"geen bewerkingen",
    *ELEMENTS_CLAUSE,
]

SA = [
    r"if You Share Adapted Material You produce, the following conditions also apply",
    r"You may (?:Distribute or Publicly Perform an Adaptation|distribute, publicly display, "
    r"publicly perform, or publicly digitally perform a Derivative Work) only under",
    r"Sie dürfen eine Bearbeitung ausschließlich unter den Bedingungen dieser Lizenz",
    r"Sie dürfen eine Abwandlung ausschließlich unter den Bedingungen",
    r"Further licence from You",
    r"Abwandlungen[^.]*nur unter[^.]*",
    r"uniquement sous les termes de ce Contrat",
    r"同一のライセンス要素を含む",
    *ELEMENTS_CLAUSE,
]

AI_NOTE = (
    "The license text does not mention machine learning or AI training; whether training is "
    "an exercise of the licensed rights, and so subject to the conditions, is not settled by "
    "the text (silent)."
)

_ID = re.compile(r"^CC-((?:BY|NC|ND|SA)(?:-(?:NC|ND|SA))*)-(\d\.\d)(?:-([A-Z]+))?$")


def cc_url(elements: str, version: str, port: str | None) -> str:
    path = f"{elements.lower()}/{version}/" + (f"{port.lower()}/" if port else "")
    return f"https://creativecommons.org/licenses/{path}legalcode"


def cc_record(spdx: str, text_path: Path) -> dict[str, Any] | None:
    """The record of one CC license; elements, version and port read from the ScanCode key."""
    m = _ID.match(text_path.stem.upper())
    if not m:
        return None
    elements, version, port = m.group(1), m.group(2), m.group(3)
    parts = set(elements.split("-"))
    text = read_text(text_path)
    url = cc_url(elements, version, port)
    fm = front_matter(text_path)
    v4 = version == "4.0"
    nc, nd, sa, by = "NC" in parts, "ND" in parts, "SA" in parts, "BY" in parts
    terms: dict[str, Term] = {
        "commercial_use": Term("no", NC) if nc else Term("yes", GRANT),
        "derivatives": (Term("private-only" if v4 else "no", ND) if nd else Term("yes", ADAPT)),
        "attribution": Term("yes", BY)
        if by
        else Term("unknown", [], "no Attribution element; notices may still have to be kept."),
        "share_alike": Term("strong", SA)
        if sa
        else Term("none", GRANT, "no ShareAlike condition in the text."),
        "non_commercial": Term("yes", NC)
        if nc
        else Term("no", GRANT, "no NonCommercial condition in the text."),
        "no_derivatives": Term("yes", ND) if nd else Term("no", ADAPT),
        "research_only": Term("no", GRANT, "the grant is not limited to research."),
        "ai_training": Term("silent", [], AI_NOTE),
        "output_terms": Term(None, [], "downstream obligations follow the license elements."),
        "mau_limit": Term(None, [], "no user-count limit in the text."),
    }
    out_terms = []
    if by:
        out_terms.append("attribution: credit the creator and keep the license notice when sharing")
    if nc:
        out_terms.append("non-commercial: recipients may not use it commercially either")
    if nd:
        out_terms.append("no-derivatives: adapted material may not be shared")
    if sa:
        out_terms.append(
            "share-alike: adaptations shared must carry the same or a compatible license"
        )
    record: dict[str, Any] = {
        "key": spdx,
        "name": fm.get("name", spdx),
        "kind": "content",
        "url": url,
        "text": text_path.stem,
        "terms": {k: t.value for k, t in terms.items() if k not in ("output_terms", "mau_limit")},
        "output_terms": out_terms,
        "mau_limit": None,
        "evidence": {k: [evidence(text, t, url)] for k, t in terms.items()},
    }
    ev = record["evidence"]
    ev["output_terms"] = [
        evidence(text, Term(None, patterns), url)
        for present, patterns in ((by, BY), (nc, NC), (nd, ND), (sa, SA))
        if present
    ] or ev["output_terms"]
    if v4:
        for items in ev.values():
            for item in items:
                if item.get("section"):
                    item["section"] = _v4_official_section(item["section"])
    ev["ai_training"].append(cc_ai_evidence())
    return record


def _v4_official_section(section: str) -> str:
    """``Section 2(a)(1)(a)`` -> ``Section 2(a)(1)(A)``: the CC 4.0 legal code letters its
    fourth level in capitals (https://creativecommons.org/licenses/by/4.0/legalcode.en,
    Section 2(a)(1)(A)-(B)); ScanCode's copy of the text lowercases them."""
    m = re.fullmatch(r"(Section \d+\([a-z]\)\(\d+\))\(([a-z])\)", section)
    return f"{m.group(1)}({m.group(2).upper()})" if m else section


CC_GENAI = "cc-genai-2023"
CC_GENAI_URL = "https://creativecommons.org/2023/08/18/understanding-cc-licenses-and-generative-ai/"


def cc_ai_evidence() -> dict[str, Any]:
    """Creative Commons' own reading of its licenses and AI training (a blog post, not a term)."""
    text = read_text(Path(__file__).parent / "texts" / f"{CC_GENAI}.LICENSE")
    term = Term(
        "silent",
        [
            r"=However, the licenses do not supersede existing limitations and exceptions; in "
            r"other words, as a licensor, you cannot use the licenses to prohibit a use if it is "
            r"otherwise permitted by limitations and exceptions to copyright\."
        ],
        "Creative Commons' guidance, not license text: the licenses grant permission where "
        "copyright requires it and cannot prohibit uses that exceptions permit.",
        section="CC licensing and training AI on copyrighted works",
    )
    out = evidence(text, term, CC_GENAI_URL, accessed="2026-11-29")
    out["text"] = CC_GENAI
    return out
