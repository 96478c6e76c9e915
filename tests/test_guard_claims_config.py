"""The claims check's YAML files (policy, names, lexicon): a bad file fails at load naming the
file and the line to fix, as the manifest and policies do."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from clearance.guard.claims import ClaimsPolicy, Lexicon, load_names
from clearance.guard.claims.rules import builtin_lexicon, load_yaml
from clearance.model.errors import ConfigError


def _error(path: Path, text: str, load: type[ClaimsPolicy] | None = None) -> ConfigError:
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        if load is None:
            load_names(path)
        else:
            ClaimsPolicy.load(path)
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("version: 1\nwindow_words: thirty\n", 2, "window_words must be 2..500"),
        ("version: 1\nwindow_words: true\n", 2, "window_words must be 2..500"),
        ("version: 1\n\nnegation_windw: 3\n", 3, "unknown key(s) negation_windw"),
        ("categories:\n  crime:\n    hedged: review\n    negated: maybe\n", 4, "crime.negated"),
        ("categories:\n  crime: {}\n  gossip: {unsupported: block}\n", 3, "unknown category"),
        ("categories:\n  crime: block\n", 2, "crime must map states"),
        ("categories: [crime]\n", 1, "categories must map"),
        ("version: 1\ncategories:\n  crime: {unsupported: block\n", 4, "invalid YAML"),
    ],
)
def test_a_bad_policy_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "claims.yaml"
    error = _error(path, text, ClaimsPolicy)
    assert (error.file, error.line) == (str(path), line)
    assert str(error).startswith(f"{path}:{line}: ") and message in str(error)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("names:\n  - name: Jane Roe\n  - name: X\n    kind: person\n", 4, "names[1]: unknown key"),
        ("names:\n  - name: X\n\n    type: animal\n", 4, "person or org"),
        ("- Jane Roe\n- name: ''\n", 2, "names[1]: 'name' must be"),
        ("names:\n  - name: X\n    aliases: Xavier\n", 3, "'aliases' must be a list"),
        ("version: 1\nnames: {X: person}\n", 2, "expected a list"),
        ("marks:\n  - mark: Acme\n  - owner: Acme Inc\n", 3, "marks[1]: a mapping with 'mark'"),
    ],
)
def test_a_bad_names_file_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "names.yaml"
    error = _error(path, text)
    assert (error.file, error.line) == (str(path), line)
    assert message in str(error)


def _lexicon_text() -> str:
    return files("clearance.guard.claims").joinpath("data/lexicon.yaml").read_text("utf-8")


def _lexicon_error(text: str) -> ConfigError:
    data, line = load_yaml(text, "lexicon.yaml")
    with pytest.raises(ConfigError) as info:
        Lexicon.parse(data, "lexicon.yaml", line)
    return info.value


def test_a_bad_lexicon_names_file_and_line() -> None:
    text = _lexicon_text()
    lines = text.splitlines()
    bad_term = lines.index("    - manslaughter") + 1
    error = _lexicon_error(text.replace("    - manslaughter\n", "    - manslaughter(\n"))
    assert (error.file, error.line) == ("lexicon.yaml", bad_term)
    assert "bad pattern 'manslaughter('" in str(error) and "categories.crime" in str(error)
    hedges = lines.index("hedges:") + 1
    error = _lexicon_error(re.sub(r"hedges:\n(?:  - .*\n)+", "hedges: allegedly\n", text))
    assert error.line == hedges and "hedges must be a non-empty list" in str(error)
    # a misspelt key: the line of its value (as line_of gives it for the manifest)
    error = _lexicon_error(text.replace("hedges:\n", "hedgs:\n"))
    assert error.line == hedges + 1 and "unknown key(s) hedgs" in str(error)
    titles = lines.index("titles:") + 1
    error = _lexicon_error(re.sub(r"titles:\n(?:  - .*\n)+", "titles: Mr\n", text))
    assert error.line == titles and "titles must be a list" in str(error)
    crime = lines.index("  crime:") + 1
    error = _lexicon_error(text.replace("  crime:\n", "  crimes:\n"))
    assert error.line == crime + 1 and "unknown categories ['crimes']" in str(error)


def test_the_builtin_files_load() -> None:
    lexicon = builtin_lexicon()
    assert "crime" in lexicon.categories and lexicon.hedges.search("allegedly")
    assert ClaimsPolicy.load().verdict("crime", "unsupported") in ("review", "block")
