"""Opening images safely for the image detectors: size limits, one clear error per failure."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from clearance.model.errors import ItemError

#: Pillow refuses more than this (decompression bombs); the item becomes an error finding.
MAX_PIXELS = 80_000_000


class UnreadableImage(ItemError):
    rule = "unreadable-image"


def open_image(data: bytes) -> Image.Image:
    """Decode ``data`` fully, EXIF orientation applied, as RGB."""
    if not data:
        raise UnreadableImage("no bytes (withheld by the reader or empty file)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_PIXELS:
                raise UnreadableImage(f"image too large: {opened.width}x{opened.height} pixels")
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened) or opened
    except UnreadableImage:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise UnreadableImage(f"cannot decode image: {exc}") from exc
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
