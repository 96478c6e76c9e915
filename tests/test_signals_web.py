"""Web opt-out signals end to end: WARC captures built with warcio, then scanned."""

from __future__ import annotations

import gzip
import json
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from clearance.model import ConfigError
from clearance.runs import open_run
from helpers import DATA, run_scan, tree_digest
from signals_warc import Capture, page, robots, write_warc

WEB = ("robots-txt", "tdmrep", "noai", "ai-txt")
ROBOTS = DATA / "signals" / "robots"


def scan_web(inputs: list[str], out: Path, **options: object) -> dict[str, list[dict[str, object]]]:
    """uri -> findings (as rows) of the web signal detectors."""
    run_scan(inputs, out, detectors=WEB, **options)
    store = open_run(out)
    uris = dict(zip(*store.items(columns=["item_id", "uri"]).to_pydict().values(), strict=True))
    by_uri: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in store.findings().to_pylist():
        by_uri[uris[row["item_id"]]].append(row)
    return by_uri


def values(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return sorted((r["kind"], r["value"], r["rule"]) for r in rows)


def manifest(folder: Path, **source: object) -> str:
    entry = {"name": "crawl", "path": "crawl", "kind": "web-scraped", **source}
    (folder / "clearance.yaml").write_text(json.dumps({"version": 1, "sources": [entry]}))
    return str(folder / "clearance.yaml")


def test_tdmrep_well_known_headers_and_meta_with_their_precedence(tmp_path: Path) -> None:
    well_known = json.dumps(
        [
            {
                "location": "/books/*",
                "tdm-reservation": 1,
                "tdm-policy": "https://pub.example/p.json",
            },
            {"location": "/", "tdm-reservation": 0},
        ]
    )
    reserved_meta = '<meta name="tdm-reservation" content="1">\n<meta name="tdm-policy" content="https://other.example/tdm">\n'
    write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Capture(
                "https://pub.example/.well-known/tdmrep.json",
                well_known.encode(),
                "application/json",
            ),
            Capture("https://pub.example/books/one", page("One")),
            Capture("https://pub.example/news/a", page("A")),
            Capture("https://pub.example/news/b", page("B"), headers=[("tdm-reservation", "1")]),
            Capture(
                "https://pub.example/books/two",
                page("Two", '<meta name="tdm-reservation" content="0">'),
            ),
            Capture("https://other.example/x", page("X", reserved_meta)),
            Capture("https://other.example/y", page("Y"), headers=[("TDM-Reservation", "yes")]),
            Capture(
                "https://other.example/z.jpg",
                b"\xff\xd8\xff\xe0" + b"\0" * 64,
                "image/jpeg",
                [("tdm-reservation", "1")],
            ),
            Capture(
                "https://bad.example/.well-known/tdmrep.json", b"{not json", "application/json"
            ),
            Capture("https://bad.example/p", page("P")),
            Capture("https://bad.example/q", page("Q"), headers=[("tdm-reservation", "1")]),
        ],
    )
    found = scan_web([str(tmp_path / "crawl.warc.gz")], tmp_path / "run")
    assert values(found["https://pub.example/books/one"]) == [
        ("optout", "tdmrep:reserved", "tdmrep/well-known"),
        ("terms", "https://pub.example/p.json", "tdmrep/policy"),
    ]
    assert "https://pub.example/news/a" not in found  # well-known says 0: not reserved
    (news_b,) = found["https://pub.example/news/b"]
    assert news_b["rule"] == "tdmrep/header"
    assert "supersedes tdm-reservation 0 from well-known" in str(news_b["evidence"])
    assert "https://pub.example/books/two" not in found  # meta 0 supersedes well-known 1
    assert values(found["https://other.example/x"]) == [
        ("optout", "tdmrep:reserved", "tdmrep/html-meta"),
        ("terms", "https://other.example/tdm", "tdmrep/policy"),
    ]
    assert "https://other.example/y" not in found  # not 0 or 1: unset
    assert values(found["https://other.example/z.jpg"]) == [
        ("optout", "tdmrep:reserved", "tdmrep/header")
    ]
    (bad,) = found["https://bad.example/p"]
    assert (bad["kind"], bad["rule"]) == ("error", "tdmrep-malformed")
    assert "not JSON" in str(bad["evidence"])
    assert values(found["https://bad.example/q"]) == [
        ("optout", "tdmrep:reserved", "tdmrep/header")
    ]


def test_noai_meta_and_x_robots_tag(tmp_path: Path) -> None:
    write_warc(
        tmp_path / "crawl.warc",
        [
            Capture(
                "https://art.example/a",
                page("A"),
                headers=[("X-Robots-Tag", "GPTBot: noai, noimageai")],
            ),
            Capture(
                "https://art.example/b", page("B"), headers=[("X-Robots-Tag", "noindex, nofollow")]
            ),
            Capture(
                "https://art.example/c",
                page("C"),
                headers=[("X-Robots-Tag", "unavailable_after: 25 Jun 2010 15:00:00 PST")],
            ),
            Capture("https://art.example/d", page("D", '<meta name="robots" content="NoAI">')),
            Capture("https://art.example/e", page("E", '<META NAME="CCBot" CONTENT="noimageai">')),
            Capture("https://art.example/f", page("F", body="<p>Why I add noai to my pages.</p>")),
            Capture("https://art.example/g", page("G", '<meta name="somebot" content="noai">')),
            Capture(
                "https://art.example/h", page("H", '<!-- <meta name="robots" content="noai"> -->')
            ),
            Capture("https://art.example/i", page("I", body='<meta name="robots" content="noai">')),
            Capture(
                "https://art.example/j", page("J", "<meta content='noindex,&#32;noai' name=robots>")
            ),
        ],
    )
    found = scan_web([str(tmp_path / "crawl.warc")], tmp_path / "run")
    assert values(found["https://art.example/a"]) == [
        ("optout", "noai", "noai/x-robots-tag"),
        ("optout", "noimageai", "noai/x-robots-tag"),
    ]
    assert str(found["https://art.example/a"][0]["evidence"]).startswith("for GPTBot: X-Robots-Tag")
    assert values(found["https://art.example/d"]) == [("optout", "noai", "noai/meta")]
    (ccbot,) = found["https://art.example/e"]
    assert ccbot["value"] == "noimageai" and str(ccbot["evidence"]).startswith("for CCBot: <META")
    assert values(found["https://art.example/j"]) == [("optout", "noai", "noai/meta")]
    # other directives, prose, unlisted meta names, a commented-out tag, a tag outside <head>
    for quiet in ("b", "c", "f", "g", "h", "i"):
        assert f"https://art.example/{quiet}" not in found


def test_spawning_ai_txt_disallows_file_types(tmp_path: Path) -> None:
    ai_txt = (
        "# Spawning AI\n# Prevent datasets from using the following file types\n\n"
        "User-Agent: *\nDisallow: *.jpg\nDisallow: *.png\n"
    )
    write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Capture("https://art.example/ai.txt", ai_txt.encode(), "text/plain"),
            Capture(
                "https://art.example/img/heron.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"
            ),
            Capture("https://art.example/gallery.html", page("Gallery")),
            Capture("https://md.example/ai.txt", b"# AI policy\n\nTraining: deny\n", "text/plain"),
            Capture("https://md.example/img/x.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"),
        ],
    )
    found = scan_web([str(tmp_path / "crawl.warc.gz")], tmp_path / "run")
    (jpg,) = found["https://art.example/img/heron.jpg"]
    assert (jpg["value"], jpg["rule"]) == ("ai.txt:*", "ai-txt/disallow")
    assert 'line 5 "Disallow: *.jpg"' in str(jpg["evidence"])
    assert "https://art.example/gallery.html" not in found
    assert "https://md.example/img/x.jpg" not in found  # not Spawning's grammar: ignored


def test_robots_in_force_at_crawl_time_across_warc_files_and_workers(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(
        crawl / "a-robots.warc.gz",
        [
            robots(
                "https://time.example/robots.txt",
                "User-agent: *\nAllow: /\n",
                "2025-01-01T00:00:00Z",
            ),
            robots(
                "https://time.example/robots.txt",
                "User-agent: GPTBot\nDisallow: /\n",
                "2025-06-01T00:00:00Z",
            ),
            robots("https://down.example/robots.txt", "oops", status="503 Service Unavailable"),
            robots("https://gone.example/robots.txt", "Not found", status="404 Not Found"),
        ],
    )
    write_warc(
        crawl / "b-pages.warc.gz",
        [
            Capture("https://time.example/early", page("Early"), date="2025-03-01T00:00:00Z"),
            Capture("https://time.example/late", page("Late"), date="2025-07-01T00:00:00Z"),
            Capture("https://down.example/p", page("P")),
            Capture("https://gone.example/p", page("P")),
            Capture("https://nothing.example/p", page("P")),
        ],
    )
    before = tree_digest(crawl)
    found = scan_web([manifest(tmp_path)], tmp_path / "run", workers=2, target_shard_bytes=1)
    assert tree_digest(crawl) == before
    assert "https://time.example/early" not in found  # the January robots.txt allowed it
    (late,) = found["https://time.example/late"]
    assert (late["value"], late["rule"], late["confidence"]) == (
        "robots:GPTBot",
        "robots-txt/disallow",
        0.95,
    )
    assert "WARC capture 2025-06-01T00:00:00Z" in str(late["evidence"])
    (down,) = found["https://down.example/p"]
    assert (down["kind"], down["value"]) == ("error", "robots-unreachable")
    assert "HTTP 503" in str(down["evidence"]) and "RFC 9309" in str(down["evidence"])
    assert "https://gone.example/p" not in found  # 404: no restriction (RFC 9309 §2.3.1.3)
    assert "https://nothing.example/p" not in found


def test_manifest_robots_captures_folder_zip_and_warc(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    urls = [
        "https://news.example/world/story",
        "https://community.example/r/x",
        "https://code.example/o/r/tree/main",
    ]
    write_warc(crawl / "pages.warc.gz", [Capture(u, page("Page")) for u in urls])
    captures = tmp_path / "captures"
    (captures / "news.example").mkdir(parents=True)
    (captures / "news.example" / "robots.txt").write_bytes(
        (ROBOTS / "news-publisher.txt").read_bytes()
    )
    (captures / "community.example.txt").write_bytes(
        (ROBOTS / "community-platform.txt").read_bytes()
    )
    (captures / "README.md").write_text("not a capture")
    with zipfile.ZipFile(tmp_path / "captures.zip", "w") as archive:
        for path in captures.rglob("*"):
            if path.is_file():
                archive.write(path, str(path.relative_to(captures)))
    write_warc(
        tmp_path / "robots.warc.gz",
        [robots("https://code.example/robots.txt", (ROBOTS / "code-host.txt").read_text())],
    )

    for i, where in enumerate(("captures", "captures.zip")):
        found = scan_web([manifest(tmp_path, robots=where)], tmp_path / f"run{i}")
        news = {r["value"] for r in found[urls[0]]}
        assert {"robots:GPTBot", "robots:CCBot", "robots:Google-Extended"} <= news
        assert "robots:*" not in news
        (community,) = found[urls[1]]
        assert (community["value"], community["confidence"]) == ("robots:*", 0.8)
        assert "manifest capture" in str(community["evidence"])
        assert urls[2] not in found  # no capture for code.example in this folder
    found = scan_web([manifest(tmp_path, robots="robots.warc.gz")], tmp_path / "run-warc")
    assert [r["value"] for r in found[urls[2]]] == ["robots:*"]


def test_hostile_site_files_are_capped_and_never_crash_the_scan(tmp_path: Path) -> None:
    huge = "User-agent: GPTBot\nDisallow: /\n" + "# filler line of a robots file\n" * 100_000
    write_warc(
        tmp_path / "crawl.warc.gz",
        [
            robots("https://huge.example/robots.txt", huge),
            robots("https://junk.example/robots.txt", bytes(range(256)) * 400),
            Capture(
                "https://junk.example/.well-known/tdmrep.json",
                b'{"location": "/"}',
                "application/json",
            ),
            Capture("https://huge.example/p", page("P")),
            Capture(
                "https://junk.example/p", page("P"), headers=[("tdm-reservation", "\x00" * 10_000)]
            ),
            Capture(
                "https://junk.example/q",
                page("Q", '<meta name="tdm-reservation" content="1"' + "<" * 50_000),
            ),
        ],
    )
    found = scan_web([str(tmp_path / "crawl.warc.gz")], tmp_path / "run")
    (huge_page,) = found["https://huge.example/p"]
    assert huge_page["value"] == "robots:GPTBot" and "cut at 512 KiB" in str(huge_page["evidence"])
    (junk,) = found["https://junk.example/p"]  # tdmrep.json is an object, not an array
    assert (junk["kind"], junk["rule"]) == ("error", "tdmrep-malformed")
    assert "expected a JSON array" in str(junk["evidence"])
    assert all(
        r["kind"] != "error" or r["rule"] == "tdmrep-malformed"
        for rows in found.values()
        for r in rows
    )


def test_items_without_signals_and_non_web_items_give_no_findings(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(
        "User-agent: GPTBot\nDisallow: /\n<meta name=robots content=noai>"
    )
    write_warc(tmp_path / "crawl.warc.gz", [Capture("https://plain.example/", page("Plain"))])
    found = scan_web([str(tmp_path)], tmp_path.parent / "run-plain")
    assert dict(found) == {}


def test_site_files_are_found_in_whole_file_gzip_and_cut_crawls(tmp_path: Path) -> None:
    plain = write_warc(
        tmp_path / "plain.warc",
        [robots("https://one.example/robots.txt", "User-agent: GPTBot\nDisallow: /\n")],
    )
    # Robots captures as one gzip member for the whole file (warcio's reader refuses such a
    # crawl, but the capture index reads it).
    (tmp_path / "robots.warc.gz").write_bytes(gzip.compress(plain.read_bytes()))
    (tmp_path / "crawl").mkdir()
    write_warc(tmp_path / "crawl" / "pages.warc.gz", [Capture("https://one.example/a", page("A"))])
    found = scan_web([manifest(tmp_path, robots="robots.warc.gz")], tmp_path / "run-whole")
    assert [r["value"] for r in found["https://one.example/a"]] == ["robots:GPTBot"]

    cut = tmp_path / "cut" / "crawl.warc.gz"  # per-record members, the last one cut short
    cut.parent.mkdir()
    write_warc(
        cut,
        [
            robots("https://two.example/robots.txt", "User-agent: CCBot\nDisallow: /\n"),
            Capture("https://two.example/a", page("A")),
            Capture("https://two.example/b", page("B")),
        ],
    )
    cut.write_bytes(cut.read_bytes()[:-40])
    found = scan_web([str(cut)], tmp_path / "run-cut")
    assert [r["value"] for r in found["https://two.example/a"]] == ["robots:CCBot"]


def test_an_unwritable_cache_folder_fails_at_start_with_a_clear_message(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc.gz", [Capture("https://plain.example/", page("Plain"))])
    (tmp_path / "not-a-folder").write_text("a file")
    with pytest.raises(ConfigError, match="--robots-cache"):
        run_scan(
            [str(tmp_path / "crawl.warc.gz")],
            tmp_path / "run",
            detectors=WEB,
            detector_options={"signals_cache": str(tmp_path / "not-a-folder")},
        )
