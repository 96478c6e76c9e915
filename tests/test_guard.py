"""The verbatim guard: index build, spans at exact offsets, edits, allowlist, verdicts."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import licensedcode
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.guard import Guard, Policy, add_to_index, build_index, merge_index
from clearance.guard.hashing import gram_hashes, word_hashes
from clearance.guard.normalize import fold, units_with_offsets
from clearance.model.errors import ConfigError, RunError

#: real texts that ship in an installed package (licensedcode-data, the ScanCode LicenseDB)
LICENSEDB = Path(next(iter(licensedcode.__path__))) / "data" / "licenses"
PROTECTED = ("gpl-3.0", "mpl-2.0", "cc-by-sa-4.0", "eupl-1.2", "artistic-2.0")
BOILERPLATE = "apache-2.0"
_ENGLISH = (
    "the model answered with a short note about weather travel plans and a list of "
    "groceries for the weekend while the assistant asked about the budget and timing"
)
ENGLISH = _ENGLISH.split()
#: invented words: a planted span can never extend into them by chance
FILLER = [a + b for a in ("zor", "quen", "mab", "tir", "vosh") for b in ("blax", "thi", "ovu")]


def _text(key: str) -> str:
    """The license text, without the YAML front matter the LicenseDB file starts with."""
    text = (LICENSEDB / f"{key}.LICENSE").read_text("utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("protected")
    for key in (*PROTECTED, BOILERPLATE):
        shutil.copy(LICENSEDB / f"{key}.LICENSE", root / f"{key}.txt")
    (root / "image.bin").write_bytes(bytes(range(256)) * 64)  # not text: skipped, counted
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("idx") / "index"
    allow = tmp_path_factory.mktemp("allow")
    shutil.copy(LICENSEDB / f"{BOILERPLATE}.LICENSE", allow / "apache.txt")
    summary = build_index([str(corpus)], out, allow=[str(allow)])
    assert summary.documents == 7 and summary.skipped_not_text == 1
    return out


@pytest.fixture(scope="module")
def guard(index: Path) -> Guard:
    return Guard.open(index, detectors=[])


@pytest.fixture(scope="module")
def plain_guard(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Guard:
    """No allowlist: every protected word can match (the allowlist shares Apache text)."""
    out = tmp_path_factory.mktemp("plain") / "index"
    return Guard.open(build_index([str(corpus)], out).index, detectors=[])


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def _filler(count: int, seed: int = 0, words: list[str] = FILLER) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(words) for _ in range(count))


def _window(key: str, start_word: int, words: int) -> str:
    return " ".join(_words(_text(key))[start_word : start_word + words])


def test_exact_copy_found_at_its_offsets_and_names_its_source(guard: Guard) -> None:
    copied = _window("gpl-3.0", 300, 50)
    output = f"{_filler(60)} {copied} {_filler(50, 1)}"
    verdict = guard.check(output)
    assert verdict.verdict == "block"
    (span,) = verdict.spans
    start = output.index(copied)
    # the span is a lower bound: at most stride-1 words lost at each end
    assert start <= span.start and span.end <= start + len(copied)
    assert span.words >= 50 - 2 * 3
    assert span.sources[0].item_id.endswith("gpl-3.0.txt")


def test_every_11_word_run_is_found(guard: Guard) -> None:
    words = _words(_text("mpl-2.0"))
    for offset in range(200, 212):  # every alignment against the stored n-grams
        copied = " ".join(words[offset : offset + 11])
        verdict = guard.check(f"{_filler(30)} {copied} {_filler(30, 2)}")
        assert verdict.spans, offset


def test_format_edits_do_not_hide_a_copy(guard: Guard) -> None:
    copied = _window("cc-by-sa-4.0", 500, 45)
    edited = copied.upper().replace(" ", "\n   ").replace('"', "\u201c")
    edited = re.sub(r"[,.;:]", "", edited)
    verdict = guard.check(f"{_filler(40)}\n{edited}\n{_filler(40, 3)}")
    assert verdict.verdict == "block"
    assert verdict.spans[0].words >= 39


def test_word_substitutions_are_bridged_into_one_span(guard: Guard) -> None:
    words = fold(_text("eupl-1.2")).split()[400:460]
    for i in range(5, len(words), 12):  # 1 word in 12 replaced: each clean run holds a hit
        words[i] = "banana"
    verdict = guard.check(f"{_filler(40)} {' '.join(words)} {_filler(40, 4)}")
    assert len(verdict.spans) == 1
    # runs shorter than 8 words at both ends cannot match (0-4, 54-59); the rest is one span
    assert verdict.spans[0].words >= 60 - 6 - 7 - 3
    assert verdict.spans[0].matched_words < verdict.spans[0].words
    assert verdict.verdict == "block"


def test_clean_text_and_boilerplate_pass(guard: Guard) -> None:
    assert guard.check(_filler(1000, words=ENGLISH)).verdict == "pass"
    boilerplate = _window(BOILERPLATE, 100, 120)  # allowlisted Apache-2.0 text
    verdict = guard.check(f"{_filler(20)} {boilerplate}")
    assert verdict.verdict == "pass" and not verdict.spans


def test_allowlist_matters(corpus: Path, tmp_path: Path) -> None:
    plain = Guard.open(build_index([str(corpus)], tmp_path / "plain").index, detectors=[])
    assert plain.check(_window(BOILERPLATE, 100, 60)).verdict == "block"


@pytest.mark.parametrize(
    ("policy", "words", "expected"),
    [
        (Policy(), 9, "pass"),  # below the n-gram: nothing to match
        (Policy(), 14, "review"),  # 11+ words (chars below 110? still review by words)
        (Policy(), 60, "block"),  # 200+ characters
        (Policy(review_words=40, review_chars=1000, block_chars=2000), 14, "pass"),
        (Policy(block_chars=110, review_chars=50), 30, "block"),
    ],
)
def test_thresholds_make_verdicts(index: Path, policy: Policy, words: int, expected: str) -> None:
    guard = Guard.open(index, policy=policy, detectors=[])
    copied = _window("artistic-2.0", 150, words)
    assert guard.check(f"{_filler(20)} {copied} {_filler(20, 5)}").verdict == expected


def test_policy_file_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("review_words: 20\nblock_chars: 400\n")
    assert Policy.load(path).review_words == 20
    path.write_text("review_wrds: 20\n")
    with pytest.raises(ConfigError, match="review_wrds"):
        Policy.load(path)
    with pytest.raises(ConfigError, match="block_chars"):
        Policy.load(None, review_chars=300, block_chars=200)


def test_policy_errors_name_the_line(tmp_path: Path) -> None:
    """A bad guard policy fails at start with the file and the line to fix."""
    path = tmp_path / "policy.yaml"
    path.write_text("review_words: 20\nblock_chars: 400\nreview_chars: many\n")
    with pytest.raises(ConfigError) as bad_value:
        Policy.load(path)
    assert (bad_value.value.file, bad_value.value.line) == (str(path), 3)
    assert "review_chars" in str(bad_value.value)
    path.write_text("review_words: 20\nblock_chars: [400\n")
    with pytest.raises(ConfigError, match="invalid YAML") as bad_yaml:
        Policy.load(path)
    assert bad_yaml.value.line is not None and bad_yaml.value.line >= 2
    path.write_text("- 20\n")
    with pytest.raises(ConfigError, match="mapping of thresholds"):
        Policy.load(path)


def _all_results(guard: Guard, outputs: list[str]) -> list[str]:
    return [json.dumps(guard.check(o).to_json()["spans"], sort_keys=True) for o in outputs]


def test_add_then_merge_equals_full_build(corpus: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for i, key in enumerate(PROTECTED):
        shutil.copy(LICENSEDB / f"{key}.LICENSE", (first if i < 2 else second) / f"{key}.txt")
    full = build_index([str(first), str(second)], tmp_path / "full")
    build_index([str(first)], tmp_path / "inc")
    added = add_to_index(tmp_path / "inc", [str(second)])
    assert added.documents == 3
    outputs = [
        f"{_filler(10)} {_window(key, 100 + 7 * i, 25 + i)} {_filler(5)}"
        for i, key in enumerate(PROTECTED)
    ]
    expected = _all_results(Guard.open(full.index, detectors=[]), outputs)
    incremental = Guard.open(tmp_path / "inc", detectors=[])
    assert len(incremental.segments) == 2
    assert _all_results(incremental, outputs) == expected
    merged = merge_index(tmp_path / "inc")
    assert merged.segments and merged.documents == 5
    again = Guard.open(tmp_path / "inc", detectors=[])
    assert len(again.segments) == 1
    assert _all_results(again, outputs) == expected
    keys, docs = again.segments[0].packed.decode()
    assert np.all(keys[1:] >= keys[:-1]) and set(docs.tolist()) <= set(range(5))
    assert keys.size == full.entries == merged.entries


def test_hostile_outputs(guard: Guard) -> None:
    assert guard.check("").verdict == "pass"
    assert guard.check("\x00\xff\ud800 \u202e" * 1000).verdict == "pass"
    huge = _filler(200_000) + " " + _window("gpl-3.0", 900, 50)
    verdict = guard.check(huge)
    assert verdict.verdict == "block" and verdict.spans[0].start > 1_000_000
    assert guard.check("word " * 200_000).verdict == "pass"
    too_long = guard.check("x" * 3_000_000)  # over MAX_CHECK_CHARS: checked in part, reviewed
    assert too_long.verdict == "review" and "longer than" in too_long.reasons[0]


def test_refuses_to_overwrite_and_reports_missing_index(corpus: Path, tmp_path: Path) -> None:
    build_index([str(corpus)], tmp_path / "i")
    with pytest.raises(RunError, match="exists"):
        build_index([str(corpus)], tmp_path / "i")
    with pytest.raises(ConfigError, match="not a guard index"):
        Guard.open(tmp_path / "missing")


def test_detectors_run_on_the_output(index: Path) -> None:
    guard = Guard.open(index, detectors=["copyright"])
    verdict = guard.check("Sure. Copyright (c) 2021 Example Corp. All rights reserved.")
    assert verdict.verdict == "review"
    assert any(f.kind == "copyright" and f.detector == "copyright" for f in verdict.findings)
    with pytest.raises(ConfigError, match="unknown detector"):
        Guard.open(index, detectors=["no-such-detector"])
    with pytest.raises(ConfigError, match="run-level"):
        Guard.open(index, detectors=["exact-duplicate"])


def test_folding_is_the_same_at_build_and_check() -> None:
    text = "\uff26\uff55\uff4c\uff4c WIDTH café cafe\u0301 ﬁne “quoted” line-\nwrap 東京 snake_case"
    units = units_with_offsets(text, "text")
    assert units.data.decode().split() == fold(text).split()
    pieces = [text[a:b] for a, b in zip(units.starts, units.ends, strict=True)]
    assert pieces[:4] == ["\uff26\uff55\uff4c\uff4c", "WIDTH", "café", "cafe\u0301"]
    assert "東" in pieces and "京" in pieces
    assert fold(text).split()[2] == fold(text).split()[3] == "cafe"


def test_code_mode_keeps_identifiers_and_operators(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    code = "\n".join(
        f"def step_{i}(state, delta):\n    state.total += delta * {i}\n    return state.total"
        for i in range(30)
    )
    (src / "lib.py").write_text(code)
    guard = Guard.open(build_index([str(src)], tmp_path / "i", mode="code").index, detectors=[])
    assert guard.check("x = 1\n" + code[200:700]).spans
    assert not guard.check(code[200:700].upper()).spans  # case matters in code


def test_word_hashes_are_stable_and_position_free() -> None:
    a = word_hashes(b"alpha beta  alpha")
    assert a[0] == a[2] and a[0] != a[1]
    assert np.array_equal(word_hashes(b"zeta alpha beta alpha")[1:], a)
    # fixed seed: a stored index stays valid across processes and machines
    assert int(gram_hashes(word_hashes(b"a b c d e f g h"), 8)[0]) == int(
        gram_hashes(word_hashes(b"a  b c d e f g h  "), 8)[0]
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(PROTECTED),
    start=st.integers(0, 1500),
    length=st.integers(15, 80),
    before=st.integers(0, 200),
    after=st.integers(0, 200),
    seed=st.integers(0, 10_000),
)
def test_planted_window_is_found_at_its_offsets(
    plain_guard: Guard, key: str, start: int, length: int, before: int, after: int, seed: int
) -> None:
    words = _words(_text(key))
    start = start % max(1, len(words) - length)
    planted = " ".join(words[start : start + length])
    prefix = _filler(before, seed) + " " if before else ""
    output = prefix + planted + (" " + _filler(after, seed + 1) if after else "")
    verdict = plain_guard.check(output)
    hits = [
        s for s in verdict.spans if s.end > len(prefix) and s.start < len(prefix) + len(planted)
    ]
    assert hits, planted
    begin, end = len(prefix), len(prefix) + len(planted)
    covered_start = min(s.start for s in hits)
    covered_end = max(s.end for s in hits)
    # exact offsets up to the index's resolution: at most 3 words missed at either end
    missed_front = len(fold(output[begin:covered_start]).split())
    missed_back = len(fold(output[covered_end:end]).split())
    assert missed_front <= 3 and missed_back <= 3
    assert begin <= covered_start and covered_end <= end
    assert any(src.item_id.endswith(f"{key}.txt") for s in hits for src in s.sources)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fast_folding_equals_the_per_character_table(text: str) -> None:
    from clearance.guard.normalize import _FOLD, fold_bytes

    assert fold_bytes(text) == text.translate(_FOLD).encode("utf-8")
    units = units_with_offsets(text, "text")
    assert units.data == fold_bytes(text)
    for a, b in zip(units.starts.tolist(), units.ends.tolist(), strict=True):
        assert fold(text[a:b]).split() != []  # every unit maps to real characters


def test_smaller_ngrams_tolerate_denser_edits(corpus: Path, tmp_path: Path) -> None:
    words = fold(_text("gpl-3.0")).split()[1000:1060]
    for i in range(2, len(words), 6):  # 1 word in 6 replaced: no clean 8-word run survives
        words[i] = "banana"
    edited = " ".join(words)
    default = Guard.open(build_index([str(corpus)], tmp_path / "d").index, detectors=[])
    assert not default.check(edited).spans
    small = build_index([str(corpus)], tmp_path / "s", n=5, stride=1)
    spans = Guard.open(small.index, detectors=[]).check(edited).spans
    assert spans and spans[0].words >= 50


def test_runs_of_numbers_are_not_protected(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    table = " ".join(str(i) for i in range(200))
    (src / "doc.txt").write_text(f"A table of figures follows. {table} End of the table.")
    guard = Guard.open(build_index([str(src)], tmp_path / "i").index, detectors=[])
    assert not guard.check(f"counting: {table}").spans
    assert guard.check("A table of figures follows. 0 1 2 3 4 5 6 7 8 9 10").spans


def test_inputs_over_one_hashing_chunk_hash_the_same() -> None:
    from clearance.guard.hashing import CHUNK_BYTES

    words = [f"w{i % 977}" for i in range(CHUNK_BYTES // 3)]  # > one chunk of bytes
    data = " ".join(words).encode()
    assert len(data) > CHUNK_BYTES
    whole = word_hashes(data)
    assert whole.size == len(words)
    half = len(words) // 2
    parts = np.concatenate(
        [word_hashes(" ".join(words[:half]).encode()), word_hashes(" ".join(words[half:]).encode())]
    )
    assert np.array_equal(whole, parts)


def test_hostile_output_with_detectors(index: Path) -> None:
    guard = Guard.open(index, detectors=["copyright", "license-text"])
    for text in ("\ud800\udfff lone surrogates", "\x00" * 10_000, "©" * 50_000):
        assert guard.check(text).verdict in ("pass", "review")


def test_word_hashes_of_every_length_are_distinct_and_position_free() -> None:
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    vocabulary = sorted(
        {"".join(rng.choice(letters) for _ in range(n)) for n in range(1, 300) for _ in range(20)}
        | {"a" * n for n in range(1, 300)}  # prefixes of each other: lengths must tell apart
    )
    hashes = word_hashes(" ".join(vocabulary).encode())
    assert len(set(hashes.tolist())) == len(vocabulary)
    shuffled = vocabulary[:]
    rng.shuffle(shuffled)
    again = dict(
        zip(shuffled, word_hashes(("  " + " ".join(shuffled)).encode()).tolist(), strict=True)
    )
    assert [again[w] for w in vocabulary] == hashes.tolist()
