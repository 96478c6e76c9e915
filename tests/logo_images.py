"""Images composed for the logo and watermark tests and the benchmark: synthetic logos drawn
with Pillow shapes and text, busy backgrounds, and pastes with scale, rotation, occlusion and
JPEG compression. Everything is generated from a seed; nothing is downloaded."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WORDS = (
    "ACME",
    "ZENTRO",
    "KORVAL",
    "PLUMEX",
    "VANTIS",
    "ORBIQ",
    "TALLOW",
    "QUIRA",
    "MONDEX",
    "SYLVA",
    "BRAKKO",
    "NUVEO",
    "HELIX",
    "FARGO",
    "LUMOS",
    "XERIC",
    "OKTAV",
    "RIVUL",
    "DUNMO",
    "PEXAR",
    "GLINT",
    "YARROW",
    "COBALT",
    "EMBER",
)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_logo(index: int, side: int = 240) -> Image.Image:
    """A distinct synthetic logo: shapes in a seeded arrangement plus a word."""
    rng = random.Random(index * 7919 + 1)
    image = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        colour = tuple(rng.randrange(0, 200) for _ in range(3))
        x, y = rng.randrange(0, side - 60), rng.randrange(0, side - 110)
        w, h = rng.randrange(30, 110), rng.randrange(30, 90)
        shape = rng.choice(("rect", "ellipse", "triangle"))
        if shape == "rect":
            draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(0, 0, 0), width=3)
        elif shape == "ellipse":
            draw.ellipse((x, y, x + w, y + h), fill=colour, outline=(0, 0, 0), width=3)
        else:
            draw.polygon([(x, y + h), (x + w // 2, y), (x + w, y + h)], fill=colour)
    if index < len(WORDS):
        word = WORDS[index]
    else:  # beyond the named ones: a seeded made-up word, so no two logos share their word
        word = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(5))
    draw.text((12, side - 70), word, font=font(44), fill=(0, 0, 0))
    return image


def background(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A busy natural-ish picture: blurred blobs with noise."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(10, 120)
        draw.ellipse((x, y, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    return image.filter(ImageFilter.GaussianBlur(3))


def paste_logo(
    scene: Image.Image,
    logo: Image.Image,
    *,
    scale: float,
    angle: float,
    at: tuple[int, int],
    occlude: float = 0.0,
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """Paste ``logo`` scaled and rotated at ``at``; ``occlude`` covers that fraction of its
    right side with a grey bar. Returns the scene and the pasted box (x, y, w, h)."""
    w, h = round(logo.width * scale), round(logo.height * scale)
    piece = logo.resize((w, h), Image.Resampling.LANCZOS).convert("RGBA")
    piece = piece.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    out = scene.copy()
    out.paste(piece, at, piece)
    if occlude:
        draw = ImageDraw.Draw(out)
        x0 = at[0] + round(piece.width * (1 - occlude))
        draw.rectangle((x0, at[1], at[0] + piece.width, at[1] + piece.height), fill=(128, 128, 128))
    return out, (at[0], at[1], piece.width, piece.height)


def jpeg(image: Image.Image, quality: int = 75) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def overlay_text(
    scene: Image.Image,
    text: str,
    *,
    at: tuple[int, int],
    size: int,
    alpha: int = 200,
    colour: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """Semi-transparent text over the picture, as stock previews stamp their name."""
    base = scene.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(at, text, font=font(size), fill=(*colour, alpha))
    return Image.alpha_composite(base, layer).convert("RGB")


def tilted_text(
    scene: Image.Image,
    text: str,
    *,
    angle: float,
    size: int,
    alpha: int = 200,
    colour: tuple[int, int, int] = (255, 255, 255),
) -> tuple[Image.Image, tuple[float, float]]:
    """Semi-transparent text across the middle of the picture, turned ``angle`` degrees
    counter-clockwise about the picture's centre (a diagonal preview stamp). Returns the
    picture and the text's centre."""
    base = scene.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font(size))
    at = ((base.width - (right - left)) // 2 - left, (base.height - (bottom - top)) // 2 - top)
    draw.text(at, text, font=font(size), fill=(*colour, alpha))
    centre = (base.width / 2, base.height / 2)
    layer = layer.rotate(angle, center=centre, resample=Image.Resampling.BICUBIC)
    return Image.alpha_composite(base, layer).convert("RGB"), centre
