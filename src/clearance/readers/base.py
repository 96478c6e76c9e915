"""What every reader shares: the shard it reads, and the item-plus-problems it yields."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any, NamedTuple, Protocol

from clearance.model.item import Item, make_item_id
from clearance.readers.limits import ReadLimits

READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileRef:
    """A file of a source; size and mtime make a changed file a different shard."""

    path: str
    size: int
    mtime: float = 0.0


@dataclass(frozen=True)
class ShardSpec:
    """A unit of work: some files (or a byte range of one file) of one source.

    Its ``shard_id`` is a hash of the spec, so a resumed scan recognises finished shards
    however the plan is ordered, and a changed file makes a new shard.
    """

    source: str
    format: str
    root: str
    files: tuple[FileRef, ...]
    text_field: str = "text"
    byte_range: tuple[int, int] | None = None
    first_line: int = 1
    meta: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def shard_id(self) -> str:
        blob = json.dumps(self.to_json(), sort_keys=True, default=str).encode()
        return hashlib.sha1(blob).hexdigest()[:16]

    @property
    def size(self) -> int:
        if self.byte_range is not None:
            return self.byte_range[1] - self.byte_range[0]
        return sum(f.size for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """``dataclasses.asdict(self)`` written out: asdict deep-copies field by field, which
        costs more than reading a small file when a shard holds 2,000 of them."""
        return {
            "source": self.source,
            "format": self.format,
            "root": self.root,
            "files": tuple({"path": f.path, "size": f.size, "mtime": f.mtime} for f in self.files),
            "text_field": self.text_field,
            "byte_range": self.byte_range,
            "first_line": self.first_line,
            "meta": copy.deepcopy(dict(self.meta)),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardSpec:
        rng = data.get("byte_range")
        return cls(
            source=data["source"],
            format=data["format"],
            root=data["root"],
            files=tuple(FileRef(**f) for f in data["files"]),
            text_field=data.get("text_field", "text"),
            byte_range=(int(rng[0]), int(rng[1])) if rng else None,
            first_line=int(data.get("first_line", 1)),
            meta=dict(data.get("meta") or {}),
        )

    def locator(self, path: str) -> str:
        """The path of ``path`` relative to the source root (the file name for a file source)."""
        root = self.root.rstrip("/")
        if path == root:
            return path.rsplit("/", 1)[-1]
        if path.startswith(root + "/"):
            return path[len(root) + 1 :]
        return path


@dataclass(frozen=True)
class Read:
    """An item and the problems met while reading it (each becomes an ``error`` finding)."""

    item: Item
    problems: tuple[tuple[str, str], ...] = ()


class Reader(Protocol):
    def __call__(self, spec: ShardSpec, limits: ReadLimits) -> Iterator[Read]: ...


class Bounded(NamedTuple):
    """Bytes read up to a limit; the hash and size always cover the whole stream (a tuple:
    one per item read, built at a fraction of a dataclass's cost)."""

    data: bytes | None
    sha256: str
    size: int


def read_bounded(stream: IO[bytes], limit: int, first: bytes = b"") -> Bounded:
    """Read a whole stream, keeping at most ``limit`` bytes but hashing all of them;
    ``first`` is what the caller already read from it."""
    digest = hashlib.sha256(first)
    parts: list[bytes] = [first]
    kept = total = len(first)
    while chunk := stream.read(READ_CHUNK):
        digest.update(chunk)
        total += len(chunk)
        if kept <= limit:
            parts.append(chunk)
            kept += len(chunk)
    data = b"".join(parts) if total <= limit else None
    return Bounded(data, digest.hexdigest(), total)


def container_error(spec: ShardSpec, path: str, media_type: str, rule: str, message: str) -> Read:
    """An item standing for a whole file whose contents could not be (fully) read."""
    locator = spec.locator(path)
    item = Item(
        item_id=make_item_id(spec.source, locator),
        source=spec.source,
        uri=path,
        media_type=media_type,
        sha256="",
        size=0,
        meta={"container": True},
    )
    return Read(item, ((rule, message),))


def oversize_message(size: int, limits: ReadLimits) -> str:
    return f"{size} bytes is over the {limits.max_item_bytes}-byte item limit; content not scanned"
