"""Where a run's files live: a local folder or a prefix on object storage (``s3://``).

The run store asks for a few operations only (write a file, list a folder, read, delete) and
this module does each the safe way for the backend:

* **local**: write a temp file, fsync, rename over the target (POSIX rename is atomic), so a
  reader never sees half a file.
* **object storage** (any fsspec URL: ``s3://`` through s3fs, ``gs://`` through gcsfs,
  ``memory://`` in tests): one PUT per object, which S3 makes visible whole or not at all;
  a rename would be a copy plus a delete, so none is used. There are no folders to create.
  Listings are read fresh (fsspec caches them per process, and other processes write).

Credentials and endpoint come from the environment as for any boto3 / s3fs client:
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL`` (S3-compatible stores), ``AWS_PROFILE``, or an instance role.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clearance.model.errors import MissingDependency, RunError

#: the package each object-storage protocol needs, for a clear message when it is missing.
_PROTOCOL_PACKAGES = {"s3": ("s3fs", "s3"), "s3a": ("s3fs", "s3"), "gs": ("gcsfs", "gcs")}


def is_url(location: str | Path) -> bool:
    """True for ``s3://bucket/run`` and other fsspec URLs (``file://`` is a local path)."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def normalise(location: str | Path) -> str:
    """The form every process can reopen: a URL without its trailing slash, or an absolute path."""
    text = str(location)
    if text.startswith("file://"):
        text = text.removeprefix("file://")
    if is_url(text):
        return text.rstrip("/")
    return str(Path(text).resolve())


def _object_fs(url: str) -> tuple[Any, str]:
    from fsspec.core import url_to_fs

    protocol = url.split("://", 1)[0]
    try:
        fs, root = url_to_fs(url)
    except ImportError:
        package, extra = _PROTOCOL_PACKAGES.get(protocol, (protocol, protocol))
        raise MissingDependency(f"a {protocol}:// run ({package})", extra) from None
    except ValueError as exc:  # an unknown protocol
        raise RunError(f"cannot write a run to {url}: {exc}") from exc
    return fs, str(root).rstrip("/")


class RunFiles:
    """The files of one run, addressed by paths relative to the run (``_shards/x.json``)."""

    def __init__(self, location: str | Path):
        self.location = normalise(location)
        self.remote = is_url(self.location)
        if self.remote:
            self.fs, self.root = _object_fs(self.location)
        else:
            self.fs, self.root = None, self.location

    def __repr__(self) -> str:
        return f"RunFiles({self.location!r})"

    # -- names ------------------------------------------------------------------------------
    def path(self, rel: str) -> str:
        """The path of ``rel`` as this backend names it (for pyarrow with ``filesystem``)."""
        return f"{self.root}/{rel}" if rel else self.root

    def url(self, rel: str) -> str:
        """``rel`` as a user would type it (for messages)."""
        return f"{self.location}/{rel}" if rel else self.location

    @property
    def arrow_fs(self) -> Any:
        """The ``filesystem`` argument for pyarrow readers (None: local paths)."""
        return self.fs

    # -- reading ---------------------------------------------------------------------------
    def exists(self, rel: str) -> bool:
        if not self.remote:
            return Path(self.path(rel)).exists()
        self._fresh()
        return bool(self._guard(lambda: self.fs.exists(self.path(rel)), "read"))

    def is_empty(self) -> bool:
        """No file under the run (a missing folder or prefix is empty)."""
        if not self.remote:
            root = Path(self.root)
            return not root.exists() or not any(root.iterdir())
        self._fresh()
        try:  # one level (a handful of entries), not the run's millions of shard files
            return not self._guard(lambda: self.fs.ls(self.root, detail=False), "list")
        except FileNotFoundError:
            return True

    def names(self, folder: str, pattern: str) -> list[str]:
        """Names (not paths) in ``folder`` matching ``pattern``, sorted."""
        if not self.remote:
            base = Path(self.path(folder))
            return sorted(p.name for p in base.glob(pattern)) if base.exists() else []
        self._fresh()
        found = self._guard(lambda: self.fs.find(self.path(folder), maxdepth=1), "list")
        names = (str(p).rsplit("/", 1)[-1] for p in found)
        return sorted(n for n in names if fnmatch.fnmatchcase(n, pattern))

    def read_text(self, rel: str) -> str:
        """The file's text; FileNotFoundError when it is missing."""
        if not self.remote:
            return Path(self.path(rel)).read_text()
        data: bytes = self._guard(lambda: self.fs.cat_file(self.path(rel)), "read")
        return data.decode()

    def read_texts(self, rels: list[str]) -> list[str]:
        """Several files' texts, in order; on object storage fetched concurrently (s3fs
        batches the GETs), which matters for a run's many small shard markers."""
        if not self.remote or len(rels) < 2:
            return [self.read_text(rel) for rel in rels]
        paths = [self.path(rel) for rel in rels]
        found: dict[str, bytes] = self._guard(lambda: self.fs.cat(paths, on_error="raise"), "read")
        return [found[path].decode() for path in paths]

    # -- writing ---------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Fail before any work when the bucket is missing (a local folder is created)."""
        if not self.remote:
            return
        self._fresh()
        bucket = self.root.split("/", 1)[0]
        if not self._guard(lambda: self.fs.exists(bucket), "reach"):
            raise RunError(
                f"cannot write {self.location}: bucket {bucket!r} does not exist or is not "
                "visible with these credentials"
            )

    def makedirs(self, *folders: str) -> None:
        if not self.remote:
            for folder in folders:
                Path(self.path(folder)).mkdir(parents=True, exist_ok=True)

    def write_bytes(self, rel: str, data: bytes) -> None:
        if self.remote:
            self._guard(lambda: self.fs.pipe_file(self.path(rel), data), "write")
            return
        target = Path(self.path(rel))
        tmp = target.with_name(f".{target.name}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)

    def write_parquet(
        self, rel: str, table: pa.Table, use_dictionary: bool | Sequence[str] = True
    ) -> None:
        """``use_dictionary`` as ``pq.write_table`` takes it: the columns worth a dictionary."""
        if self.remote:
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink, use_dictionary=use_dictionary)
            self.write_bytes(rel, sink.getvalue().to_pybytes())
            return
        target = Path(self.path(rel))
        tmp = target.with_name(f".{target.name}.tmp")
        pq.write_table(table, tmp, use_dictionary=use_dictionary)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)

    def delete(self, rel: str) -> None:
        """Remove one file; a missing one is not an error."""
        if not self.remote:
            Path(self.path(rel)).unlink(missing_ok=True)
            return
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self.path(rel))

    def delete_tree(self, rel: str = "") -> None:
        """Remove a folder (or the whole run) and everything under it."""
        if not self.remote:
            import shutil

            shutil.rmtree(self.path(rel), ignore_errors=True)
            return
        self._fresh()
        files = self._guard(lambda: self.fs.find(self.path(rel)), "list")
        if files:
            self._guard(lambda: self.fs.rm(files), "delete")
        self._fresh()

    def drop_temp_files(self, folder: str) -> None:
        """Temp files of a killed local writer (object stores have none)."""
        if not self.remote:
            for name in self.names(folder, ".*.tmp"):
                self.delete(f"{folder}/{name}")

    # -- helpers ---------------------------------------------------------------------------
    def _fresh(self) -> None:
        self.fs.invalidate_cache()

    def _guard(self, call: Any, action: str) -> Any:
        """Storage failures (no bucket, no credentials, endpoint down) as one clear RunError."""
        try:
            return call()
        except FileNotFoundError:
            raise
        except (PermissionError, OSError) as exc:
            raise RunError(f"cannot {action} {self.location}: {exc}") from exc
        except Exception as exc:  # botocore's NoCredentialsError, EndpointConnectionError...
            raise RunError(
                f"cannot {action} {self.location}: {type(exc).__name__}: {exc} (credentials and "
                "endpoint come from AWS_* variables, e.g. AWS_ENDPOINT_URL)"
            ) from exc
