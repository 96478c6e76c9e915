"""``--fetch-robots``: a polite, cached, rate-limited robots.txt fetcher (standard library only).

Polite: one request per host (then the on-disk cache), a fixed pause between requests, a
named user agent, a timeout, and at most ``MAX_SITE_FILE_BYTES`` read. RFC 9309 status
handling is left to the caller: this module records what the server said (status 0 = no
answer: timeout, refused, DNS failure).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from clearance import __version__

MAX_SITE_FILE_BYTES = 512 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB
USER_AGENT = f"clearance/{__version__} (robots.txt audit; one request per host)"


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    body: bytes
    when: str
    note: str = ""
    truncated: bool = False


class RobotsFetcher:
    """Fetch ``scheme://host/robots.txt`` once per host, cached as JSON under ``cache_dir``."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        min_interval_s: float = 1.0,
        timeout_s: float = 10.0,
        max_age_s: float = 24 * 3600,  # RFC 9309 §2.4: no cache older than 24 hours
        max_bytes: int = MAX_SITE_FILE_BYTES,
    ) -> None:
        self.cache_dir = cache_dir
        self.min_interval_s = min_interval_s
        self.timeout_s = timeout_s
        self.max_age_s = max_age_s
        self.max_bytes = max_bytes
        self.requests = 0
        self._last = 0.0
        self._lock = threading.Lock()

    def fetch(self, scheme: str, host: str) -> Fetched:
        url = f"{scheme}://{host}/robots.txt"
        path = self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"
        cached = self._read(path)
        if cached is not None:
            return cached
        result = self._get(url)
        self._write(path, result)
        return result

    def _get(self, url: str) -> Fetched:
        with self._lock:
            wait = self._last + self.min_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.requests += 1
            try:
                return self._request(url)
            finally:
                self._last = time.monotonic()

    def _request(self, url: str) -> Fetched:
        when = datetime.now(UTC).isoformat(timespec="seconds")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = response.read(self.max_bytes + 1)
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            return Fetched(url, int(exc.code), b"", when, f"HTTP {exc.code} {exc.reason}")
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, 0, b"", when, f"no answer: {type(exc).__name__}: {reason}")
        truncated = len(body) > self.max_bytes
        return Fetched(url, status, body[: self.max_bytes], when, "", truncated)

    def _read(self, path: Path) -> Fetched | None:
        try:
            data = json.loads(path.read_text("utf-8"))
            fetched = Fetched(**{**data, "body": base64.b64decode(data["body"])})
        except (OSError, ValueError, TypeError, KeyError):
            return None
        age = time.time() - datetime.fromisoformat(fetched.when).timestamp()
        return fetched if age <= self.max_age_s else None

    def _write(self, path: Path, result: Fetched) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {**asdict(result), "body": base64.b64encode(result.body).decode("ascii")}
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
