"""The AI crawler list (``data/ai_agents.yaml``), loaded once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

PURPOSES = ("training", "ai-data", "search", "user-fetch")
#: how sure a disallow for an agent of this purpose is an opt-out from AI training/TDM.
PURPOSE_CONFIDENCE = {"training": 0.95, "ai-data": 0.9, "search": 0.8, "user-fetch": 0.7}


@dataclass(frozen=True)
class AiAgent:
    token: str
    operator: str
    purpose: str
    function: str
    docs: str | None


@dataclass(frozen=True)
class AgentList:
    agents: tuple[AiAgent, ...]
    source: str
    retrieved: str


@cache
def ai_agents() -> AgentList:
    """The shipped list; a malformed file is a packaging bug and raises at once."""
    text = files("clearance.detectors.signals").joinpath("data/ai_agents.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    agents = tuple(
        AiAgent(
            token=str(a["token"]),
            operator=str(a["operator"]),
            purpose=str(a["purpose"]),
            function=str(a.get("function") or ""),
            docs=a.get("docs"),
        )
        for a in data["agents"]
    )
    bad = [a.token for a in agents if a.purpose not in PURPOSES]
    if bad:
        raise ValueError(f"ai_agents.yaml: unknown purpose for {', '.join(bad)}")
    source = data["source"]
    return AgentList(agents, f"{source['name']} @ {source['commit'][:12]}", source["retrieved"])
