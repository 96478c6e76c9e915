"""The detector protocol and registry.

A detector is one small class: it declares what it is (``name``, ``version``), what it reads
(``media_types``), what it needs (``requires``, installed by ``extra``) and how long it may
take per item (``time_budget_s``), and implements ``detect(item) -> findings``. Register it
with ``@register``; third parties register through the ``clearance.detectors`` entry point.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from clearance.model.errors import ConfigError, MissingDependency
from clearance.model.finding import Finding
from clearance.model.item import Item

if TYPE_CHECKING:
    from clearance.sources.manifest import Source


@dataclass(frozen=True)
class DetectorContext:
    """What a detector may know beyond the item: the run's sources and scan options.

    Plain, hashable data so it pickles to every worker (local or Ray) and keys the per-process
    detector cache. Detectors read it in ``Detector.configure``.
    """

    sources: tuple[Source, ...] = ()
    #: (name, JSON value) pairs, e.g. ("fetch_robots", "true"); see ``option``.
    options: tuple[tuple[str, str], ...] = ()

    def source(self, name: str) -> Source | None:
        """The manifest entry an item came from (``item.source``), if the run has it."""
        for source in self.sources:
            if source.name == name:
                return source
        return None

    def option(self, name: str, default: Any = None) -> Any:
        for key, value in self.options:
            if key == name:
                return json.loads(value)
        return default

    @classmethod
    def build(cls, sources: Iterable[Source] = (), **options: Any) -> DetectorContext:
        pairs = tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in options.items()))
        return cls(sources=tuple(sources), options=pairs)


class Detector:
    """Base class for per-item detectors. Subclasses set the class attributes and ``detect``."""

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    #: glob patterns over media types; "text-like" matches every textual type.
    media_types: ClassVar[tuple[str, ...]] = ("*",)
    #: importable module names this detector needs; missing ones raise MissingDependency.
    requires: ClassVar[tuple[str, ...]] = ()
    extra: ClassVar[str | None] = None
    time_budget_s: ClassVar[float] = 10.0

    def __init__(self) -> None:
        self._handles_cache: dict[str, bool] = {}
        missing = missing_modules(self.requires)
        if missing:
            raise MissingDependency(
                f"detector {self.name!r} ({', '.join(missing)})", self.extra or self.name
            )

    def configure(self, context: DetectorContext) -> None:
        """Read run-level configuration (sources, options) once, before any item."""
        return None

    def handles(self, item: Item) -> bool:
        # Answers are cached per media type: a corpus has few, and this runs per item.
        answer = self._handles_cache.get(item.media_type)
        if answer is None:
            answer = self._handles_cache[item.media_type] = any(
                (pattern == "text-like" and item.is_text)
                or fnmatch.fnmatchcase(item.media_type, pattern)
                for pattern in self.media_types
            )
        return answer

    def detect(self, item: Item) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, item: Item, **fields: object) -> Finding:
        """A finding stamped with this detector's name and version."""
        return Finding(
            item_id=item.item_id,
            detector=self.name,
            detector_version=self.version,
            **fields,  # type: ignore[arg-type]
        )


class RunDetector:
    """A detector that needs the whole run (e.g. duplicates): runs once after all shards."""

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""

    def configure(self, context: DetectorContext) -> None:
        return None

    def detect_run(self, items: object) -> Iterable[Finding]:
        """``items`` is a ``pyarrow.Table`` of the run's items."""
        raise NotImplementedError


D = TypeVar("D", bound=type[Detector] | type[RunDetector])
_REGISTRY: dict[str, type[Detector] | type[RunDetector]] = {}
_entry_points_loaded = False


def register(cls: D) -> D:
    """Class decorator: make a detector available by its ``name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"detector name {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Detector] | type[RunDetector]]:
    """All registered detectors: the built-ins, then entry-point plugins."""
    global _entry_points_loaded
    import clearance.detectors._builtin  # noqa: F401  (registers the built-ins)

    if not _entry_points_loaded:
        _entry_points_loaded = True
        for ep in entry_points(group="clearance.detectors"):
            ep.load()
    return dict(sorted(_REGISTRY.items()))


def resolve(names: Iterable[str] | None) -> list[str]:
    """Detector names to run: all registered ones for None, else the given ones, checked."""
    names = None if names is None else list(names)
    if names is not None and not any(names):
        return []  # no detectors: the registry (every detector module) is not even imported
    available = registry()
    if names is None:
        # "All" means all that can run here: a detector whose optional extra is not installed
        # is left out (naming it explicitly still fails with the pip line to install it).
        return [name for name, cls in available.items() if _installed(cls)]
    chosen = [n for n in names if n]
    unknown = [n for n in chosen if n not in available]
    if unknown:
        raise ConfigError(
            f"unknown detector(s): {', '.join(unknown)}; available: {', '.join(available)}"
        )
    return chosen


def _installed(cls: type[Detector] | type[RunDetector]) -> bool:
    requires: tuple[str, ...] = getattr(cls, "requires", ())
    # ``available()`` (optional classmethod): a non-Python need, e.g. a binary on PATH.
    available = getattr(cls, "available", None)
    return not missing_modules(requires) and (available is None or bool(available()))


def missing_modules(modules: Iterable[str]) -> list[str]:
    """The named modules that cannot be imported here (one check for construction and for
    choosing the default detector set)."""
    return [m for m in modules if importlib.util.find_spec(m) is None]


def instantiate(
    names: Iterable[str], context: DetectorContext | None = None
) -> tuple[list[Detector], list[RunDetector]]:
    """Build and configure the chosen detectors once (per worker process)."""
    item_level: list[Detector] = []
    run_level: list[RunDetector] = []
    names = list(names)
    table = registry() if names else {}
    for name in names:
        cls = table[name]
        instance = cls()
        instance.configure(context or DetectorContext())
        if isinstance(instance, Detector):
            item_level.append(instance)
        else:
            run_level.append(instance)
    return item_level, run_level
