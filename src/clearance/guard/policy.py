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

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.model.errors import ConfigError

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
        if path is not None:
            try:
                loaded = yaml.safe_load(Path(path).read_text("utf-8")) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(f"cannot read guard policy: {exc}", file=str(path)) from exc
            if not isinstance(loaded, dict):
                raise ConfigError("guard policy must be a mapping of thresholds", file=str(path))
            data.update(loaded)
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}"
                for e in exc.errors()
            )
            raise ConfigError(
                f"bad guard policy: {problems}", file=str(path) if path else None
            ) from None
