"""The labelled set: labels are verbatim, and the rules meet the accuracy target on it."""

from __future__ import annotations

import pytest

from terms_eval import load_labels, predict_keywords, predict_rules, quote_problems, score

LABELS = load_labels()


def test_the_set_has_public_texts_held_out_texts_and_every_group() -> None:
    assert sum(lab.public for lab in LABELS) >= 15
    assert sum(lab.heldout for lab in LABELS) >= 3
    groups = {cat.split("/")[0] for lab in LABELS for cat in lab.present}
    assert groups == {"grant", "outputs", "data", "risk", "privacy", "prohibition"}


@pytest.mark.parametrize("label", LABELS, ids=[lab.key for lab in LABELS])
def test_label_evidence_is_verbatim_in_the_text(label: object) -> None:
    assert quote_problems(label) == []  # type: ignore[arg-type]


def test_rules_meet_the_target_and_beat_keyword_search() -> None:
    ours, errors = score(LABELS, predict_rules)
    base, _ = score(LABELS, predict_keywords)
    tp = sum(s.tp for s in ours.values())
    fp = sum(s.fp for s in ours.values())
    fn = sum(s.fn for s in ours.values())
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95, errors
    for category, s in ours.items():
        # the target (0.9 per category) on the whole set, for categories with enough
        # support; the held-out figures alone are lower: see benchmarks/RESULTS.md
        if s.tp + s.fn >= 3:
            assert (s.recall or 0) >= 0.9, (category, errors)
        if s.tp + s.fp >= 3:
            assert (s.precision or 0) >= 0.9, (category, errors)
    base_fp = sum(s.fp for s in base.values())
    assert fp < base_fp  # plain keyword search reports many clauses that are not there
