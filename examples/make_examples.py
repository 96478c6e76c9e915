#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Regenerate the generated files of the clearance demo corpus.

Writes, relative to this folder:

    crawl.warc.gz            a tiny WARC/1.1 crawl (one gzip member per record)
    images/shapes.png        drawn shapes
    images/photo-exif.jpg    a JPEG with EXIF Artist, Copyright and ImageDescription
    images/not-really.txt    a PNG behind a misleading extension
    text/legacy-latin1.txt   Latin-1 bytes that are not valid UTF-8
    code/wordcount_vendored.py  a byte-identical copy of code/wordcount.py

Everything is deterministic: fixed dates, uuid5 record IDs, no randomness, no clock.
Needs ``pip install warcio Pillow``. Byte-identical output assumes the same Pillow
build (JPEG/PNG encoders) and zlib; ``--check`` compares the WARC after decompression,
so only the images are sensitive to library versions.

    python make_examples.py           # write the files
    python make_examples.py --check   # exit 1 if the committed files differ
"""

from __future__ import annotations

import gzip
import io
import sys
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from PIL import Image, ImageDraw
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
CRAWL_START = datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC)
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/clearance-demo-crawl")


# --------------------------------------------------------------------------- WARC


def _page(title: str, body: str, head: str = "") -> bytes:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    ).encode()


ROBOTS_TXT = b"User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"

# (uri, content type, extra HTTP headers, body)
PAGES: list[tuple[str, str, list[tuple[str, str]], bytes]] = [
    ("https://example.org/robots.txt", "text/plain; charset=utf-8", [], ROBOTS_TXT),
    (
        "https://example.org/",
        "text/html; charset=utf-8",
        [],
        _page(
            "Example Coast Society",
            "<h1>Example Coast Society</h1>\n"
            "<p>Volunteers who count, photograph and look after the shoreline.</p>\n"
            '<ul>\n<li><a href="/articles/tide-pools">Reading a tide pool</a></li>\n'
            '<li><a href="/gallery/">Members\' gallery</a></li>\n'
            '<li><a href="/terms">Terms of use</a></li>\n</ul>\n',
        ),
    ),
    (
        "https://example.org/articles/tide-pools",
        "text/html; charset=utf-8",
        [],
        _page(
            "Reading a tide pool",
            "<article>\n<h1>Reading a tide pool</h1>\n"
            "<p>Go at low tide, move slowly, and turn every stone back the way you found "
            "it. Anemones close when touched; periwinkles graze the film of algae on the "
            "rock; a crab under a ledge will wait you out.</p>\n</article>\n"
            '<footer><p>Text available under <a rel="license" '
            'href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>.'
            "</p></footer>\n",
        ),
    ),
    (
        "https://example.org/gallery/",
        "text/html; charset=utf-8",
        [],
        _page(
            "Members' gallery",
            "<h1>Members' gallery</h1>\n"
            '<figure><img src="/gallery/heron.jpg" alt="A heron in the shallows">\n'
            "<figcaption>Heron at the weir, photographed by a member.</figcaption></figure>\n"
            "<p>Photos are shared by members for viewing only.</p>\n",
            head='<meta name="robots" content="noai, noimageai">\n',
        ),
    ),
    (
        "https://example.com/recipes/lentil-soup",
        "text/html; charset=utf-8",
        [("X-Robots-Tag", "noai")],
        _page(
            "Red lentil soup",
            "<h1>Red lentil soup</h1>\n<ol>\n"
            "<li>Soften an onion and a carrot in olive oil.</li>\n"
            "<li>Add a cup of red lentils, a teaspoon of cumin and a litre of stock.</li>\n"
            "<li>Simmer twenty minutes, blend, and finish with lemon juice.</li>\n</ol>\n",
        ),
    ),
    (
        "https://example.com/reports/annual-2024",
        "text/html; charset=utf-8",
        [("tdm-reservation", "1"), ("tdm-policy", "https://example.com/tdm-policy.json")],
        _page(
            "Annual report 2024",
            "<h1>Annual report 2024</h1>\n"
            "<p>Revenue grew for the third year running, driven by the new subscription "
            "service. Headcount rose from 41 to 48.</p>\n",
        ),
    ),
]


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(ID_NAMESPACE, '|'.join(parts))}>"


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_warc() -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")

    info = (
        b"software: clearance examples/make_examples.py (warcio)\r\n"
        b"format: WARC File Format 1.1\r\n"
        b"conformsTo: https://iipc.github.io/warc-specifications/specifications/"
        b"warc-format/warc-1.1/\r\n"
        b"isPartOf: clearance-demo-crawl\r\n"
        b"description: Synthetic demo crawl. Every page was written by the clearance "
        b"authors (CC0-1.0); the hosts are reserved example domains.\r\n"
    )
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": _record_id("warcinfo", "crawl.warc.gz"),
                "WARC-Date": _warc_date(CRAWL_START),
                "WARC-Filename": "crawl.warc.gz",
            },
        )
    )

    for i, (uri, content_type, extra, body) in enumerate(PAGES, start=1):
        when = CRAWL_START + timedelta(seconds=i)
        http_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Date", format_datetime(when, usegmt=True)),
                ("Server", "nginx/1.24.0" if "example.org" in uri else "Apache/2.4.58"),
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                *extra,
                ("Connection", "close"),
            ],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Record-ID": _record_id("response", uri),
                    "WARC-Date": _warc_date(when),
                },
            )
        )
    return out.getvalue()


# --------------------------------------------------------------------------- images


def _encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def build_shapes_png() -> bytes:
    image = Image.new("RGB", (240, 160), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 30, 100, 130), fill=(52, 101, 164), outline=(20, 40, 80), width=3)
    draw.ellipse((120, 20, 220, 120), fill=(239, 41, 41), outline=(120, 10, 10), width=3)
    draw.polygon([(60, 150), (140, 150), (100, 95)], fill=(78, 154, 6))
    draw.line((0, 155, 240, 155), fill=(46, 52, 54), width=2)
    return _encode(image, "PNG", optimize=True)


def build_photo_jpeg() -> bytes:
    width, height = 240, 160
    image = Image.new("RGB", (width, height))
    sky = [
        (255, 120 + y * 100 // height, 60 + y * 120 // height) for y in range(height)
    ]  # a sunset gradient, one colour per row
    for y, colour in enumerate(sky):
        image.paste(colour, (0, y, width, y + 1))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 40, 200, 90), fill=(255, 230, 150))  # the sun
    draw.ellipse((-60, 100, 180, 260), fill=(40, 60, 40))  # a hill
    draw.ellipse((100, 115, 320, 260), fill=(30, 45, 30))  # another hill

    exif = Image.Exif()
    exif[0x010E] = "Sunset over two hills (synthetic demo image)"  # ImageDescription
    exif[0x013B] = "Example Photographer"  # Artist
    exif[0x8298] = "(c) 2025 Example Photographer, CC BY 4.0"  # Copyright
    exif[0x0131] = "clearance examples/make_examples.py"  # Software
    exif[0x0132] = "2025:03:14 12:00:00"  # DateTime
    return _encode(image, "JPEG", quality=85, exif=exif.tobytes())


def build_disguised_png() -> bytes:
    image = Image.new("L", (32, 32), 255)
    draw = ImageDraw.Draw(image)
    for y in range(0, 32, 8):
        for x in range(0, 32, 8):
            if (x + y) // 8 % 2 == 0:
                draw.rectangle((x, y, x + 7, y + 7), fill=0)
    return _encode(image, "PNG", optimize=True)


# --------------------------------------------------------------------------- text


LEGACY_LATIN1 = (
    "caf\xe9 menu\n"
    "\n"
    "Soupe \xe0 l'oignon gratin\xe9e ........ 6,50\n"
    "Cr\xeape jambon-fromage ............ 7,00\n"
    "Cr\xe8me br\xfbl\xe9e .................... 4,50\n"
    "Th\xe9 ou caf\xe9 ...................... 2,20\n"
).encode("latin-1")


def build() -> dict[str, bytes]:
    return {
        "crawl.warc.gz": build_warc(),
        "images/shapes.png": build_shapes_png(),
        "images/photo-exif.jpg": build_photo_jpeg(),
        "images/not-really.txt": build_disguised_png(),
        "text/legacy-latin1.txt": LEGACY_LATIN1,
        "code/wordcount_vendored.py": (HERE / "code" / "wordcount.py").read_bytes(),
    }


def _same(name: str, new: bytes, old: bytes) -> bool:
    if name.endswith(".gz"):
        return gzip.decompress(new) == gzip.decompress(old)
    return new == old


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, data in build().items():
        path = HERE / name
        if check:
            if not path.is_file() or not _same(name, data, path.read_bytes()):
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
