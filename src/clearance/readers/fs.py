"""Local paths and fsspec URLs (s3://, gs://, memory://) through one interface."""

from __future__ import annotations

import io
from typing import IO, Any

import fsspec
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem
from fsspec.spec import AbstractBufferedFile


def filesystem(path: str) -> tuple[Any, str]:
    """The fsspec filesystem for ``path`` and the path as that filesystem names it."""
    fs, root = url_to_fs(path)
    return fs, root


def open_binary(fs: Any, path: str) -> IO[bytes]:
    if type(fs) is LocalFileSystem and "://" not in path:
        # the same file object fsspec would open, without its per-call path handling
        return open(path, "rb")
    stream: IO[bytes] = fs.open(path, "rb")
    if isinstance(stream, AbstractBufferedFile):
        # s3fs/gcsfs files take no size in readline(); io.BufferedReader gives the full
        # io API (readline(limit), peek) the readers rely on over any of them.
        return io.BufferedReader(stream)
    return stream


def join_url(fs: Any, path: str) -> str:
    """A URL that reopens ``path`` in a new process (the protocol prefix is kept)."""
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    if protocol in ("file", "local"):
        return str(path)
    return f"{protocol}://{path.removeprefix(protocol + '://')}"


__all__ = ["filesystem", "fsspec", "join_url", "open_binary"]
