"""Model licenses: Llama community licenses, Gemma terms, RAIL licenses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, front_matter, read_text

MAU = 700_000_000


@dataclass
class Model:
    key: str  # LicenseRef-<Hugging Face hub key>
    text: str
    url: str
    name: str
    aliases: list[str]
    terms: dict[str, Term]
    output: list[str]
    mau: int | None = None
    kind: str = "model"
    notes: str = ""
    extra_evidence: dict[str, list[Term]] = field(default_factory=dict)


def llama(version: str, hub: str, text: str, url: str, aup: str, old_rule: bool) -> Model:
    v = re.escape(version)
    grant = [
        r"=You are granted a non-exclusive, worldwide, non-\s?transferable and royalty-free limited "
        r"license under Meta's intellectual property or other rights owned by Meta embodied in the "
        r"Llama Materials to use, reproduce, distribute, copy, create derivative works of, and make "
        r"modifications to the Llama Materials\."
    ]
    mau = [
        rf"=If, on the (?:Meta )?Llama {v} version release date, the monthly active users[^.]*?700 "
        r"million monthly active users in the preceding calendar month, you must request a license "
        r"from Meta"
    ]
    built = [r"prominently display \"Built with (?:Meta )?Llama(?: \d)?\""]
    naming = [
        r"=If you use the Llama Materials[^.]*?to create, train, fine tune, or otherwise improve "
        r"an AI model, which is distributed or made available, you shall also include \"Llama[^\"]*\" "
        r"at the beginning of any such AI model name\."
    ]
    no_improve = [
        r"=You will not use the Llama Materials or any output or results of the Llama "
        r"Materials to improve any other large language model \(excluding (?:Meta )?Llama "
        rf"{v} or derivative works thereof\)\."
    ]
    aup_p = [
        r"=Your use of the Llama Materials must comply with applicable laws and regulations "
        r"\(including trade compliance laws and regulations\) and adhere to the Acceptable Use "
        r"Policy for the Llama Materials"
    ]
    notice = [
        r"=You must retain in all copies of the Llama Materials that you distribute the following "
        r"attribution notice within a \"Notice\" text file distributed as a part of such copies"
    ]
    ai = no_improve if old_rule else naming
    output = [
        f"Llama {version} acceptable use policy applies to all use, including of outputs ({aup})",
        "redistribution must include a copy of the agreement and the attribution Notice file",
    ]
    if version != "2":
        brand = "Meta Llama 3" if version == "3" else "Llama"
        prefix = "Llama 3" if version == "3" else "Llama"
        output += [
            f'"Built with {brand}" must be displayed prominently for products or services using it',
            "models trained or fine-tuned with Llama materials"
            + ("" if version == "3" else " or outputs")
            + f' and distributed must have "{prefix}" at the beginning of their name',
        ]
    if old_rule:
        output.append("outputs may not be used to improve any other large language model")
    terms = {
        "commercial_use": Term("yes", mau, "commercial use is allowed below the MAU threshold."),
        "derivatives": Term("yes", grant),
        "attribution": Term("yes", notice if version == "2" else built),
        "share_alike": Term("none", grant, "no copyleft; the agreement must accompany copies."),
        "non_commercial": Term("no", grant),
        "no_derivatives": Term("no", grant),
        "research_only": Term("no", grant),
        "ai_training": Term(
            "conditional",
            ai,
            "training other LLMs on Llama outputs is prohibited"
            if old_rule
            else "training a model with Llama materials or outputs is allowed; a distributed model "
            "must carry the Llama name",
        ),
        "output_terms": Term(None, aup_p + (naming if not old_rule else no_improve)),
        "mau_limit": Term(MAU, mau),
    }
    return Model(
        f"LicenseRef-{hub}",
        text,
        url,
        f"Llama {version} Community License Agreement",
        [hub, text],
        terms,
        output,
        MAU,
    )


import re  # noqa: E402

ROWS: list[Model] = [
    llama(
        "2",
        "llama2",
        "llama-2-license-2023",
        "https://ai.meta.com/llama/license/",
        "https://ai.meta.com/llama/use-policy",
        True,
    ),
    llama(
        "3",
        "llama3",
        "llama-3-license-2024",
        "https://llama.meta.com/llama3/license/",
        "https://llama.meta.com/llama3/use-policy",
        True,
    ),
    llama(
        "3.1",
        "llama3.1",
        "llama-3.1-license-2024",
        "https://www.llama.com/llama3_1/license/",
        "https://llama.meta.com/llama3_1/use-policy",
        False,
    ),
    llama(
        "3.2",
        "llama3.2",
        "llama-3.2-license-2024",
        "https://www.llama.com/llama3_2/license/",
        "https://www.llama.com/llama3_2/use-policy",
        False,
    ),
    llama(
        "3.3",
        "llama3.3",
        "llama-3.3-license-2024",
        "https://www.llama.com/llama3_3/license/",
        "https://www.llama.com/llama3_3/use-policy",
        False,
    ),
]


def _flatten_quotes(text: str) -> str:
    # the texts use curly quotes in some copies and straight ones in others
    return text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")


def model_records(texts: Path, extra: Path) -> list[dict[str, Any]]:
    out = []
    for row in ROWS:
        path = texts / f"{row.text}.LICENSE"
        if not path.exists():
            path = extra / f"{row.text}.LICENSE"
        text = read_text(path)
        fm = front_matter(path)
        evidence_map = {}
        for name, term in row.terms.items():
            ev = evidence(text, term, row.url)
            if "quote" not in ev:  # retry with straight quotes, then map back to the text
                alt = evidence(_flatten_quotes(text), term, row.url)
                if "quote" in alt:
                    ev = _restore(alt, text)
            evidence_map[name] = [ev]
        out.append(
            {
                "key": row.key,
                "name": fm.get("name", row.name),
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
                "evidence": evidence_map,
                **({"notes": row.notes} if row.notes else {}),
            }
        )
    return out


def _restore(ev: dict[str, Any], text: str) -> dict[str, Any]:
    """Map a quote found in the straight-quoted text back to the original characters."""
    from kbgen_core import collapse

    flat, _ = collapse(text)
    plain = _flatten_quotes(flat)
    i = plain.find(ev["quote"])
    if i >= 0:
        ev["quote"] = flat[i : i + len(ev["quote"])]
    return ev
