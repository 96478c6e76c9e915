"""Zip and tar archives read member by member, never extracted, with bomb and traversal guards.

The guards follow what hostile archives actually do: names with ``..`` or absolute paths
(zip-slip), links and device files, members that inflate far beyond their compressed size,
archives whose members together inflate past a budget (overlapping-entry bombs), and archives
with absurd member counts. Each becomes an error finding on the member; the scan goes on.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
import zipfile
from collections.abc import Iterator
from typing import IO

from clearance.model.item import Item, make_item_id
from clearance.readers.base import Read, ShardSpec
from clearance.readers.limits import ReadLimits
from clearance.readers.sniff import sniff_media_type

ARCHIVE_TYPES = frozenset({"application/zip", "application/x-tar", "application/gzip"})


def unsafe_member_name(name: str) -> str | None:
    """Why an archive member name is unsafe to write out later, or None when it is fine."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return "absolute path"
    if ".." in normalised.split("/"):
        return "path traversal ('..')"
    if "\x00" in normalised:
        return "NUL byte in name"
    return None


class _Budget:
    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.inflated = 0
        self.members = 0

    def exhausted(self) -> str | None:
        if self.members > self.limits.max_archive_members:
            return f"more than {self.limits.max_archive_members} members"
        if self.inflated > self.limits.max_archive_bytes:
            return f"inflates past the {self.limits.max_archive_bytes}-byte archive budget"
        return None


def read_archive(
    spec: ShardSpec, archive_path: str, stream: IO[bytes], media_type: str, limits: ReadLimits
) -> Iterator[Read]:
    """Yield one ``Read`` per member (directories skipped)."""
    prefix = spec.locator(archive_path)
    budget = _Budget(limits)
    if media_type == "application/zip":
        yield from _zip_members(spec, prefix, archive_path, stream, limits, budget)
    else:
        yield from _tar_members(spec, prefix, archive_path, stream, limits, budget)


def _member_read(
    spec: ShardSpec,
    prefix: str,
    archive_path: str,
    name: str,
    data: bytes | None,
    problems: list[tuple[str, str]],
    declared_size: int,
) -> Read:
    locator = f"{prefix}!{name}"
    uri = f"{archive_path}!{name}"
    meta = {"archive": prefix, "member": name}
    if data is None:
        item = Item(
            item_id=make_item_id(spec.source, locator),
            source=spec.source,
            uri=uri,
            media_type="application/octet-stream",
            sha256="",
            size=declared_size,
            meta=meta,
        )
        return Read(item, tuple(problems))
    media_type = sniff_media_type(data[:8192], name)
    item = Item.from_bytes(
        source=spec.source, locator=locator, uri=uri, media_type=media_type, data=data, meta=meta
    )
    return Read(item, tuple(problems))


def _zip_members(
    spec: ShardSpec,
    prefix: str,
    archive_path: str,
    stream: IO[bytes],
    limits: ReadLimits,
    budget: _Budget,
) -> Iterator[Read]:
    with zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            budget.members += 1
            problems: list[tuple[str, str]] = []
            data: bytes | None = None
            unsafe = unsafe_member_name(info.filename)
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            if why := budget.exhausted():
                problems.append(("archive-budget", f"archive {why}; member not read"))
            elif unsafe or is_link:
                reason = unsafe or "symbolic link"
                problems.append(("unsafe-archive-member", f"{reason}: {info.filename!r}; not read"))
            elif info.file_size > limits.max_item_bytes:
                problems.append(("oversize", f"declares {info.file_size} bytes; not read"))
            else:
                data, problem = _inflate_zip_member(archive, info, limits)
                budget.inflated += len(data or b"")
                if problem:
                    problems.append(problem)
            yield _member_read(
                spec, prefix, archive_path, info.filename, data, problems, info.file_size
            )


def _inflate_zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits
) -> tuple[bytes | None, tuple[str, str] | None]:
    # Never trust the declared size: inflate in chunks and stop at the limits.
    cap = limits.max_item_bytes
    ratio_cap = max(limits.ratio_floor_bytes, int(info.compress_size * limits.max_ratio))
    out = io.BytesIO()
    try:
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                out.write(chunk)
                if out.tell() > ratio_cap:
                    return None, ("zip-bomb", f"inflates over {limits.max_ratio:g}x; not read")
                if out.tell() > cap:
                    return None, ("oversize", f"inflates past {cap} bytes; not read")
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, ValueError) as exc:
        # RuntimeError: encrypted member; BadZipFile: CRC or header mismatch.
        return None, ("corrupt-archive-member", f"{type(exc).__name__}: {exc}")
    return out.getvalue(), None


def _tar_members(
    spec: ShardSpec,
    prefix: str,
    archive_path: str,
    stream: IO[bytes],
    limits: ReadLimits,
    budget: _Budget,
) -> Iterator[Read]:
    # Streaming mode ("r|*") reads members in order without seeking; gzip is handled inline.
    with tarfile.open(fileobj=stream, mode="r|*") as archive:
        for info in archive:
            if info.isdir():
                continue
            budget.members += 1
            problems: list[tuple[str, str]] = []
            data: bytes | None = None
            unsafe = unsafe_member_name(info.name)
            if why := budget.exhausted():
                problems.append(("archive-budget", f"archive {why}; member not read"))
            elif unsafe:
                problems.append(("unsafe-archive-member", f"{unsafe}: {info.name!r}; not read"))
            elif not info.isfile():
                kind = "link" if info.issym() or info.islnk() else "special file"
                problems.append(("unsafe-archive-member", f"{kind}: {info.name!r}; not read"))
            elif info.size > limits.max_item_bytes:
                problems.append(("oversize", f"declares {info.size} bytes; not read"))
            else:
                member = archive.extractfile(info)
                data = member.read() if member is not None else b""
                budget.inflated += len(data)
            yield _member_read(spec, prefix, archive_path, info.name, data, problems, info.size)


def is_archive(media_type: str, name: str) -> bool:
    """Archives we expand. Office files and EPUBs are zips too, but are documents: not expanded."""
    if media_type in ("application/zip", "application/x-tar"):
        return True
    return media_type == "application/gzip" and posixpath.basename(name).lower().endswith(
        (".tar.gz", ".tgz")
    )
