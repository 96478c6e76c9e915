"""--fetch-robots against local HTTP servers on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from clearance.detectors.signals.web_fetch import RobotsFetcher
from clearance.detectors.signals.web_options import signal_options
from clearance.runs import open_run
from helpers import run_scan
from signals_warc import Capture, page, write_warc


class Site:
    """A server whose /robots.txt answers with ``status`` and ``body`` (after ``delay_s``)."""

    def __init__(self, status: int, body: bytes = b"", delay_s: float = 0.0) -> None:
        self.status, self.body, self.delay_s = status, body, delay_s
        self.requests: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                time.sleep(site.delay_s)
                self.send_response(site.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(site.body)))
                self.end_headers()
                self.wfile.write(site.body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites() -> Iterator[dict[str, Site]]:
    made = {
        "blocking": Site(
            200, b"User-agent: CCBot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n"
        ),
        "missing": Site(404, b"not here"),
        "broken": Site(500, b"oops"),
        "slow": Site(200, b"User-agent: *\nDisallow: /\n", delay_s=2.0),
    }
    yield made
    for site in made.values():
        site.close()


def test_fetch_robots_follows_rfc_9309_and_caches(sites: dict[str, Site], tmp_path: Path) -> None:
    urls = {name: f"http://{site.host}/private/page" for name, site in sites.items()}
    write_warc(tmp_path / "crawl.warc.gz", [Capture(url, page(name)) for name, url in urls.items()])
    cache = tmp_path / "cache"
    options = {**signal_options(True, cache), "fetch_interval_s": 0.0, "fetch_timeout_s": 0.5}
    run_scan(
        [str(tmp_path / "crawl.warc.gz")],
        tmp_path / "run",
        detectors=("robots-txt",),
        detector_options=options,
    )
    store = open_run(tmp_path / "run")
    uris = dict(zip(*store.items(columns=["item_id", "uri"]).to_pydict().values(), strict=True))
    found = {uris[r["item_id"]]: r for r in store.findings().to_pylist()}
    star, ccbot = sorted(
        (r for r in store.findings().to_pylist() if uris[r["item_id"]] == urls["blocking"]),
        key=lambda r: str(r["value"]),
    )
    assert (ccbot["value"], star["value"]) == ("robots:CCBot", "robots:*")
    assert "(fetched 20" in str(ccbot["evidence"])  # fetched now, not at crawl time: said so
    assert urls["missing"] not in found  # 404: allow all
    assert (found[urls["broken"]]["kind"], found[urls["broken"]]["value"]) == (
        "error",
        "robots-unreachable",
    )
    assert "HTTP 500" in str(found[urls["broken"]]["evidence"])
    assert found[urls["slow"]]["value"] == "robots-unreachable"  # timeout
    assert "no answer" in str(found[urls["slow"]]["evidence"])
    for site in sites.values():  # one polite, identified request per host
        assert len(site.requests) == 1
        path, agent = site.requests[0]
        assert path == "/robots.txt" and agent.startswith("clearance/")

    run_scan(
        [str(tmp_path / "crawl.warc.gz")],
        tmp_path / "again",
        detectors=("robots-txt",),
        detector_options=options,
    )
    assert all(len(site.requests) == 1 for site in sites.values())  # served from the cache
    assert open_run(tmp_path / "again").findings().num_rows == 4


def test_fetcher_cache_expires_and_captured_robots_are_not_fetched(
    sites: dict[str, Site], tmp_path: Path
) -> None:
    site = sites["blocking"]
    fetcher = RobotsFetcher(tmp_path, min_interval_s=0.0, max_age_s=3600)
    first = fetcher.fetch("http", site.host)
    assert first.status == 200 and first.body.startswith(b"User-agent: CCBot")
    assert fetcher.fetch("http", site.host) == first and len(site.requests) == 1
    stale = RobotsFetcher(tmp_path, min_interval_s=0.0, max_age_s=-1)
    stale.fetch("http", site.host)
    assert len(site.requests) == 2
    big = Site(200, b"User-agent: GPTBot\nDisallow: /\n" + b"#" * 2_000_000)
    try:
        got = RobotsFetcher(tmp_path, min_interval_s=0.0).fetch("http", big.host)
        assert got.truncated and len(got.body) == 512 * 1024
    finally:
        big.close()

    # A host whose robots.txt is in the crawl is never fetched.
    host = sites["missing"].host
    write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Capture(
                f"http://{host}/robots.txt", b"User-agent: GPTBot\nDisallow: /\n", "text/plain"
            ),
            Capture(f"http://{host}/a", page("A")),
        ],
    )
    options = {**signal_options(True, tmp_path / "c2"), "fetch_interval_s": 0.0}
    run_scan(
        [str(tmp_path / "crawl.warc.gz")],
        tmp_path / "run",
        detectors=("robots-txt",),
        detector_options=options,
    )
    assert sites["missing"].requests == []
    assert [r["value"] for r in open_run(tmp_path / "run").findings().to_pylist()] == [
        "robots:GPTBot"
    ]


def test_cli_fetch_robots_flag(sites: dict[str, Site], tmp_path: Path) -> None:
    url = f"http://{sites['blocking'].host}/x"
    write_warc(tmp_path / "crawl.warc.gz", [Capture(url, page("X"))])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearance",
            "scan",
            str(tmp_path / "crawl.warc.gz"),
            "--out",
            str(tmp_path / "run"),
            "--workers",
            "1",
            "--detectors",
            "robots-txt",
            "--fetch-robots",
            "--robots-cache",
            str(tmp_path / "cache"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '"optout": 1' in result.stdout  # CCBot only disallows /, "*" only /private/
    assert len(sites["blocking"].requests) == 1
    assert list((tmp_path / "cache" / "fetched").glob("*.json"))
