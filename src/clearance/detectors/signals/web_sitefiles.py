"""Site files (robots.txt, /.well-known/tdmrep.json, ai.txt) of every host in a run, indexed once.

Design. A page's robots.txt is rarely next to it: crawlers fetch it once per host, often into
another WARC file (Common Crawl keeps them in separate ``robotstxt`` WARCs), and a shard sees
only its own records. So before any item is scanned, ``SiteIndex.for_context`` collects the
site files of the whole run from three places:

1. the manifest's ``robots:`` field of a source: a folder or zip/tar archive of captures named
   per host (``HOST/robots.txt``, ``HOST/.well-known/tdmrep.json``, ``HOST/ai.txt``, or flat
   ``HOST.txt`` for a robots.txt), or a WARC of robots.txt captures;
2. the response records at those paths inside the run's WARC sources (one pre-pass that reads
   only their bodies; it also lists every host the crawl touched);
3. with the ``fetch_robots`` option, the network, for hosts that have no robots.txt capture.

It writes them to one SQLite file in the cache folder, keyed by a hash of the inputs (paths,
sizes, mtimes) so the parent process builds it (``scan`` configures detectors there first)
and every worker process opens the finished file read-only instead of re-reading the crawl.
A detector then asks ``lookup(host, kind, crawl date)`` and gets the capture in force when
the page was crawled. Each parsed file is cached per process by the detector that reads it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from clearance.detectors.base import DetectorContext
from clearance.detectors.signals.web_common import split_web_url
from clearance.detectors.signals.web_fetch import MAX_SITE_FILE_BYTES, RobotsFetcher
from clearance.model.errors import ConfigError
from clearance.readers.fs import filesystem, open_binary

SITE_PATHS = {"/robots.txt": "robots", "/.well-known/tdmrep.json": "tdmrep", "/ai.txt": "aitxt"}
INDEX_VERSION = 1
_ORIGIN_RANK = {"warc": 0, "manifest": 1, "fetched": 2}


@dataclass(frozen=True)
class SiteFile:
    """One capture of a site file and where it came from."""

    host: str
    kind: str
    status: int  # HTTP status; 0 = the server gave no answer
    body: bytes
    when: str | None  # capture time (ISO 8601); None for undated manifest captures
    origin: str  # warc | manifest | fetched
    location: str  # the URL, or the capture file
    truncated: bool = False
    note: str = ""

    def describe(self) -> str:
        how = {"warc": "WARC capture", "manifest": "manifest capture", "fetched": "fetched"}
        when = f" {self.when}" if self.when else ""
        cut = f", cut at {MAX_SITE_FILE_BYTES // 1024} KiB" if self.truncated else ""
        return f"{self.location} ({how.get(self.origin, self.origin)}{when}{cut})"

    def text(self) -> str:
        """The body as text; a UTF-8 BOM is dropped (protego would lose the first group)."""
        return self.body.decode("utf-8", "replace").removeprefix("\ufeff")


def cache_dir(context: DetectorContext) -> Path:
    chosen = context.option("signals_cache") or os.environ.get("CLEARANCE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clearance"


def _bounded(stream: IO[bytes]) -> tuple[bytes, bool]:
    data = stream.read(MAX_SITE_FILE_BYTES + 1)
    if len(data) <= MAX_SITE_FILE_BYTES:
        return data, False
    cut = data[:MAX_SITE_FILE_BYTES]
    return cut[: cut.rfind(b"\n") + 1] or cut, True  # keep whole lines


def warc_site_files(path: str, hosts: dict[str, str] | None = None) -> Iterator[SiteFile]:
    """Site-file response records of one WARC; ``hosts`` collects every host -> scheme seen.

    A record-per-member ``.warc.gz`` (what crawlers write) takes a fast path: each gzip member
    is inflated by zlib and its target URIs found by one regex, and warcio parses only the
    members that hold a site file. Parsing every record's headers in Python, as a full
    warcio pass does, would cost as much as reading the crawl. Anything else (plain WARC, one
    huge member) goes through warcio. A damaged file ends the pass quietly: the reader
    reports the damage on its own items.
    """
    fs, _ = filesystem(path)
    try:
        with open_binary(fs, path) as stream:
            if not path.lower().endswith(".gz"):
                yield from _parse_records(stream, hosts)
                return
            for member in _gzip_members(stream):
                if member is None:  # a member too large to hold: let warcio stream the file
                    with open_binary(fs, path) as again:
                        yield from _parse_records(again, hosts)
                    return
                wanted = False
                for uri in _targets(member):
                    host, site_path = split_web_url(uri)
                    if host is not None:
                        wanted = wanted or site_path in SITE_PATHS
                        if hosts is not None and hosts.get(host) != "https":
                            hosts[host] = uri.split(":", 1)[0].lower()
                if wanted:
                    yield from _parse_records(io.BytesIO(member), None)
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError):
        return


def _targets(member: bytes) -> Iterator[str]:
    """The http(s) ``WARC-Target-URI`` values in an inflated member (bytes.find: C speed)."""
    pos = member.find(b"WARC-Target-URI:")
    while pos >= 0:
        end = member.find(b"\n", pos)
        end = len(member) if end < 0 else end
        value = member[pos + 16 : end].strip().strip(b"<>")
        if value[:4].lower() == b"http":
            yield value.decode("latin-1")
        pos = member.find(b"WARC-Target-URI:", end)


_MAX_MEMBER = 64 * 1024 * 1024


def _gzip_members(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Each gzip member inflated; None (then stop) for one over ``_MAX_MEMBER`` bytes."""
    pending = b""
    while True:
        inflater = zlib.decompressobj(31)
        parts: list[bytes] = []
        size = 0
        while not inflater.eof:
            if not pending:
                pending = stream.read(1 << 16)  # small: unused_data is copied per member
                if not pending:
                    if parts:
                        raise EOFError("the last gzip member is cut short")
                    return
            part = inflater.decompress(pending)
            pending = inflater.unused_data
            parts.append(part)
            size += len(part)
            if size > _MAX_MEMBER:
                yield None
                return
        yield b"".join(parts)


def _parse_records(stream: IO[bytes], hosts: dict[str, str] | None) -> Iterator[SiteFile]:
    # HTTP headers are parsed only for site-file records (no_record_parse), for speed.
    loader = ArcWarcRecordLoader()
    for record in ArchiveIterator(stream, no_record_parse=True):
        if record.rec_type != "response":
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        host, site_path = split_web_url(uri) if uri.startswith("http") else (None, "")
        if host is None:
            continue
        if hosts is not None and hosts.get(host) != "https":
            hosts[host] = uri.split(":", 1)[0].lower()
        kind = SITE_PATHS.get(site_path)
        if kind is None:
            continue
        http = loader.load_http_headers("response", uri, record.raw_stream, record.length)
        record.http_headers = http
        status = int(http.get_statuscode() or 0) if http is not None else 0
        body, truncated = _bounded(record.content_stream())
        when = record.rec_headers.get_header("WARC-Date")
        yield SiteFile(host, kind, status, body, when, "warc", uri, truncated)


def capture_files(path: str) -> Iterator[SiteFile]:
    """Captures named per host in a folder, a zip or tar archive, or a WARC of captures."""
    name = path.lower()
    if name.endswith((".warc", ".warc.gz")):
        yield from warc_site_files(path)
        return
    fs, root = filesystem(path)
    if fs.isdir(root):
        for member in sorted(fs.find(root)):
            rel = member[len(root.rstrip("/")) + 1 :]
            with fs.open(member, "rb") as stream:
                yield from _capture(rel, stream, path)
    elif name.endswith(".zip"):
        with open_binary(fs, root) as raw, zipfile.ZipFile(raw) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    with archive.open(info) as stream:
                        yield from _capture(info.filename, stream, path)
    elif name.endswith((".tar", ".tar.gz", ".tgz")):
        with open_binary(fs, root) as raw, tarfile.open(fileobj=raw) as archive:
            for tar_member in archive:
                member_stream = archive.extractfile(tar_member) if tar_member.isfile() else None
                if member_stream is not None:
                    yield from _capture(tar_member.name, member_stream, path)


def _capture(rel: str, stream: IO[bytes], root: str) -> Iterator[SiteFile]:
    parts = rel.replace("\\", "/").strip("/").split("/")
    host, rest = parts[0].lower(), "/" + "/".join(parts[1:])
    if len(parts) == 1 and host.endswith(".txt"):  # flat HOST.txt or HOST.robots.txt
        host, rest = host.removesuffix(".txt").removesuffix(".robots"), "/robots.txt"
    kind = SITE_PATHS.get(rest)
    if kind is None or not host or ("." not in host and ":" not in host and host != "localhost"):
        return
    body, truncated = _bounded(stream)
    yield SiteFile(host, kind, 200, body, None, "manifest", f"{root}/{rel}", truncated)


class SiteIndex:
    """Read side: the site files of a run by (host, kind), opened read-only."""

    _shared: ClassVar[dict[DetectorContext, SiteIndex]] = {}

    def __init__(self, db: Path | None) -> None:
        self.db = db
        self._conn: sqlite3.Connection | None = None
        self._rows: dict[tuple[str, str], list[SiteFile]] = {}

    @classmethod
    def for_context(cls, context: DetectorContext) -> SiteIndex:
        """One index per run configuration and process; built here when missing."""
        index = cls._shared.get(context)
        if index is None:
            index = cls._shared[context] = cls(build_index(context))
        return index

    @classmethod
    def forget(cls) -> None:
        """Drop the per-process indexes (a long-lived process that rescans changed inputs)."""
        cls._shared.clear()

    def lookup(self, host: str, kind: str, at: str | None = None) -> SiteFile | None:
        """The capture in force at ``at``: the last WARC capture at or before it (else the
        first after it), then a manifest capture, then a fetched one. Redirects are skipped."""
        rows = self._rows.get((host, kind))
        if rows is None:
            rows = self._load(host, kind)
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[(host, kind)] = rows
        if len(rows) < 2:
            return rows[0] if rows else None
        dated = [r for r in rows if r.origin == "warc"]
        if at and len(dated) > 1:
            before = [r for r in dated if (r.when or "") <= at]
            if before:
                return before[-1]
        return rows[0]

    def _load(self, host: str, kind: str) -> list[SiteFile]:
        if self.db is None:
            return []
        if self._conn is None:
            self._conn = sqlite3.connect(f"{self.db.resolve().as_uri()}?mode=ro", uri=True)
        cursor = self._conn.execute(
            "select host, kind, status, body, when_, origin, location, truncated, note "
            "from site_files where host = ? and kind = ?",
            (host, kind),
        )
        rows = [
            SiteFile(h, k, int(st), bytes(b), w, o, loc, bool(t), n)
            for h, k, st, b, w, o, loc, t, n in cursor
        ]
        rows = [r for r in rows if not 300 <= r.status < 400]
        rows.sort(key=lambda r: (_ORIGIN_RANK.get(r.origin, 9), r.when or ""))
        return rows


def _warc_files(context: DetectorContext) -> list[tuple[str, int, float]]:
    from clearance.readers.plan import plan_source

    files: set[tuple[str, int, float]] = set()
    for source in context.sources:
        for spec in plan_source(source):
            if spec.format == "warc":
                files.update((f.path, f.size, f.mtime) for f in spec.files)
    return sorted(files)


def _fingerprint(path: str) -> tuple[str, int, float]:
    fs, root = filesystem(path)
    info: dict[str, Any] = fs.info(root)
    return path, int(info.get("size") or 0), float(info.get("mtime") or 0.0)


def build_index(context: DetectorContext) -> Path | None:
    """Collect the run's site files into ``CACHE/sitefiles/KEY.sqlite`` (None: nothing to do)."""
    warcs = _warc_files(context)
    captures = sorted({_fingerprint(s.robots) for s in context.sources if s.robots})
    fetch = bool(context.option("fetch_robots", False))
    if not warcs and not captures and not fetch:
        return None
    day = datetime.now(UTC).date().isoformat() if fetch else None  # fetches live a day
    key = json.dumps([INDEX_VERSION, warcs, captures, fetch, day], default=str)
    folder = cache_dir(context) / "sitefiles"
    db = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.sqlite"
    if db.exists():
        return db
    tmp = db.with_suffix(f".{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(
            f"cannot write the site-file index in {folder}: {exc}; "
            "choose another folder with --robots-cache or $CLEARANCE_CACHE_DIR"
        ) from exc
    try:
        conn.execute(
            "create table site_files (host text, kind text, status integer, body blob, "
            "when_ text, origin text, location text, truncated integer, note text)"
        )
        hosts: dict[str, str] = {}
        have_robots: set[str] = set()
        for path, _, _ in warcs:
            _insert(conn, warc_site_files(path, hosts), have_robots)
        for path, _, _ in captures:
            _insert(conn, capture_files(path), have_robots)
        if fetch:
            _insert(conn, _fetch_missing(context, hosts, have_robots), have_robots)
        conn.execute("create index by_host on site_files (host, kind)")
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, db)
    return db


def _insert(conn: sqlite3.Connection, files: Iterator[SiteFile], have_robots: set[str]) -> None:
    for f in files:
        conn.execute(
            "insert into site_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f.host, f.kind, f.status, f.body, f.when, f.origin, f.location, f.truncated, f.note),
        )
        if f.kind == "robots" and not 300 <= f.status < 400:
            have_robots.add(f.host)


def _fetch_missing(
    context: DetectorContext, hosts: dict[str, str], have_robots: set[str]
) -> Iterator[SiteFile]:
    fetcher = RobotsFetcher(
        cache_dir(context) / "fetched",
        min_interval_s=float(context.option("fetch_interval_s", 1.0)),
        timeout_s=float(context.option("fetch_timeout_s", 10.0)),
    )
    for host in sorted(set(hosts) - have_robots):
        got = fetcher.fetch(hosts[host], host)
        yield SiteFile(
            host,
            "robots",
            got.status,
            got.body,
            got.when,
            "fetched",
            got.url,
            got.truncated,
            got.note,
        )
