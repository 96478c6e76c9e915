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


EU_PATTERN = [
    r"=With respect to any multimodal models included in Llama [0-9.]+, the rights granted under "
    r"Section 1\(a\) of the Llama [0-9.]+ Community License Agreement are not being granted to "
    r"you if you are an individual domiciled in, or a company with a principal place of business "
    r"in, the European Union\. This restriction does not apply to end users of a product or "
    r"service that incorporates any such multimodal models\."
]
EU_OUTPUT = (
    "multimodal models: no Section 1(a) rights for individuals domiciled, or companies with "
    "their principal place of business, in the European Union (end users of products that "
    "incorporate them are not affected)"
)
# record key -> (text holding its Acceptable Use Policy, canonical policy URL)
EU_AUP = {
    "LicenseRef-llama3.2": ("llama-3.2-aup-eu", "https://www.llama.com/llama3_2/use-policy/"),
    "LicenseRef-llama4": ("llama-4-license-2025", "https://www.llama.com/llama4/use-policy/"),
}


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
        if row.key in EU_AUP:
            text_name, aup_url = EU_AUP[row.key]
            aup = (
                read_text(extra / f"{text_name}.LICENSE")
                if (extra / f"{text_name}.LICENSE").exists()
                else read_text(texts / f"{text_name}.LICENSE")
            )
            ev = evidence(aup, Term(None, EU_PATTERN, section="Acceptable Use Policy"), aup_url)
            ev["text"] = text_name
            evidence_map["output_terms"].append(ev)
            row.output.append(EU_OUTPUT)
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


RAIL_GRANT = [
    r"each Contributor hereby grants to You a perpetual, worldwide, non-exclusive, no-charge, "
    r"royalty-free, (?:irrevocable )?copyright license to reproduce"
]
RAIL_DERIV = [
    r"[“\"]?Derivatives of the Model[”\"]? means all modifications to the Model, works based on the "
    r"Model, or any other model which is created or initialized by transfer of patterns of the "
    r"weights, parameters, activations or output of the Model, to the other model, in order to "
    r"cause the other model to perform similarly to the Model",
    r"Modifications of the Model",
]
RAIL_PASS = [
    r"Use-based restrictions as referenced in paragraph 5 MUST be included as an enforceable "
    r"provision",
    r"[Uu]se-based restrictions[^.]*MUST be included",
    r"You must include the use restrictions",
    r"MUST be included as an enforceable provision",
    r"You may Share the Model or Modifications of the Model under any license of your choice that "
    r"does not contradict the restrictions in Attachment A",
]
RAIL_NOTICE = [
    r"You must retain all copyright, patent, trademark, and attribution notices",
    r"You must give any Third Party recipients of the Model or Derivatives of the Model a copy of "
    r"this License",
    r"a copy of this License Agreement",
]
RAIL_OUTPUT = [
    r"Licensor claims no rights in the Output",
]
RAIL_OUT = [
    "use-based restrictions (Attachment A) apply to the model, its derivatives and their users",
    "derivatives must carry the use-based restrictions in their own license and a copy of this "
    "license",
]


def rail(key: str, text: str, url: str, name: str, aliases: list[str]) -> Model:
    terms = {
        "commercial_use": Term(
            "yes",
            RAIL_GRANT,
            "the grant is not limited by purpose; the "
            "use-based restrictions of Attachment A apply.",
        ),
        "derivatives": Term("yes", RAIL_GRANT),
        "attribution": Term("yes", RAIL_NOTICE),
        "share_alike": Term(
            "none",
            RAIL_PASS,
            "no copyleft, but the use-based restrictions "
            "must pass to derivatives (see output_terms).",
        ),
        "non_commercial": Term("no", RAIL_GRANT),
        "no_derivatives": Term("no", RAIL_GRANT),
        "research_only": Term("no", RAIL_GRANT),
        "ai_training": Term(
            "conditional",
            RAIL_DERIV,
            "a model trained to perform similarly "
            "from this model's weights or outputs (e.g. distillation) is a "
            "Derivative of the Model, bound by the use-based restrictions.",
            section='Definitions: "Derivatives of the Model"',
        ),
        "output_terms": Term(None, RAIL_PASS + RAIL_OUTPUT),
        "mau_limit": Term(None, [], "no user-count limit in the text."),
    }
    return Model(key, text, url, name, aliases, terms, RAIL_OUT)


GEMMA_GRANT = [
    r"You may use, reproduce, modify, Distribute, perform or display any of the Gemma Services "
    r"only in accordance with the terms of this Agreement"
]
GEMMA_DERIV = [
    r"=\"Model Derivatives\" means all \(i\) modifications to Gemma, \(ii\) works based on Gemma, "
    r"or \(iii\) any other machine learning model which is created by transfer of patterns of the "
    r"weights, parameters, operations, or Output of Gemma, to that model in order to cause that "
    r"model to perform similarly to Gemma, including distillation methods"
]


def gemma(key: str, text: str, aliases: list[str], date: str) -> Model:
    url = "https://ai.google.dev/gemma/terms"
    terms = {
        "commercial_use": Term(
            "yes",
            GEMMA_GRANT,
            "no commercial restriction in the terms; the Prohibited Use Policy applies.",
        ),
        "derivatives": Term("yes", GEMMA_GRANT),
        "attribution": Term(
            "yes",
            [
                r"All Distributions \(other than through a Hosted Service\) "
                r"must be accompanied by a \"Notice\" text file"
            ],
        ),
        "share_alike": Term(
            "none",
            [
                r"You must include the use restrictions referenced in "
                r"Section 3\.2"
            ],
            "no copyleft, but the use restrictions must pass to Model Derivatives.",
        ),
        "non_commercial": Term("no", GEMMA_GRANT),
        "no_derivatives": Term("no", GEMMA_GRANT),
        "research_only": Term("no", GEMMA_GRANT),
        "ai_training": Term(
            "conditional",
            GEMMA_DERIV,
            "a model trained on Gemma's weights or "
            "Output to perform similarly (distillation) is a Model Derivative, "
            "bound by these terms; Outputs themselves are not Model Derivatives.",
        ),
        "output_terms": Term(
            None,
            [
                r"Google claims no rights in Outputs you generate using Gemma",
                r"You must include the use restrictions referenced in "
                r"Section 3\.2",
            ],
        ),
        "mau_limit": Term(None, [], "no user-count limit in the terms."),
    }
    out = [
        "Gemma Prohibited Use Policy (ai.google.dev/gemma/prohibited_use_policy) applies to all "
        "use, and its restrictions must be passed to recipients of Gemma or Model Derivatives",
        'distributions must carry a "Notice" file and a copy of the terms',
        "models distilled or trained from Gemma's weights or outputs are Model Derivatives",
    ]
    return Model(
        key, text, url, f"Gemma Terms of Use ({date})", aliases, terms, out, kind="terms-of-service"
    )


def llama1() -> Model:
    grant = [
        r"to reproduce, distribute, and create derivative works of the Software solely for your "
        r"non-commercial research purposes"
    ]
    terms = {
        "commercial_use": Term("no", [r"for \(i\) any commercial or production purposes", *grant]),
        "derivatives": Term("yes", grant),
        "attribution": Term(
            "yes",
            [
                r"you must provide \(i\) a copy of this License, and \(ii\) the "
                r"following attribution notice"
            ],
        ),
        "share_alike": Term("none", grant, "no copyleft condition in the text."),
        "non_commercial": Term("yes", grant),
        "no_derivatives": Term("no", grant),
        "research_only": Term("yes", grant),
        "ai_training": Term(
            "conditional",
            grant,
            "any use, training included, is limited to non-commercial research.",
        ),
        "output_terms": Term(None, [r"any data produced by the Software"]),
        "mau_limit": Term(None, [], "no user-count limit in the text."),
    }
    out = ["non-commercial research use only, including of data produced by the software"]
    return Model(
        "LicenseRef-scancode-llama-license-2023",
        "llama-license-2023",
        "https://scancode-licensedb.aboutcode.org/llama-license-2023.html",
        "LLaMA License Agreement (2023)",
        ["llama-license-2023"],
        terms,
        out,
    )


CREATIVEML_NOTE = (
    "unverified: only the preamble of the CreativeML Open RAIL-M text was available offline; "
    "the grant and conditions were not read."
)


def creativeml() -> Model:
    url = "https://huggingface.co/spaces/CompVis/stable-diffusion-license"
    unknown = Term("unknown", [], CREATIVEML_NOTE)
    terms = {
        "commercial_use": unknown,
        "derivatives": unknown,
        "attribution": unknown,
        "share_alike": unknown,
        "non_commercial": unknown,
        "no_derivatives": unknown,
        "research_only": unknown,
        "ai_training": unknown,
        "output_terms": Term(
            None,
            [
                r"Even though downstream derivative versions of the model could "
                r"be released under different licensing terms, the latter will "
                r"always have to include - at minimum - the same use-based "
                r"restrictions as the ones in the original license"
            ],
        ),
        "mau_limit": unknown,
    }
    out = ["use-based restrictions must be included in the license of any derivative version"]
    return Model(
        "LicenseRef-creativeml-openrail-m",
        "creativeml-openrail-m-preamble",
        url,
        "CreativeML Open RAIL-M (August 22, 2022)",
        ["creativeml-openrail-m"],
        terms,
        out,
    )


ROWS.extend(
    [
        llama(
            "4",
            "llama4",
            "llama-4-cla-2025",
            "https://www.llama.com/llama4/license/",
            "https://www.llama.com/llama4/use-policy",
            False,
        ),
        llama1(),
        rail(
            "LicenseRef-bigscience-openrail-m",
            "bigscience-open-rail-m",
            "https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license",
            "BigScience Open RAIL-M License (August 18, 2022)",
            ["bigscience-openrail-m"],
        ),
        rail(
            "LicenseRef-openrail++",
            "bigscience-open-rail-m2",
            "https://raw.githubusercontent.com/Stability-AI/stablediffusion/main/LICENSE-MODEL",
            "CreativeML Open RAIL++-M License (November 24, 2022)",
            ["openrail++", "creativeml-openrail++-m"],
        ),
        rail(
            "LicenseRef-bigscience-bloom-rail-1.0",
            "bigscience-rail-1.0",
            "https://huggingface.co/spaces/bigscience/license",
            "BigScience RAIL License v1.0 (May 19, 2022)",
            ["bigscience-bloom-rail-1.0"],
        ),
        rail(
            "LicenseRef-bigcode-openrail-m",
            "bigcode-open-rail-m-v1",
            "https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement",
            "BigCode Open RAIL-M v1 License Agreement",
            ["bigcode-openrail-m"],
        ),
        creativeml(),
        gemma(
            "LicenseRef-gemma", "gemma-tou-2025-03-24", ["gemma"], "last modified March 24, 2025"
        ),
        gemma(
            "LicenseRef-scancode-gemma-tou-2024-04-01",
            "gemma-tou-2024-04-01",
            [],
            "last modified April 1, 2024",
        ),
    ]
)
