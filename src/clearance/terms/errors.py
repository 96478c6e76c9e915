"""Why an agreement could not be reviewed. Each is an item-level error: a scan records it.

TermsError (ItemError)
├── UnsupportedFormat   not txt/md/html/pdf/docx
├── DocumentTooLarge    over the byte or character cap
├── EncryptedDocument   a PDF that needs a password
├── NeedsOCR            a PDF whose pages are images (no text layer)
└── UnreadableDocument  corrupt or hostile file
"""

from __future__ import annotations

from clearance.model.errors import ItemError


class TermsError(ItemError):
    rule = "terms/unreadable"


class UnsupportedFormat(TermsError):
    rule = "terms/unsupported-format"


class DocumentTooLarge(TermsError):
    rule = "terms/too-large"


class EncryptedDocument(TermsError):
    rule = "terms/encrypted"


class NeedsOCR(TermsError):
    rule = "terms/needs-ocr"


class UnreadableDocument(TermsError):
    rule = "terms/unreadable"
