"""Reviews as plain data (JSON) and Markdown, shared by the CLI and reports."""

from __future__ import annotations

from typing import Any

from clearance.terms.classify import Match
from clearance.terms.review import NOT_LEGAL_ADVICE, Review


def match_dict(m: Match) -> dict[str, Any]:
    return {
        "polarity": m.polarity,
        "rule": m.rule,
        "quote": m.quote,
        "section": m.section or None,
        "page": m.page,
        "details": dict(m.details),
    }


def review_dict(review: Review) -> dict[str, Any]:
    lang = review.language
    return {
        "file": review.name,
        "status": review.status,
        "format": review.format or None,
        "pages": review.pages,
        "language": None
        if lang is None
        else {"guess": lang.language, "english_ratio": round(lang.english_ratio, 3)},
        "error": review.error or None,
        "error_rule": review.error_rule or None,
        "notes": list(review.notes),
        "categories": {
            c.category: {
                "present": c.present,
                "title": c.title,
                "polarities": list(c.polarities),
                "evidence": [match_dict(m) for m in c.matches],
            }
            for c in review.categories
        },
        "missing": [{"id": m.id, "message": m.message} for m in review.missing],
        "purpose": review.purpose,
        "verdict": review.verdict if review.purpose else None,
        "assessment": [
            {
                "target": a.target,
                "verdict": a.verdict,
                "why": a.why,
                "evidence": [match_dict(m) for m in a.evidence],
            }
            for a in review.assessments
        ],
        "disclaimer": NOT_LEGAL_ADVICE,
    }


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def review_markdown(review: Review, *, max_quotes: int = 2) -> str:
    out = [f"## {review.name}", ""]
    if review.status != "reviewed":
        out += [f"**{review.status}**: {review.error}", "", f"_{NOT_LEGAL_ADVICE}_", ""]
        return "\n".join(out)
    meta = f"format {review.format}" + (f", {review.pages} page(s)" if review.pages else "")
    out += [meta, ""]
    out += [f"> note: {n}" for n in review.notes]
    if review.purpose:
        out += [f"**Purpose** `{review.purpose}`: verdict **{review.verdict}**", ""]
        for a in review.assessments:
            ev = f" ({a.evidence[0].where})" if a.evidence and a.evidence[0].where else ""
            out.append(f"- **{a.verdict}** `{a.target}`: {a.why}{ev}")
        out.append("")
    out += ["| category | present | polarity | evidence |", "|---|---|---|---|"]
    for c in review.categories:
        quotes = "<br>".join(
            f"{_md_escape(m.where)}: “{_md_escape(m.quote)}”"
            + "".join(f" ({k}: {_md_escape(v)})" for k, v in m.details)
            for m in c.matches[:max_quotes]
        )
        present = "yes" if c.present else "no"
        out.append(f"| {c.category} | {present} | {', '.join(c.polarities)} | {quotes} |")
    out.append("")
    if review.missing:
        out.append("**Missing**")
        out += [f"- `{m.id}`: {m.message}" for m in review.missing]
        out.append("")
    out += [f"_{NOT_LEGAL_ADVICE}_", ""]
    return "\n".join(out)
