from __future__ import annotations

from pathlib import Path

import pytest

from clearance.model import ConfigError
from clearance.sources import SourceKind, load_manifest, parse_manifest, sources_from_inputs
from helpers import EXAMPLES

GOOD = """\
version: 1
sources:
  - name: web
    path: crawl/
    kind: web-scraped
    license: apache-2.0 or mit
  - name: vendor
    path: s3://bucket/licensed/
    kind: licensed
"""


def test_example_manifest_loads_and_resolves_paths_next_to_it() -> None:
    manifest = load_manifest(EXAMPLES / "clearance.yaml")
    names = [s.name for s in manifest.sources]
    assert names == ["essays", "code", "posts", "crawl", "images", "hf-card-dataset"]
    for source in manifest.sources:
        assert Path(source.path).exists(), source.path


def test_license_is_normalised_and_urls_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(GOOD)
    manifest = load_manifest(tmp_path / "m.yaml")
    web, vendor = manifest.sources
    assert web.license == "Apache-2.0 OR MIT"
    assert web.kind is SourceKind.WEB_SCRAPED
    assert web.path == str(tmp_path / "crawl/")
    assert vendor.path == "s3://bucket/licensed/"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (GOOD.replace("    kind: licensed", "    kind: stolen"), 9, "sources.1.kind"),
        (GOOD.replace("    license: apache", "    licence: apache"), 6, "licence"),
        (GOOD.replace("apache-2.0 or mit", "MIT AND ("), 6, "not a valid SPDX expression"),
        (GOOD.replace("name: vendor", "name: web"), 3, "used twice"),
        (GOOD.replace("name: vendor", "name: Vendor Data"), 7, "sources.1.name"),
        ("version: 1\nsources:\n  - name: a\n    path: [unclosed\n", 5, "invalid YAML"),
        ("version: 2\nsources: []\n", 1, "version"),
        ("- just\n- a list\n", 1, "mapping"),
    ],
)
def test_bad_manifest_fails_naming_file_line_and_field(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = tmp_path / "clearance.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_manifest(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message


def test_missing_path_field_is_reported_at_the_source() -> None:
    with pytest.raises(ConfigError, match=r"<manifest>:3: sources\.0\.path: Field required"):
        parse_manifest("version: 1\nsources:\n  - name: a\n")


def test_plain_paths_become_unknown_sources_and_missing_ones_fail(tmp_path: Path) -> None:
    (tmp_path / "My Data").mkdir()
    sources, manifests = sources_from_inputs([str(tmp_path / "My Data")])
    assert manifests == [] and sources[0].name == "my-data"
    assert sources[0].kind is SourceKind.UNKNOWN
    with pytest.raises(ConfigError, match="does not exist"):
        sources_from_inputs([str(tmp_path / "nope")])
    with pytest.raises(ConfigError, match="nothing to scan"):
        sources_from_inputs([])
