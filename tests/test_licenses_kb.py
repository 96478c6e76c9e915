"""The license knowledge base: records, aliases, and how expressions combine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.licenses import (
    AiTraining,
    Confidence,
    Derivatives,
    Kind,
    ShareAlike,
    Tri,
    all_keys,
    evaluate,
    iter_records,
    lookup,
)
from clearance.licenses.terms import TERM_NAMES


@pytest.mark.parametrize(
    ("key", "term", "value"),
    [
        ("CC-BY-NC-4.0", "non_commercial", Tri.YES),
        ("CC-BY-NC-4.0", "commercial_use", Tri.NO),
        ("CC-BY-ND-4.0", "no_derivatives", Tri.YES),
        ("CC-BY-ND-4.0", "derivatives", Derivatives.PRIVATE_ONLY),
        ("CC-BY-ND-3.0", "derivatives", Derivatives.NO),
        ("CC-BY-NC-ND-2.0", "derivatives", Derivatives.NO),
        ("CC-BY-SA-4.0", "share_alike", ShareAlike.STRONG),
        ("CC-BY-4.0", "share_alike", ShareAlike.NONE),
        ("CC-BY-4.0", "attribution", Tri.YES),
        ("CC-BY-4.0", "ai_training", AiTraining.SILENT),
        ("CC-BY-NC-SA-2.0-FR", "non_commercial", Tri.YES),
        ("CC-BY-SA-2.0-UK", "share_alike", ShareAlike.STRONG),
        ("CC-BY-3.0-IGO", "commercial_use", Tri.YES),
        ("CC0-1.0", "attribution", Tri.NO),
        ("CC0-1.0", "kind", Kind.PUBLIC_DOMAIN_DEDICATION),
        ("MIT", "attribution", Tri.YES),
        ("MIT", "share_alike", ShareAlike.NONE),
        ("GPL-3.0-only", "share_alike", ShareAlike.STRONG),
        ("LGPL-2.1-or-later", "share_alike", ShareAlike.FILE),
        ("MPL-2.0", "share_alike", ShareAlike.FILE),
        ("AGPL-3.0-only", "share_alike", ShareAlike.NETWORK),
        ("ODbL-1.0", "share_alike", ShareAlike.DATA),
        ("CDLA-Permissive-2.0", "ai_training", AiTraining.PERMITTED),
        ("LicenseRef-llama2", "ai_training", AiTraining.CONDITIONAL),
        ("LicenseRef-llama3.1", "kind", Kind.MODEL),
    ],
)
def test_curated_terms(key: str, term: str, value: object) -> None:
    record = lookup(key)
    assert record.confidence == Confidence.CURATED
    assert getattr(record, term) == value


@pytest.mark.parametrize("key", ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3"])
def test_llama_mau_limit_and_naming_rule(key: str) -> None:
    record = lookup(key)
    assert record.mau_limit == 700_000_000
    assert "700 million monthly active users" in (record.evidence["mau_limit"][0].quote or "")
    assert any("acceptable use policy" in t for t in record.output_terms)
    if key != "llama2":  # the naming rule and "Built with" came with Llama 3
        assert any("at the beginning of their name" in t for t in record.output_terms)
        assert any("Built with" in t for t in record.output_terms)


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("cc-by-4.0", "CC-BY-4.0"),
        ("CC-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
        ("apache-2.0", "Apache-2.0"),
        ("mit", "MIT"),
        ("bsd-new", "BSD-3-Clause"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("gpl-3.0-plus", "GPL-3.0-or-later"),
        ("LicenseRef-scancode-llama-3.1-license-2024", "LicenseRef-llama3.1"),
        ("cc-pd", "CC-PDDC"),
        ("LicenseRef-PDM", "CC-PDM-1.0"),
        ("  Llama3.2 ", "LicenseRef-llama3.2"),
    ],
)
def test_aliases(alias: str, key: str) -> None:
    assert lookup(alias).key == key


def test_unknown_key_is_unknown_not_permitted() -> None:
    record = lookup("LicenseRef-made-up-license")
    assert record.confidence == Confidence.UNKNOWN
    assert record.commercial_use == Tri.UNKNOWN
    assert record.ai_training == AiTraining.UNKNOWN
    terms = evaluate("LicenseRef-made-up-license")
    assert terms.unknown_keys == ("LicenseRef-made-up-license",)
    assert terms.commercial_use == Tri.UNKNOWN


def test_derived_record_from_the_scancode_index() -> None:
    record = lookup("Beerware")
    assert record.confidence == Confidence.DERIVED
    assert record.category == "Permissive"
    assert record.ai_training == AiTraining.UNKNOWN
    assert "ScanCode LicenseDB" in record.evidence["commercial_use"][0].note
    copyleft = lookup("AGPL-1.0-only")
    assert copyleft.confidence == Confidence.DERIVED
    assert copyleft.category == "Copyleft"
    assert copyleft.share_alike == ShareAlike.STRONG


def test_counts() -> None:
    curated = all_keys(Confidence.CURATED)
    assert len(curated) >= 150
    assert len(all_keys(Confidence.DERIVED)) > 1500
    cc = [k for k in curated if k.startswith("CC-BY")]
    assert len(cc) >= 50  # every CC 1.0-4.0 variant and the SPDX ports


def test_every_curated_term_has_sourced_evidence() -> None:
    for record in iter_records(Confidence.CURATED):
        for term in TERM_NAMES:
            items = record.evidence.get(term)
            assert items, f"{record.key}: no evidence for {term}"
            for ev in items:
                assert ev.source.startswith("https://"), (record.key, term)
                assert ev.quote or ev.note, (record.key, term)
                if ev.quote:
                    assert ev.accessed, (record.key, term)


@pytest.mark.parametrize(
    ("key", "term", "section"),
    [
        # CC 4.0 legal code, Section 2(a)(1): (A) reproduce and Share; (B) Adapted Material.
        ("CC-BY-4.0", "commercial_use", "Section 2(a)(1)(A)"),
        ("CC-BY-4.0", "derivatives", "Section 2(a)(1)(B)"),
        ("CC-BY-SA-4.0", "no_derivatives", "Section 2(a)(1)(B)"),
        ("CC-BY-4.0", "attribution", "Section 3(a)(1)"),
        ("CC-BY-NC-4.0", "non_commercial", "Section 2(a)(1)(A)"),
    ],
)
def test_cc4_evidence_cites_the_nested_clause(key: str, term: str, section: str) -> None:
    """Counsel reads the citation: the grant's sub-clauses, not a sibling section number."""
    assert lookup(key).evidence[term][0].section == section


# --- expressions -------------------------------------------------------------------------


def test_and_takes_the_most_restrictive_terms() -> None:
    terms = evaluate("MIT AND GPL-3.0-only")
    assert terms.share_alike == ShareAlike.STRONG
    assert terms.relied_on == ("MIT", "GPL-3.0-only")
    assert {r.key for r in terms.licenses} == {"MIT", "GPL-3.0-only"}
    nc = evaluate("CC-BY-4.0 AND CC-BY-NC-4.0")
    assert nc.non_commercial == Tri.YES and nc.commercial_use == Tri.NO


def test_or_takes_the_least_restrictive_option_and_says_which() -> None:
    terms = evaluate("CC-BY-NC-4.0 OR MIT")
    assert terms.relied_on == ("MIT",)
    assert terms.alternatives == ("CC-BY-NC-4.0",)
    assert terms.commercial_use == Tri.YES
    assert [r.key for r in terms.licenses] == ["MIT"]


def test_or_never_prefers_an_unknown_key() -> None:
    terms = evaluate("LicenseRef-made-up OR CC-BY-SA-4.0")
    assert terms.relied_on == ("CC-BY-SA-4.0",)


def test_nested_expression() -> None:
    terms = evaluate("(MIT OR GPL-2.0-only) AND CC-BY-NC-SA-4.0")
    assert terms.relied_on == ("MIT", "CC-BY-NC-SA-4.0")
    assert terms.share_alike == ShareAlike.STRONG
    assert terms.non_commercial == Tri.YES


def test_and_with_an_unknown_key_is_unknown() -> None:
    terms = evaluate("MIT AND LicenseRef-made-up")
    assert terms.commercial_use == Tri.UNKNOWN
    assert terms.confidence == Confidence.UNKNOWN
    assert terms.unknown_keys == ("LicenseRef-made-up",)


def test_with_records_the_exception_and_its_effect() -> None:
    terms = evaluate("GPL-2.0-only WITH Classpath-exception-2.0")
    assert [e.key for e in terms.exceptions] == ["Classpath-exception-2.0"]
    assert terms.share_alike == ShareAlike.FILE
    assert "independent modules" in (terms.exceptions[0].evidence[0].quote or "")
    llvm = evaluate("Apache-2.0 WITH LLVM-exception")
    assert llvm.exceptions[0].key == "LLVM-exception"
    assert llvm.share_alike == ShareAlike.NONE


def test_unknown_exception_is_recorded_and_changes_nothing() -> None:
    terms = evaluate("GPL-3.0-only WITH LicenseRef-my-exception")
    assert terms.exceptions[0].known is False
    assert terms.share_alike == ShareAlike.STRONG


def test_llama_mau_and_output_terms_pass_through_and() -> None:
    terms = evaluate("llama3.1 AND CC-BY-4.0")
    assert terms.mau_limit == 700_000_000
    assert any("Llama" in t for t in terms.output_terms)
    assert terms.ai_training == AiTraining.CONDITIONAL


@pytest.mark.parametrize("bad", ["", "MIT AND (", "AND OR", "MIT WITH"])
def test_bad_expressions_give_an_error_not_an_exception(bad: str) -> None:
    terms = evaluate(bad)
    assert terms.error
    assert not terms.ok


def test_evaluate_normalises_before_caching() -> None:
    assert evaluate("mit or apache-2.0").expression == "MIT OR Apache-2.0"
    assert evaluate("MIT OR Apache-2.0").relied_on == evaluate("mit or apache-2.0").relied_on


def test_every_spdx_creative_commons_id_is_curated() -> None:
    from clearance.licenses._load import load_index

    keys = [str(e.get("spdx_license_key") or "") for e in load_index()]
    cc = [k for k in keys if k.startswith("CC")]
    assert len(cc) >= 55
    for key in cc:
        assert lookup(key).confidence == Confidence.CURATED, key


@pytest.mark.parametrize(
    "key",
    [
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
        "CC-PDDC",
        "CC-PDM-1.0",
        "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "openrail++",
        "gemma",
        "llama4",
        "Zlib",
        "Unlicense",
        "EPL-2.0",
        "LGPL-2.0-only",
        "Artistic-2.0",
        "PSF-2.0",
        "OFL-1.1",
        "WTFPL",
        "0BSD",
        "ISC",
        "BSL-1.0",
    ],
)
def test_required_families_are_curated(key: str) -> None:
    assert lookup(key).confidence == Confidence.CURATED


@pytest.mark.parametrize("key", ["bigscience-openrail-m", "bigscience-bloom-rail-1.0", "gemma"])
def test_model_licenses_pass_use_restrictions_downstream(key: str) -> None:
    record = lookup(key)
    assert record.kind in (Kind.MODEL, Kind.TERMS_OF_SERVICE)
    assert record.ai_training == AiTraining.CONDITIONAL  # distillation makes a derivative
    assert any("restriction" in t for t in record.output_terms)
    assert "distillation" in (record.evidence["ai_training"][0].quote or "")


def test_llama1_is_research_only() -> None:
    record = lookup("LicenseRef-scancode-llama-license-2023")
    assert record.research_only == Tri.YES
    assert record.commercial_use == Tri.NO


def test_creativeml_without_its_text_is_not_guessed() -> None:
    record = lookup("creativeml-openrail-m")
    assert record.commercial_use == Tri.UNKNOWN
    assert record.ai_training == AiTraining.UNKNOWN
    assert "unverified" in record.evidence["commercial_use"][0].note


@pytest.mark.parametrize(
    ("alias", "key"),
    [("odc-by", "ODC-By-1.0"), ("odbl", "ODbL-1.0"), ("pddl", "PDDL-1.0"), ("c-uda", "C-UDA-1.0")],
)
def test_hugging_face_hub_aliases(alias: str, key: str) -> None:
    assert lookup(alias).key == key


@pytest.mark.parametrize("family", ["bsd", "cc", "openrail", "lgpl"])
def test_hub_family_identifiers_are_not_resolved_to_one_license(family: str) -> None:
    assert lookup(family).confidence == Confidence.UNKNOWN


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_evaluate_and_lookup_never_raise(text: str) -> None:
    terms = evaluate(text)
    assert terms.error is not None or terms.licenses
    assert lookup(text).key == text.strip() or lookup(text).confidence != Confidence.UNKNOWN


def test_hostile_inputs() -> None:
    long_expr = " AND ".join(["MIT"] * 2000)
    assert evaluate(long_expr).relied_on == ("MIT",)
    assert evaluate("(" * 500).error
    control = evaluate("MIT\x00 OR \u202eGPL")  # no exception is the contract
    assert control.error or control.unknown_keys
    assert evaluate("\uff2d\uff29\uff34").confidence == Confidence.UNKNOWN  # full-width "MIT"


def test_effective_terms_cite_evidence_per_term() -> None:
    terms = evaluate("CC-BY-NC-4.0 AND MIT")
    cited = terms.evidence("non_commercial")
    assert [key for key, _ in cited] == ["CC-BY-NC-4.0", "MIT"]
    quote = cited[0][1].quote or ""
    assert "NonCommercial purposes only" in quote


def test_unverified_terms_are_listed() -> None:
    assert lookup("MIT").unverified_terms() == ()
    assert "attribution" in lookup("LPPL-1.3c").unverified_terms()
    assert len(lookup("Beerware").unverified_terms()) == len(TERM_NAMES)  # derived: none read


def test_cc_ai_training_cites_creative_commons_guidance() -> None:
    items = lookup("CC-BY-4.0").evidence["ai_training"]
    sources = [e.source for e in items]
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in sources
    assert any("creativecommons.org/2023/08/18" in s for s in sources)


def test_public_api_of_the_package() -> None:
    import clearance.licenses as kb

    assert sorted(kb.__all__) == sorted(
        [
            "AiTraining",
            "Confidence",
            "Derivatives",
            "EffectiveTerms",
            "Evidence",
            "ExceptionInfo",
            "Kind",
            "LicenseTerms",
            "ParsedExpression",
            "ShareAlike",
            "Tri",
            "all_keys",
            "evaluate",
            "iter_records",
            "lookup",
            "lookup_exception",
            "normalise_expression",
        ]
    )
    for name in kb.__all__:
        assert hasattr(kb, name)


@pytest.mark.parametrize("key", ["llama3.2", "llama4"])
def test_llama_multimodal_eu_restriction_is_an_output_term(key: str) -> None:
    record = lookup(key)
    assert any("European Union" in t for t in record.output_terms)
    quotes = [e.quote or "" for e in record.evidence["output_terms"]]
    assert any("principal place of business in, the European Union" in q for q in quotes)
    assert not any("European Union" in t for t in lookup("llama3.1").output_terms)


def test_deprecated_with_ids_evaluate_as_their_with_expression() -> None:
    terms = evaluate("GPL-2.0-with-classpath-exception")
    assert terms.relied_on == ("GPL-2.0-only",)
    assert [e.key for e in terms.exceptions] == ["Classpath-exception-2.0"]
    assert terms.share_alike == ShareAlike.FILE
    assert evaluate("GPL-3.0-with-GCC-exception").exceptions[0].key == "GCC-exception-3.1"
