"""The source manifest ``clearance.yaml``: the data inventory, validated strictly.

A bad manifest fails at start with the file, line and field, because a scan that silently
ignored a misspelt ``licence:`` would clear data on a declaration nobody made.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from clearance.model.errors import ConfigError
from clearance.model.yaml_config import line_of, parse_yaml

MANIFEST_VERSION: Literal[1] = 1


class SourceKind(StrEnum):
    WEB_SCRAPED = "web-scraped"
    LICENSED = "licensed"
    PUBLIC_DOMAIN = "public-domain"
    GOVERNMENT = "government"
    OPEN_SOURCE = "open-source"
    COMMISSIONED = "commissioned"
    CUSTOMER = "customer"
    SYNTHETIC = "synthetic"
    UNKNOWN = "unknown"


Format = Literal["auto", "files", "jsonl", "parquet", "csv", "warc", "hf"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class Source(BaseModel):
    """One entry of the inventory: where the data is and what was declared about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    path: str
    kind: SourceKind = SourceKind.UNKNOWN
    format: Format = "auto"
    license: str | None = None
    terms: str | None = None
    vendor_agreement: str | None = None
    consent: str | None = None
    text_field: str = "text"
    notes: str | None = None
    #: customer data: CSV/JSONL of consent records (subject_id, scope[, withdrawn, expires]).
    consent_records: str | None = None
    #: the item field (meta key, dotted for nesting) holding the subject/customer id.
    subject_field: str | None = None
    #: a YAML file of extra source-terms registry entries (domain pattern -> terms class).
    terms_registry: str | None = None
    #: captured robots.txt / tdmrep.json / ai.txt per host: a folder, zip/tar or WARC of them.
    robots: str | None = None
    #: a YAML file of word marks (mark, owner, classes, variants, case) for the trademark scan.
    marks: str | None = None
    #: a folder of logo reference images, one sub-folder per mark, for the logo scan.
    logo_gallery: str | None = None

    @field_validator("name")
    @classmethod
    def _name_is_slug(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must be lower-case letters, digits, '.', '_' or '-' (max 64)")
        return value

    @field_validator("path")
    @classmethod
    def _path_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("license")
    @classmethod
    def _license_parses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from clearance.licenses.expressions import normalise_expression

        parsed = normalise_expression(value)
        if parsed.error:
            raise ValueError(f"not a valid SPDX expression: {parsed.error}")
        return parsed.expression

    @model_validator(mode="after")
    def _consent_records_name_their_subject(self) -> Source:
        if self.consent_records and not self.subject_field:
            raise ValueError("consent_records needs subject_field (the item field with the id)")
        return self

    @property
    def is_url(self) -> bool:
        return "://" in self.path


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = MANIFEST_VERSION
    sources: list[Source] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice")
            seen.add(source.name)
        return sources


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest; relative source paths become relative to its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read manifest: {exc}", file=str(path)) from exc
    return parse_manifest(text, file=str(path), base=path.parent)


def parse_manifest(text: str, *, file: str = "<manifest>", base: Path | None = None) -> Manifest:
    node, data = parse_yaml(text, file=file)
    if not isinstance(data, dict):
        raise ConfigError("a manifest is a mapping with 'version' and 'sources'", file=file, line=1)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(part) for part in loc) or "(top level)"
        line = line_of(node, loc)
        raise ConfigError(f"{field}: {error['msg']}", file=file, line=line) from None
    if base is None:
        return manifest
    resolved = [_resolve_paths(s, base) for s in manifest.sources]
    return manifest.model_copy(update={"sources": resolved})


#: Source fields naming files or folders, read relative to the manifest's folder.
FILE_FIELDS = (
    "path",
    "robots",
    "vendor_agreement",
    "consent_records",
    "terms_registry",
    "marks",
    "logo_gallery",
)


def _resolve_paths(source: Source, base: Path) -> Source:
    """File fields relative to the manifest's folder (URLs and absolute paths kept)."""
    update: dict[str, str] = {}
    for field in FILE_FIELDS:
        value = getattr(source, field)
        if value and "://" not in value and not Path(value).is_absolute():
            update[field] = str(base / value)
    # ``terms`` is a URL, a name or a file; a relative path that names a file next to the
    # manifest is read from there (the terms-review detector reviews it).
    terms = source.terms
    if terms and "://" not in terms and not Path(terms).is_absolute() and (base / terms).is_file():
        update["terms"] = str(base / terms)
    return source.model_copy(update=update) if update else source
