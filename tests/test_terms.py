"""Clause review: readers, language check, segmentation, negation, missing clauses, purposes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.terms import review_bytes, review_path
from clearance.terms.classify import classify
from clearance.terms.errors import DocumentTooLarge
from clearance.terms.readers import Document, read_bytes, text_blocks
from clearance.terms.review import review_document
from clearance.terms.rules import load_purposes, load_rules
from clearance.terms.segment import segment
from terms_samples import GERMAN_TERMS, docx, scanned_pdf, text_pdf

AGREEMENTS = Path(__file__).resolve().parent / "data" / "terms" / "agreements"


def found(text: str, name: str = "t.txt") -> dict[str, tuple[str, ...]]:
    review = review_bytes(text.encode(), name)
    assert review.status == "reviewed", review.error
    return {c.category: c.polarities for c in review.categories if c.present}


# -- negation and polarity ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "polarity"),
    [
        ("You may not use the data to train machine learning models.", "prohibition/ai-training",
         "prohibits"),
        ("You may use the data to train machine learning models.", "grant/ai-training", "grants"),
        ("Licensee shall not use the Data to develop or train any AI model.",
         "prohibition/ai-training", "prohibits"),
        ("You may use the Data for any purpose except training artificial intelligence models.",
         "prohibition/ai-training", "prohibits"),
        ("You may not use the Data except to train machine learning models.",
         "grant/ai-training", "grants"),
        ("Training machine learning models on the Content is strictly prohibited.",
         "prohibition/ai-training", "prohibits"),
        ("You may not distribute the data, but you may use it to train neural networks.",
         "grant/ai-training", "grants"),
        ("You will not use it for commercial purposes and will not use it to train AI models.",
         "prohibition/ai-training", "prohibits"),
        ("You may not sell the data and you may use it to train machine learning models.",
         "grant/ai-training", "grants"),
        ("The Data may be used for commercial purposes.", "grant/commercial-use", "grants"),
        ("The Data may not be used for commercial purposes.", "grant/commercial-use",
         "prohibits"),
        ("Use is permitted for NonCommercial purposes only.", "grant/commercial-use",
         "prohibits"),
        ("This license is non-sublicensable.", "data/sublicensing", "prohibits"),
        ("Vendor does not warrant that it holds any rights in the Data.", "risk/warranty",
         "disclaims"),
        ("Vendor warrants that the Data does not infringe any third-party rights.",
         "risk/warranty", "grants"),
        ("You will indemnify and hold harmless the Provider from all claims.", "risk/indemnity",
         "requires"),
        ("Vendor shall defend, indemnify and hold harmless Customer from third-party claims.",
         "risk/indemnity", "grants"),
    ],
)  # fmt: skip
def test_polarity_and_negation(text: str, category: str, polarity: str) -> None:
    result = found(text)
    assert category in result, result
    assert polarity in result[category], result


def test_a_prohibition_is_not_a_grant() -> None:
    result = found("You may not use the data to train machine learning models.")
    assert "grant/ai-training" not in result


def test_list_items_read_with_their_lead() -> None:
    text = (
        "2. Restrictions\n\n2.1 You may not:\n\n(a) copy the Service;\n\n"
        "(b) use the data to train machine learning models;\n\n(c) scrape the website.\n\n"
        "3. Grant\n\n3.1 You may use the data to fine-tune models."
    )
    review = review_bytes(text.encode(), "t.txt")
    matches = {m.category: m for c in review.categories for m in c.matches}
    assert matches["prohibition/ai-training"].section == "2.1(b)"
    assert matches["prohibition/ai-training"].quote.startswith("[2.1 You may not:]")
    assert "prohibition/scraping" in matches
    # the lead ends with the list: section 3 grants again
    assert matches["grant/ai-training"].section == "3.1"


def test_definitions_impose_nothing() -> None:
    assert "data/deletion" not in found('"Modify" means to delete, erase or correct Data.')


def test_mentions_without_a_decision_are_not_grants() -> None:
    text = '"Materials" means the trained model weights and the code distributed by us.'
    assert "grant/ai-training" not in found(text)


# cases from the held-out batches (benchmarks/RESULTS.md, terms): each was read wrongly once
@pytest.mark.parametrize(
    ("text", "category", "polarity"),
    [
        # "agree not to" is one negation, not two
        ("You agree not to use any robot, spider or scraper to access the Site.",
         "prohibition/scraping", "prohibits"),
        # "is not limited to" does not negate what follows
        ('"Use" includes, but is not limited to, fine tuning, running and training the Model.',
         "grant/ai-training", "grants"),
        # a provider's reserved right is not a permission to the user
        ("We reserve the right to close your account, for example for scraping content.",
         "prohibition/scraping", "prohibits"),
        ("Upon termination the Licensor may require you to return or destroy all copies.",
         "data/deletion", "requires"),
        ("If your rights under this Agreement terminate, you agree to cease use of the Data.",
         "data/deletion", "requires"),
        ("You must retain the copyright notice in every copy you make.", "outputs/attribution",
         "requires"),
        ("Permission is granted to use, copy, modify and sell copies of the Work.",
         "grant/commercial-use", "grants"),
        # open government data licences say "Information" and "licence"
        ("You are free to copy, publish and distribute the Information.", "data/redistribution",
         "grants"),
        ("The Licensee shall not transfer this licence.", "data/assignment", "prohibits"),
        ("If you fail to comply, your rights under this licence will end automatically.",
         "data/termination", "neutral"),
        ("Any use for non-commercial purposes is permissible.", "grant/commercial-use",
         "prohibits"),
    ],
)  # fmt: skip
def test_held_out_cases(text: str, category: str, polarity: str) -> None:
    result = found(text)
    assert category in result, result
    assert polarity in result[category], result


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # ceasing use on non-acceptance is not a duty at termination
        ("If you do not agree to these terms, you must immediately cease using the Data.",
         "data/deletion"),
        # a text that waives attribution does not require it
        ("It is not a requirement that recipients attribute the original creator of the data.",
         "outputs/attribution"),
        ("The Data is provided under a limited purpose clause for indicating its origin.",
         "grant/field-of-use"),
        ("This licence does not cover military insignia.", "grant/field-of-use"),
    ],
)  # fmt: skip
def test_held_out_non_findings(text: str, category: str) -> None:
    assert category not in found(text)


# -- missing clauses and purposes -------------------------------------------------------------


def test_missing_indemnity_is_a_finding() -> None:
    review = review_bytes(b"You may use the Data for commercial purposes.", "t.txt")
    missing = {m.id for m in review.missing}
    assert {"risk/indemnity-missing", "risk/warranty-missing", "grant/ai-training-missing"} <= (
        missing
    )


def test_an_indemnity_running_the_wrong_way_is_still_missing() -> None:
    review = review_bytes(b"Licensee shall indemnify and hold harmless Vendor.", "t.txt")
    assert "risk/indemnity-missing" in {m.id for m in review.missing}


def test_restrictive_vendor_agreement_conflicts_with_commercial_training() -> None:
    review = review_path(AGREEMENTS / "restrictive-vendor.md", purpose="commercial-training")
    assert review.verdict == "conflict"
    conflict = next(a for a in review.assessments if a.target == "prohibition/ai-training")
    assert conflict.evidence[0].section == "2.1(a)"
    assert not review.missing or "risk/indemnity-missing" not in {m.id for m in review.missing}
    # it says what happens to trained models at termination
    assert "data/model-fate-missing" not in {m.id for m in review.missing}


def test_permissive_license_supports_training_but_lacks_indemnity() -> None:
    review = review_path(AGREEMENTS / "permissive-training.txt", purpose="commercial-training")
    verdicts = {a.target: a.verdict for a in review.assessments}
    assert verdicts["grant/ai-training"] == "supports"
    assert verdicts["risk/indemnity-missing"] == "review"
    assert review.verdict == "review"


def test_noncommercial_license_conflicts_with_open_weights_but_not_research() -> None:
    from clearance.detectors.license.textmatch.refdata import data_dir

    path = data_dir() / "licenses" / "cc-by-nc-4.0.LICENSE"
    assert review_path(path, purpose="open-weights-release").verdict == "conflict"
    assert review_path(path, purpose="research-only").verdict != "conflict"


def test_unknown_purpose_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown purpose"):
        review_document(Document("x", "txt", ()), purpose="world-domination")


def test_purposes_rules_name_known_targets() -> None:
    purposes = load_purposes()
    assert set(purposes.purposes) == {"commercial-training", "research-only",
                                      "open-weights-release"}  # fmt: skip
    categories = {c.id for c in load_rules().categories}
    assert len(categories) == 29


# -- readers -----------------------------------------------------------------------------------


def test_html_headings_give_sections_and_scripts_are_dropped() -> None:
    html = (
        b"<html><head><title>Terms</title><script>var x='train models';</script></head><body>"
        b"<h2>7. Prohibited uses</h2><p>You may not scrape or crawl the site.</p>"
        b"<h2>8. Liability</h2><p>In no event shall we be liable.</p></body></html>"
    )
    review = review_bytes(html, "terms.html")
    assert review.format == "html"
    present = review.present()
    assert present["prohibition/scraping"].matches[0].section == "7"
    assert "grant/ai-training" not in present and "prohibition/ai-training" not in present


def test_markdown_headings() -> None:
    text = "# Terms\n\n## 4. Warranty\n\nThe data is provided as is.\n"
    review = review_bytes(text.encode(), "t.md")
    match = review.present()["risk/warranty"].matches[-1]
    assert match.section == "4"


def test_pdf_pages_and_sections() -> None:
    pdf = text_pdf(
        [
            ["1. Grant", "", "1.1 You may use the Data for commercial purposes."],
            ["2. Restrictions", "", "2.1 You may not use the Data to train machine learning",
             "models."],
        ]
    )  # fmt: skip
    review = review_bytes(pdf, "agreement.pdf")
    assert review.status == "reviewed" and review.pages == 2
    match = review.present()["prohibition/ai-training"].matches[0]
    assert (match.page, match.section) == (2, "2.1")
    assert review.present()["grant/commercial-use"].matches[0].page == 1


def test_encrypted_pdf_is_an_error_unless_the_empty_password_opens_it() -> None:
    locked = review_bytes(text_pdf([["You may not train models."]], user_password="s3cret"),
                          "locked.pdf")  # fmt: skip
    assert locked.status == "error" and locked.error_rule == "terms/encrypted"
    assert "password" in locked.error
    opened = review_bytes(
        text_pdf([["You may not use the data to train machine learning models."]],
                 user_password=""),
        "open.pdf",
    )  # fmt: skip
    assert opened.status == "reviewed"
    assert "empty user password" in opened.notes[0]
    assert "prohibition/ai-training" in opened.present()


def test_scanned_pdf_needs_ocr() -> None:
    review = review_bytes(scanned_pdf(), "scan.pdf")
    assert review.status == "error" and review.error_rule == "terms/needs-ocr"
    assert "OCR" in review.error


def test_corrupt_pdf_and_docx_are_errors_not_crashes() -> None:
    assert review_bytes(b"%PDF-1.7\n garbage", "x.pdf").error_rule == "terms/unreadable"
    assert review_bytes(b"PK\x03\x04garbage", "x.docx").status == "error"


def test_docx_paragraphs_and_heading_styles() -> None:
    data = docx(
        [
            ("Heading1", "5. Data protection"),
            ("", "5.1 The Data contains personal data."),
            ("", "5.2 Customer shall not reverse engineer the software."),
        ]
    )
    review = review_bytes(data, "agreement.docx")
    assert review.format == "docx"
    present = review.present()
    assert present["privacy/personal-data"].matches[0].section == "5.1"
    assert present["prohibition/reverse-engineering"].matches[0].section == "5.2"


def test_docx_entity_bomb_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>'
    )
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", bomb)
    review = review_bytes(out.getvalue(), "bomb.docx")
    assert review.status == "error" and review.error_rule == "terms/unreadable"


def test_binary_file_is_unsupported() -> None:
    review = review_bytes(b"\x00\x01\x02binary" * 100, "blob.bin")
    assert review.error_rule == "terms/unsupported-format"


def test_huge_files_are_refused_not_truncated(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"You may not train models. " * 1000)
    review = review_path(big, max_bytes=10_000)
    assert review.status == "error" and review.error_rule == "terms/too-large"
    with pytest.raises(DocumentTooLarge):
        read_bytes(b"x" * 3_000_000, "many-chars.txt")


def test_a_huge_line_without_punctuation_is_cut_not_a_crash() -> None:
    text = ("the data and the terms of the license " * 40_000) + (
        "You may not use the data to train machine learning models."
    )
    review = review_bytes(text.encode(), "line.txt")
    assert review.status == "reviewed"
    assert "prohibition/ai-training" in review.present()


# -- language -----------------------------------------------------------------------------------


def test_non_english_text_is_unsupported_not_clean() -> None:
    review = review_bytes(GERMAN_TERMS.encode(), "agb.txt")
    assert review.status == "unsupported-language"
    assert review.language is not None and review.language.language == "de"
    assert not review.categories and not review.missing
    assert review.verdict == "review"


def test_short_english_text_is_reviewed() -> None:
    assert review_bytes(b"No scraping.", "t.txt").status == "reviewed"


# -- segmentation -------------------------------------------------------------------------------


def test_section_numbers_follow_the_numbering_style() -> None:
    text = (
        "Section 2 - Scope.\n\na. License grant.\n\n1. You may copy it.\n\n"
        "Section 3 - Conditions.\n\n(i) keep notices"
    )
    clauses = segment(Document("x", "txt", tuple(text_blocks(text))))
    assert [c.section for c in clauses] == ["2", "2(a)", "2(a)(1)", "3", "3(i)"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                ["You may not", "train models", "except", "indemnify", "1.", "(a)", ":", "\n\n",
                 "personal data", "terminate", "“", "as is", "Section 4", "#"]
            ),
        ),
        max_size=40,
    )
)  # fmt: skip
def test_quotes_are_verbatim_text(parts: list[str]) -> None:
    """Whatever the input, review never raises and every quote is cut from the text."""
    text = " ".join(parts)
    document = read_bytes(text.encode("utf-8", "replace"), "fuzz.txt")
    flat = " ".join(document.text.split())

    def verbatim(piece: str) -> bool:
        return " ".join(piece.strip("…").split()) in flat

    for match in classify(load_rules(), segment(document)):
        quote = match.quote
        # a quote may carry its clause's lead as "[lead] " (the lead may itself hold "] "),
        # or itself start with "["
        splits = [i for i in range(len(quote)) if quote.startswith("] ", i)]
        assert verbatim(quote) or (
            quote.startswith("[")
            and any(verbatim(quote[1:i]) and verbatim(quote[i + 2 :]) for i in splits)
        )


def test_public_api() -> None:
    import clearance.terms

    assert sorted(clearance.terms.__all__) == sorted(
        ["NOT_LEGAL_ADVICE", "Assessment", "CategoryResult", "Match", "Missing", "Review",
         "purposes", "review_bytes", "review_document", "review_path"]
    )  # fmt: skip


def test_an_indemnity_for_something_else_does_not_cover_ip_claims() -> None:
    narrow = b"Vendor shall indemnify Customer for late delivery fees."
    assert "risk/indemnity-missing" in {m.id for m in review_bytes(narrow, "t.txt").missing}
    broad = b"Vendor shall indemnify Customer against any third-party claim of infringement."
    assert "risk/indemnity-missing" not in {m.id for m in review_bytes(broad, "t.txt").missing}


def test_indemnity_and_liability_details_say_for_what_and_the_cap() -> None:
    review = review_path(AGREEMENTS / "restrictive-vendor.md")
    present = review.present()
    indemnity = next(m for m in present["risk/indemnity"].matches if m.polarity == "grants")
    details = dict(indemnity.details)
    assert details["covers"].startswith("any third-party claim that the Data infringes")
    cap = dict(present["risk/limitation-of-liability"].matches[0].details)["cap"]
    assert cap == "the fees paid in the twelve months before the claim"
