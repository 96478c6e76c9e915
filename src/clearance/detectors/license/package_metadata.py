"""Declared licenses in package metadata: PKG-INFO / METADATA, package.json, Cargo.toml, pom.xml.

A package states its license in a field, as an SPDX expression (``License-Expression:``,
package.json ``"license"``, Cargo ``license =``) or as free text (``License:``, trove
classifiers, Maven ``<license><name>``). Expressions are normalised with license-expression;
free text goes through our license text matcher, so "Apache Software License" is read the
same way wherever it appears.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from email.parser import HeaderParser
from pathlib import PurePosixPath

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.license.textmatch import index as license_index
from clearance.detectors.license.textmatch.match import find
from clearance.licenses.expressions import normalise_expression
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

_FILES = {"PKG-INFO", "METADATA", "package.json", "Cargo.toml", "pom.xml"}
_POM_LICENSE = re.compile(
    r"<license>\s*(?:(?!</license>).)*?<name>\s*(?P<name>[^<]+?)\s*</name>", re.DOTALL
)
_CLASSIFIER = "License :: "


@register
class PackageMetadataDetector(Detector):
    name = "package-license"
    version = "1.0"
    description = "declared licenses in PKG-INFO/METADATA, package.json, Cargo.toml, pom.xml"
    media_types = ("*",)
    time_budget_s = 5.0

    def configure(self, context: DetectorContext) -> None:
        self._index = license_index.load()

    def handles(self, item: Item) -> bool:
        return PurePosixPath(item.uri.split("#", 1)[0]).name in _FILES

    def detect(self, item: Item) -> Iterator[Finding]:
        file_name = PurePosixPath(item.uri.split("#", 1)[0]).name
        text = item.text
        try:
            declared = list(_declared(file_name, text))
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            yield error_finding(
                item.item_id, "bad-metadata", f"{file_name}: {exc}", detector=self.name
            )
            return
        for field, value, is_expression in declared:
            yield from self._findings(item, text, file_name, field, value, is_expression)

    def _findings(
        self, item: Item, text: str, file_name: str, field: str, value: str, is_expression: bool
    ) -> Iterator[Finding]:
        start = text.find(value)
        location = {"start": start, "end": start + len(value)} if start >= 0 else {}
        evidence = f"{file_name} {field}: {value}"[:500]
        if is_expression:
            parsed = normalise_expression(value)
            if parsed.ok:
                yield self.finding(
                    item,
                    kind="license",
                    value=parsed.expression,
                    confidence=1.0,
                    rule=f"package/{field}",
                    evidence=evidence,
                    **location,
                )
                return
        matches = find(value, self._index)
        if not matches:
            yield self.finding(
                item,
                kind="license",
                value=f"LicenseRef-unrecognised-{_slug(value)}",
                confidence=0.3,
                rule=f"package/{field}/unrecognised",
                evidence=evidence,
                **location,
            )
        for found in matches:
            yield self.finding(
                item,
                kind="license",
                value=normalise_expression(found.match.ref.expression).expression,
                confidence=0.9 if found.match.status == "clean" else 0.5,
                rule=f"package/{field}/text",
                evidence=f"{evidence}  [{found.match.ref.name}]",
                **location,
            )


def _declared(file_name: str, text: str) -> Iterator[tuple[str, str, bool]]:
    """(field, value, value is meant as an SPDX expression) for each declaration."""
    if file_name in ("PKG-INFO", "METADATA"):
        headers = HeaderParser().parsestr(text.split("\n\n", 1)[0])
        for value in headers.get_all("License-Expression") or []:
            yield "License-Expression", value.strip(), True
        if not headers.get_all("License-Expression"):
            for value in headers.get_all("License") or []:
                if value.strip() and value.strip().upper() != "UNKNOWN":
                    yield "License", value.strip(), True
        for value in headers.get_all("Classifier") or []:
            if value.startswith(_CLASSIFIER) and value.strip() != "License :: OSI Approved":
                yield "Classifier", value.rsplit("::", 1)[-1].strip(), False
    elif file_name == "package.json":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        license_field = data.get("license")
        if isinstance(license_field, dict):
            license_field = license_field.get("type")
        if isinstance(license_field, str) and license_field.strip():
            yield "license", license_field.strip(), True
        for entry in data.get("licenses") or []:
            if isinstance(entry, dict) and isinstance(entry.get("type"), str):
                yield "licenses", entry["type"].strip(), True
    elif file_name == "Cargo.toml":
        package = tomllib.loads(text).get("package", {})
        if isinstance(package.get("license"), str):
            # Cargo accepts the old "/" separator for OR.
            yield "license", package["license"].replace("/", " OR "), True
    elif file_name == "pom.xml":
        for match in _POM_LICENSE.finditer(text):
            yield "license", match.group("name"), False


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", value).strip("-")[:60] or "empty"
