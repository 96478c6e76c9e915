"""When a matched span sends an output to review or blocks it.

Defaults mirror published practice, as the project's issue 8 summarises it (not verified
here against the vendors' pages; treat the figures as ``unverified``): Azure AI Content
Safety's protected-material check uses 11 words for song lyrics and 200 characters for
articles, and GitHub Copilot's duplication filter looks at about 150 characters of code.
We review at 11 words or 110 characters and block at 200 characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.model.errors import ConfigError
from clearance.model.yaml_config import line_of, parse_yaml

VerdictName = Literal["pass", "review", "block"]
VERDICT_ORDER: dict[str, int] = {"pass": 0, "review": 1, "block": 2}


class Policy(BaseModel):
    """Thresholds over matched spans (and what detector findings do to the verdict)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    review_words: int = Field(default=11, ge=1, description="review a span of this many words")
    review_chars: int = Field(
        default=110, ge=1, description="review a span of this many characters"
    )
    block_chars: int = Field(default=200, ge=1, description="block a span of this many characters")
    block_words: int | None = Field(
        default=None, ge=1, description="block a span of this many words"
    )
    max_gap_words: int = Field(
        default=12, ge=0, le=64, description="unmatched words bridged inside one span (light edits)"
    )
    detector_findings: VerdictName = Field(
        default="review", description="verdict at least this when a detector reports a finding"
    )
    max_sources: int = Field(default=5, ge=1, le=100, description="sources named per span")

    @model_validator(mode="after")
    def _ordered(self) -> Policy:
        if self.block_chars < self.review_chars:
            raise ValueError("block_chars must be >= review_chars")
        return self

    def span_verdict(self, words: int, chars: int) -> VerdictName:
        if chars >= self.block_chars or (
            self.block_words is not None and words >= self.block_words
        ):
            return "block"
        if words >= self.review_words or chars >= self.review_chars:
            return "review"
        return "pass"

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Policy:
        """The defaults, then a YAML file's keys, then explicit overrides (CLI options)."""
        data: dict[str, Any] = {}
        node = None
        if path is not None:
            try:
                text = Path(path).read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read guard policy: {exc}", file=str(path)) from exc
            node, loaded = parse_yaml(text, file=str(path))
            if not isinstance(loaded, dict | None):
                raise ConfigError(
                    "guard policy must be a mapping of thresholds", file=str(path), line=1
                )
            data.update(loaded or {})
        given = {k: v for k, v in overrides.items() if v is not None}
        data.update(given)
        try:
            return cls(**data)
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = tuple(error["loc"])
            where = ".".join(str(p) for p in loc) or "policy"
            # a key from the file has a line; an override from the command line has none
            line = line_of(node, loc) if loc and loc[0] not in given else None
            raise ConfigError(
                f"bad guard policy: {where}: {error['msg']}",
                file=str(path) if path else None,
                line=line,
            ) from None
