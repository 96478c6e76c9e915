"""The guard's claims check: statements about named persons/organisations, their flags,
support against trusted references, and the verdict they give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.detectors import base
from clearance.detectors.base import Detector
from clearance.guard import Guard, build_index
from clearance.guard.claims import (
    ClaimsChecker,
    ClaimsPolicy,
    Lexicon,
    References,
    load_names,
    sentences,
)
from clearance.guard.claims.rules import builtin_lexicon
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding
from clearance.model.item import Item

DATA = Path(__file__).resolve().parent / "data" / "claims"
CHECKER = ClaimsChecker()

# text, entity, entity type, category, hedged, negated, fiction, verdict
TABLE = [
    (
        "Martin Keller was jailed for burglary.",
        "Martin Keller",
        "person",
        "crime",
        False,
        False,
        False,
        "block",
    ),
    (
        "Dr Helen Ashby embezzled funds from the charity.",
        "Dr Helen Ashby",
        "person",
        "fraud",
        False,
        False,
        False,
        "block",
    ),
    (
        "Rosa Delgado reportedly had an affair with an intern.",
        "Rosa Delgado",
        "person",
        "sexual",
        True,
        False,
        False,
        "review",
    ),
    (
        "It is rumoured that Senator Paul Whitcombe suffers from dementia.",
        "Senator Paul Whitcombe",
        "person",
        "disease",
        True,
        False,
        False,
        "review",
    ),
    (
        "Nadia Haddad was not charged with assault.",
        "Nadia Haddad",
        "person",
        "crime",
        False,
        True,
        False,
        "pass",
    ),
    (
        "Ahmed Karimi was cleared of bribery.",
        "Ahmed Karimi",
        "person",
        "misconduct",
        False,
        True,
        False,
        "pass",
    ),
    (
        "Victor Dumont denied that he took kickbacks.",
        "Victor Dumont",
        "person",
        "fraud",
        False,
        True,
        False,
        "pass",
    ),
    (
        "In the novel, Julia Westbrook murdered a rival.",
        "Julia Westbrook",
        "person",
        "crime",
        False,
        False,
        True,
        "pass",
    ),
    (
        "Orion Retail plc went into administration.",
        "Orion Retail plc",
        "org",
        "insolvency",
        False,
        False,
        False,
        "review",
    ),
    (
        "Kessler Pharma GmbH botched the data migration.",
        "Kessler Pharma GmbH",
        "org",
        "incompetence",
        False,
        False,
        False,
        "review",
    ),
    (
        '"We will keep every store open," said Lucy Fairweather.',
        "Lucy Fairweather",
        "person",
        "quote",
        False,
        False,
        False,
        "review",
    ),
    (
        "Bluepeak Software Inc. reported revenue of $4.2 billion in 2023.",
        "Bluepeak Software Inc",
        "org",
        "figure",
        False,
        False,
        False,
        "pass",
    ),
    (
        "George P. Lindqvist was disbarred.",
        "George P. Lindqvist",
        "person",
        "incompetence",
        False,
        False,
        False,
        "review",
    ),
    (
        "Claire O'Donnell is an alcoholic.",
        "Claire O'Donnell",
        "person",
        "disease",
        False,
        False,
        False,
        "review",
    ),
]

NO_CLAIM = [
    "A local man was convicted of burglary.",
    "The company went bust last year.",
    "Martin Keller opened a bakery in Bristol.",
    "Sofia Brandt wrote a book about fraud prevention.",
    "Marcus Reed funds research into cancer treatment.",
    "Inflation rose 3% in May.",
    '"It was a long night," a spokesperson said.',
    "",
    "   \n\n  ",
    "!!! ??? ...",
]


@pytest.mark.parametrize(
    ("text", "entity", "etype", "category", "hedged", "negated", "fiction", "verdict"), TABLE
)
def test_claims_table(
    text: str,
    entity: str,
    etype: str,
    category: str,
    hedged: bool,
    negated: bool,
    fiction: bool,
    verdict: str,
) -> None:
    claims = [c for c in CHECKER.check(text) if c.category == category]
    assert len(claims) == 1, CHECKER.check(text)
    claim = claims[0]
    assert (claim.entity.text, claim.entity.type) == (entity, etype)
    assert text[claim.entity.start : claim.entity.end] == entity
    assert (claim.hedged, claim.negated, claim.fiction) == (hedged, negated, fiction)
    assert claim.verdict == verdict
    assert claim.supported is None  # no references configured: not checked
    assert text[claim.predicate_start : claim.predicate_end] == claim.predicate


@pytest.mark.parametrize("text", NO_CLAIM)
def test_no_claim(text: str) -> None:
    assert CHECKER.check(text) == []


def test_pronoun_refers_to_the_person_just_named() -> None:
    claims = CHECKER.check("Tom Hanley is a neighbour. He was arrested for drunk driving.")
    assert [(c.entity.text, c.category, c.coreference) for c in claims] == [
        ("Tom Hanley", "crime", True)
    ]
    assert claims[0].start == len("Tom Hanley is a neighbour. ")


def test_sentences_keep_initials_and_titles_together() -> None:
    text = "Dr. Rupert Langley met George P. Lindqvist. They talked. Then it rained!"
    assert [text[s.start : s.end] for s in sentences(text)] == [
        "Dr. Rupert Langley met George P. Lindqvist.",
        "They talked.",
        "Then it rained!",
    ]


def test_protected_names_and_aliases(tmp_path: Path) -> None:
    checker = ClaimsChecker(names=load_names(DATA / "names.yaml"))
    claims = checker.check("Bloggs was jailed for theft. acme defrauded its customers.")
    assert [
        (c.entity.text, c.entity.canonical, c.entity.type, c.entity.source, c.category)
        for c in claims
    ] == [
        ("Bloggs", "Joe Bloggs", "person", "names", "crime"),
        ("acme", "Acme Widgets", "org", "names", "fraud"),
    ]
    csv_names = load_names(DATA / "names.csv")
    assert [(n.name, n.type, n.aliases) for n in csv_names] == [
        ("Jane Roe", "person", ("Roe", "J. Roe")),
        ("Globex", "org", ("Globex Corporation",)),
    ]
    marks = load_names(DATA / "marks.yaml")
    assert [(n.name, n.type, n.aliases) for n in marks] == [
        ("Zephyrine", "org", ("Zephyrin", "Zephyr Beverages"))
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("names:\n  - name: X\n    kind: person\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_names(bad)
    bad.write_text("names:\n  - name: X\n    type: animal\n")
    with pytest.raises(ConfigError, match="person or org"):
        load_names(bad)


def test_policy_file_changes_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("categories:\n  disease: {unsupported: block}\n  crime: {negated: review}\n")
    checker = ClaimsChecker(policy=ClaimsPolicy.load(path))
    assert [c.verdict for c in checker.check("Rajiv Menon has HIV.")] == ["block"]
    assert [c.verdict for c in checker.check("Rajiv Menon was never arrested.")] == ["review"]
    path.write_text("categories:\n  gossip: {unsupported: block}\n")
    with pytest.raises(ConfigError, match="unknown category"):
        ClaimsPolicy.load(path)
    path.write_text("categories:\n  crime: {unsupported: maybe}\n")
    with pytest.raises(ConfigError, match=r"crime\.unsupported"):
        ClaimsPolicy.load(path)


def test_support_against_a_reference_folder() -> None:
    checker = ClaimsChecker(references=References.load([DATA / "refs"]))
    text = (
        "Martin Keller was convicted of armed robbery. "
        "Sofia Brandt was convicted of armed robbery. "
        "Northwind Logistics Ltd reported revenue of $4.2 billion in 2023. "
        "Northwind Logistics Ltd reported revenue of $9.9 billion in 2023. "
        "Orion Retail plc went into administration."
    )
    claims = checker.check(text)
    got = [(c.entity.text, c.category, c.supported, c.verdict) for c in claims]
    assert got == [
        ("Martin Keller", "crime", True, "pass"),
        ("Sofia Brandt", "crime", False, "block"),
        ("Northwind Logistics Ltd", "figure", True, "pass"),
        ("Northwind Logistics Ltd", "figure", False, "pass"),
        ("Orion Retail plc", "insolvency", True, "pass"),
    ]
    ref = claims[0].reference
    assert ref is not None and ref["document"].endswith("court-report.txt")
    passage = (DATA / "refs" / "court-report.txt").read_text()[ref["start"] : ref["end"]]
    assert "Martin Keller" in passage and "convicted" in passage
    figure_ref = claims[2].reference
    assert figure_ref is not None
    passage = (DATA / "refs" / "company-filings.md").read_text()
    assert "$4.2 billion" in passage[figure_ref["start"] : figure_ref["end"]]


def test_support_against_a_guard_index(tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index([str(DATA / "refs")], index)
    checker = ClaimsChecker.create(reference_index=index)
    assert checker.references is not None and len(checker.references.docs) == 2
    [claim] = checker.check("Martin Keller was sentenced to six years.")
    assert claim.supported is True and claim.verdict == "pass"
    assert claim.reference is not None and "court-report" in claim.reference["document"]


def test_reference_folder_problems(tmp_path: Path) -> None:
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01" * 100)
    (tmp_path / "ok.txt").write_text("Nothing about anyone.")
    refs = References.load([tmp_path])
    assert len(refs.docs) == 1 and any("not text" in p for p in refs.problems)
    with pytest.raises(ConfigError, match="not found"):
        References.load([tmp_path / "missing"])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claims-index") / "index"
    build_index([str(DATA / "refs")], out)
    return out


def test_guard_merges_claim_verdicts(index: Path) -> None:
    guard = Guard.open(index, detectors=[], claims=ClaimsChecker())
    result = guard.check("Ingrid Solberg ran a Ponzi scheme. The weather was fine.")
    assert result.verdict == "block"
    assert any("claim(s)" in r and "fraud" in r for r in result.reasons)
    data = result.to_json()
    assert data["claims"][0]["entity"]["text"] == "Ingrid Solberg"
    assert data["claims"][0]["category"] == "fraud"
    assert data["claims"][0]["verdict"] == "block"
    assert guard.check("The weather was fine.").verdict == "pass"
    plain = Guard.open(index, detectors=[])
    assert plain.check("Ingrid Solberg ran a Ponzi scheme.").verdict == "pass"
    assert plain.check("Ingrid Solberg ran a Ponzi scheme.").to_json()["claims"] == []


class _LowerCasePersons(Detector):
    """Test detector standing in for the PII branch's person recogniser: it names persons
    the capitalisation heuristic cannot see (lower-case names). Registered only for the test
    that uses it (a scan elsewhere must not run it)."""

    name = "test-lowercase-persons"
    version = "1"
    media_types = ("text-like",)

    def detect(self, item: Item) -> Iterator[Finding]:
        text = item.text
        for name in ("ada quinn", "bo ek"):
            at = text.find(name)
            if at >= 0:
                yield self.finding(
                    item,
                    kind="pii",
                    value="PERSON",
                    confidence=0.9,
                    rule="test",
                    evidence="***",
                    start=at,
                    end=at + len(name),
                )


def test_person_spans_come_from_a_registered_pii_detector(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base.registry()  # the built-ins first, then ours for this test only
    monkeypatch.setitem(base._REGISTRY, _LowerCasePersons.name, _LowerCasePersons)
    text = "ada quinn was convicted of fraud. Martin Keller was jailed."
    checker = ClaimsChecker.create(person_detector="test-lowercase-persons")
    got = [(c.entity.text, c.entity.source) for c in checker.check(text)]
    # the detector's persons come first; the heuristic fills what it misses (Martin Keller)
    assert ("ada quinn", "pii") in got and ("Martin Keller", "caps") in got
    heuristic = ClaimsChecker.create(person_detector="not-registered")
    assert [c.entity.text for c in heuristic.check(text)] == ["Martin Keller"]
    # in the guard, the detector's findings on the output are reused
    guard = Guard.open(index, detectors=["test-lowercase-persons"], claims=checker)
    result = guard.check("bo ek was arrested.")
    assert [c.entity.text for c in result.claims] == ["bo ek"]
    assert result.verdict == "block"


class _CountingPersons(_LowerCasePersons):
    """The same recogniser, counting the outputs it is run on."""

    name = "test-counting-persons"
    calls: ClassVar[list[str]] = []

    def detect(self, item: Item) -> Iterator[Finding]:
        self.calls.append(item.text)
        yield from super().detect(item)


def test_person_detector_runs_only_when_needed_and_once(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person recogniser costs more than the rules: a clean output never runs it, and
    in the guard its findings are reused even when it found no one."""
    base.registry()
    monkeypatch.setitem(base._REGISTRY, _CountingPersons.name, _CountingPersons)
    monkeypatch.setattr(_CountingPersons, "calls", [])
    checker = ClaimsChecker.create(person_detector=_CountingPersons.name)
    assert checker.check("The weather was fine and the harbour was calm all day.") == []
    assert _CountingPersons.calls == []
    assert [c.entity.text for c in checker.check("ada quinn was convicted.")] == ["ada quinn"]
    assert len(_CountingPersons.calls) == 1
    guard = Guard.open(index, detectors=[_CountingPersons.name], claims=checker)
    _CountingPersons.calls.clear()
    assert guard.check("The company went bust last year.").claims == ()
    assert len(_CountingPersons.calls) == 1  # by the guard; the claims check reused it
    result = guard.check("bo ek was arrested. Martin Keller was jailed.")
    assert [(c.entity.text, c.entity.source) for c in result.claims] == [
        ("bo ek", "pii"),
        ("Martin Keller", "caps"),
    ]
    assert len(_CountingPersons.calls) == 2


def test_hostile_inputs() -> None:
    huge = "Martin Keller was jailed " + "and then more words " * 100_000  # no full stop
    claims = CHECKER.check(huge)
    assert [(c.entity.text, c.category) for c in claims] == [("Martin Keller", "crime")]
    assert claims[0].end - claims[0].start <= 2_000
    assert CHECKER.check("\x00\ud800 Zoë Ünal was jailed.\udfff")[0].entity.text == "Zoë Ünal"
    assert CHECKER.check("." * 50_000) == []
    assert CHECKER.check("İstanbul İİİ was jailed. Ali Veli was jailed.")[-1].entity.text == (
        "Ali Veli"
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Martin Keller",
                "was jailed",
                "allegedly",
                "not",
                "In the novel,",
                ".",
                "\n\n",
                "He",
                "Acme Ltd",
                "went bust",
                '"',
                "said",
                "$4 million",
                "İ",
                "ß",
                " ",
                "é",
            ]
        ),
        max_size=40,
    ).map(" ".join)
)
def test_offsets_always_point_into_the_text(text: str) -> None:
    for claim in CHECKER.check(text):
        assert 0 <= claim.start <= claim.predicate_start < claim.predicate_end <= claim.end
        assert claim.end <= len(text)
        assert text[claim.entity.start : claim.entity.end] == claim.entity.text
        assert text[claim.predicate_start : claim.predicate_end] == claim.predicate


TRICKY = {
    "categories": {
        "crime": ["(?:a|the)\\s+crook", "arrest(?:ed)?", "ab|cd", "(?:on\\s+)?bail", "x\\w+y"],
        "fraud": ["a\\s+fraud", "(?:stole|sto+d)", "(?:ab|cd)e", "[bc]ribe", "arrested\\s+for"],
        "sexual": ["an\\s+affair", "(?:on|in)\\s+bed", "th(?:e|is)\\s+crook", "b?ail"],
    },
    "hedges": ["alleged(?:ly)?", "(?:is|was)\\s+said"],
    "fiction": ["in\\s+the\\s+(?:film|novel)", "all(?:eg)?ory"],
    "sentence_negators": ["denied", "(?:all)?\\s*allegations?\\s+dropped"],
    "local_negators": ["not"],
    "speech_verbs": ["said"],
}


@pytest.mark.parametrize("lexicon", ["builtin", "tricky"])
def test_categories_and_cues_tried_by_first_characters_agree_with_trying_all(
    lexicon: str,
) -> None:
    """Only the lists that can start at a match are tried (for speed): the result must be
    what trying every list gives, whatever the terms look like."""
    lex = builtin_lexicon() if lexicon == "builtin" else Lexicon.parse(TRICKY, "test")
    text = " ".join(row[0] for row in TABLE) + (
        " the crook was on bail; ab cde abe cd stood stole bribe cribe xzy xy an affair "
        "in bed this crook ail bail arrested for arrested allegedly allegory all allegations "
        "dropped allegations dropped is said was said denied in the novel alleged"
    )
    low = text.lower()
    assert lex.combined is not None and lex.cues is not None
    for m in lex.combined.finditer(low):
        every = [(n, p.match(low, m.start())) for n, p in lex.categories.items()]
        best = max(
            ((n, x.end()) for n, x in every if x), key=lambda t: t[1], default=None
        )  # max keeps the first of equal ends, as categorise does
        assert lex.categorise(low, m.start(), m.end()) == best
        assert lex.categorise(low, m.start()) == best
    lists = {
        "hedges": lex.hedges,
        "fiction": lex.fiction,
        "sentence_negators": lex.sentence_negators,
    }
    for m in lex.cues.finditer(low):
        tried = dict(lex.cue_lists(low, m.start()))
        for name, pattern in lists.items():
            found = pattern.match(low, m.start())
            assert (found is None) or name in tried
            if len(tried) == 1 and name in tried:
                assert found is not None and found.end() == m.end()


_PLAIN_END = re.compile(r"[.!?]+[\"'”’)]?(?=\s+[\"“'‘(]?[A-Z0-9])|\n\s*\n")  # noqa: RUF001
_PLAIN_ABBREV = re.compile(
    r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Capt|Rev|St|Inc|Corp|Co|Ltd|No|vs|etc)\.$"
)


def _plain_sentences(text: str) -> list[tuple[int, int]]:
    """The plain definition the fast splitter must keep: a run of . ! ? then space and a
    capital, quote or digit, unless the run starts with a full stop after an abbreviation
    or an initial; or a blank line. Stripped, cut at 2,000 characters."""
    out, pos = [], 0
    ends = [
        m.end()
        for m in _PLAIN_END.finditer(text)
        if not (
            text[m.start()] == "."
            and _PLAIN_ABBREV.search(text, max(0, m.start() - 4), m.start() + 1)
        )
    ]
    for end in [*ends, len(text)]:
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while b - a > 2_000:
            out.append((a, a + 2_000))
            a += 2_000
        if b > a:
            out.append((a, b))
        pos = end
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Mr",
                "Mrs",
                "Dr",
                "P",
                "A",
                "x",
                "etc",
                "vs",
                "No",
                "St",
                "Co",
                "Capt",
                "U.S.",
                ".",
                ".",
                "!",
                "?",
                "..",
                " ",
                " ",
                "\n",
                "\n\n",
                "\t",
                '"',
                "”",
                ")",
                "(",
                "“",
                "Word",
                "word",
                "1",
                "İ",
                "Hummr",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_sentence_splitting_keeps_the_plain_definition(text: str) -> None:
    assert [(s.start, s.end) for s in sentences(text)] == _plain_sentences(text)
