"""PDF agreements via pypdf: text per page, encrypted and image-only files named as such."""

from __future__ import annotations

import io
import logging

from clearance.terms.errors import (
    DocumentTooLarge,
    EncryptedDocument,
    NeedsOCR,
    UnreadableDocument,
)
from clearance.terms.readers import Block, Document, text_blocks

#: a page with fewer visible characters than this has no usable text layer.
MIN_PAGE_CHARS = 16


def read_pdf(data: bytes, name: str, *, max_pages: int) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files log per object
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        notes: list[str] = []
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise EncryptedDocument(
                    f"{name}: encrypted PDF; decrypting it needs the 'cryptography' package ({exc})"
                ) from exc
            if not opened:
                raise EncryptedDocument(
                    f"{name}: encrypted PDF with a password; decrypt it (e.g. qpdf --decrypt) "
                    "and review the copy"
                )
            notes.append("encrypted PDF opened with the empty user password")
        count = len(reader.pages)
        if count > max_pages:
            raise DocumentTooLarge(f"{name}: {count:,} pages is over the {max_pages:,}-page cap")
        blocks: list[Block] = []
        empty: list[int] = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if len(text.strip()) < MIN_PAGE_CHARS:
                empty.append(number)
            blocks.extend(text_blocks(text, page=number))
    except (EncryptedDocument, DocumentTooLarge):
        raise
    except Exception as exc:  # pypdf raises many types on damaged or hostile files
        raise UnreadableDocument(
            f"{name}: not a readable PDF ({type(exc).__name__}: {exc})"
        ) from exc
    if count and len(empty) == count:
        raise NeedsOCR(
            f"{name}: no text layer on any of its {count} page(s) (a scanned image?); "
            "OCR is needed before its terms can be reviewed"
        )
    if empty:
        shown = ", ".join(str(n) for n in empty[:20]) + (" …" if len(empty) > 20 else "")
        notes.append(f"no text layer on page(s) {shown}: OCR needed for those pages")
    return Document(name, "pdf", tuple(blocks), pages=count, notes=tuple(notes))
