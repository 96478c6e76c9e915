"""Image transforms: blur regions (faces) and strip metadata.

``strip_metadata`` removes EXIF, XMP, IPTC and comments from JPEG and PNG *without
re-encoding* (the compressed image data is copied byte for byte, so no quality is lost): JPEG
APP1 (Exif/XMP), APP13 (IPTC/Photoshop) and COM segments are dropped, APP0 (JFIF), APP2 (ICC
colour profile) and APP14 (Adobe colour transform) are kept; PNG eXIf/tEXt/zTXt/iTXt/tIME
chunks are dropped. Other formats are re-encoded by Pillow without metadata.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable

_JPEG_DROP = (
    {0xE1, 0xED, 0xFE} | set(range(0xE3, 0xED)) | {0xEF}
)  # APP1, APP13, COM, APP3-12, APP15
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def strip_metadata(data: bytes) -> bytes:
    """The image without its metadata; raises ValueError on a malformed file."""
    if data.startswith(b"\xff\xd8"):
        return _strip_jpeg(data)
    if data.startswith(_PNG_SIGNATURE):
        return _strip_png(data)
    return _reencode(data)


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"malformed JPEG: no marker at byte {pos}")
        marker = data[pos + 1] if pos + 1 < len(data) else -1
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xDA, 0xD9) or marker < 0:  # start of scan / end: copy the rest verbatim
            out += data[pos:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos : pos + 2]
            pos += 2
            continue
        if pos + 4 > len(data):
            raise ValueError("malformed JPEG: truncated segment header")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise ValueError(f"malformed JPEG: segment at byte {pos} runs past the end")
        if marker not in _JPEG_DROP:
            out += data[pos:end]
        pos = end
    return bytes(out)


def _strip_png(data: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("malformed PNG: truncated chunk header")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise ValueError(f"malformed PNG: chunk {kind!r} runs past the end")
        crc = struct.unpack(">I", data[end - 4 : end])[0]
        if zlib.crc32(data[pos + 4 : end - 4]) != crc:
            raise ValueError(f"malformed PNG: bad CRC in chunk {kind!r}")
        if kind not in _PNG_DROP:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            break
    return bytes(out)


def _reencode(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format or "PNG"
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        buf = io.BytesIO()
        clean.save(buf, format=fmt)
    return buf.getvalue()


def blur_regions(
    data: bytes, boxes: Iterable[tuple[float, float, float, float]], strength: float = 0.25
) -> bytes:
    """The image with each (x, y, width, height) box Gaussian-blurred (radius = ``strength`` x
    the box's larger side), re-encoded in its own format (metadata not copied)."""
    from PIL import Image, ImageFilter

    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format or "PNG"
        out = image.copy()
    for x, y, w, h in boxes:
        box = (
            max(0, int(x)),
            max(0, int(y)),
            min(out.width, int(x + w)),
            min(out.height, int(y + h)),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        region = out.crop(box)
        radius = max(2.0, strength * max(w, h))
        out.paste(region.filter(ImageFilter.GaussianBlur(radius)), box)
    buf = io.BytesIO()
    save_kwargs = {"quality": 95} if fmt == "JPEG" else {}
    out.save(buf, format=fmt, **save_kwargs)
    return buf.getvalue()
