"""Agreement files for the terms tests, made with real libraries (pypdf, Pillow, zipfile)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def text_pdf(
    pages: list[list[str]], *, user_password: str | None = None, owner_password: str = "owner"
) -> bytes:
    """A PDF with a real text layer (Helvetica), one list of lines per page; a blank line
    separates paragraphs. With ``user_password`` the file is AES-256 encrypted."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = ["BT", "/F1 10 Tf", "14 TL", "50 750 Td"]
        for line in lines:
            text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({text}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    if user_password is not None:
        writer.encrypt(
            user_password=user_password, owner_password=owner_password, algorithm="AES-256"
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """An image-only PDF, as a scanner writes it: Pillow saves page images, no text layer."""
    images = [Image.new("L", (400, 520), color=255) for _ in range(pages)]
    for i, img in enumerate(images):
        img.paste(0, (40, 40 + 30 * i, 360, 60 + 30 * i))  # a dark bar standing in for text
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A minimal .docx: (style, text) paragraphs; style "Heading1" makes a heading."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = []
    for style, text in paragraphs:
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        body.append(f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{ns}"><w:body>{"".join(body)}</w:body></w:document>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("word/document.xml", document)
    return out.getvalue()


GERMAN_TERMS = (
    "Der Lizenzgeber gewährt dem Lizenznehmer ein nicht ausschließliches Recht, die Daten für "
    "interne Zwecke zu nutzen. Die Nutzung der Daten zum Training von Modellen der künstlichen "
    "Intelligenz ist nicht gestattet. Der Lizenznehmer darf die Daten nicht an Dritte "
    "weitergeben. Die Haftung des Lizenzgebers ist auf Vorsatz und grobe Fahrlässigkeit "
    "beschränkt. Dieser Vertrag unterliegt dem Recht der Bundesrepublik Deutschland und wird "
    "auf unbestimmte Zeit geschlossen; er kann mit einer Frist von drei Monaten gekündigt werden."
)
