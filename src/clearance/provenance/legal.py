"""The regulatory references the dossier's checklist cites, each with where it was checked.

``verified`` is True only where the text was read at the URL given (the provision's own
words, on the official site); secondary summaries are named as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    cite: str
    says: str
    url: str
    verified: bool
    checked: str  # how and when it was checked


AI_ACT_53_1_C = Reference(
    cite="Regulation (EU) 2024/1689 (AI Act), Art. 53(1)(c)",
    says="providers of general-purpose AI models put in place a policy to comply with Union "
    "copyright law, in particular to identify and comply with reservations of rights under "
    "Art. 4(3) of Directive (EU) 2019/790",
    url="https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    verified=False,
    checked="unverified against the Official Journal text; matches secondary summaries "
    "(https://www.llmradar.eu/ai-act/article-53, https://www.sorena.io/artifacts/eu/"
    "artificial-intelligence-act/gpai-and-foundation-model-obligations), read 2026-11-29",
)
AI_ACT_53_1_D = Reference(
    cite="Regulation (EU) 2024/1689 (AI Act), Art. 53(1)(d)",
    says="providers draw up and make publicly available a sufficiently detailed summary of "
    "the content used for training, following a template provided by the AI Office",
    url="https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    verified=False,
    checked=AI_ACT_53_1_C.checked,
)
BIPA_15_B = Reference(
    cite="Illinois Biometric Information Privacy Act, 740 ILCS 14/15(b)",
    says="no private entity may collect, capture, purchase, receive through trade, or "
    "otherwise obtain a person's biometric identifier or biometric information unless it "
    "first informs the subject in writing (and, per the section, obtains a written release)",
    url="http://ilga.gov/legislation/ilcs/fulltext.asp?DocName=074000140K15",
    verified=True,
    checked="opening of Sec. 15(b) read on ilga.gov 2026-11-29; the written-release clause "
    "(15(b)(3)) was not in the excerpt read: unverified",
)
BIPA_10 = Reference(
    cite="740 ILCS 14/10 (definitions)",
    says='"biometric identifier" means a retina or iris scan, fingerprint, voiceprint, or '
    "scan of hand or face geometry; photographs are excluded",
    url="https://ilga.gov/legislation/publicacts/95/095-0994.htm",
    verified=True,
    checked="Public Act 095-0994 Sec. 10 and HB2838 (104th GA) Sec. 10 text read 2026-11-29",
)
