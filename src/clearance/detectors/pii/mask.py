"""Masked evidence: enough to recognise the kind and check a span by eye, never the value.

Every finding's evidence goes through ``mask``: digits and letters are replaced by ``•`` except
for a short tail (the last 2-4 characters, fewer for short values) so counsel can match a
finding to a record without the report itself becoming personal data.
"""

from __future__ import annotations

from clearance.transforms.values import mask_value

_HIDE = "•"


def mask(value: str, keep_last: int = 2) -> str:
    """``4111 1111 1111 1111`` -> ``•••• •••• •••• ••11``: separators kept, characters hidden.

    At most a quarter of the value's alphanumerics (and never more than ``keep_last``) stay
    visible, so short values (names, short numbers) are fully hidden.
    """
    return mask_value(value, min(keep_last, sum(ch.isalnum() for ch in value) // 4), _HIDE)


def mask_email(value: str) -> str:
    """``jane.doe@example.org`` -> ``j•••@e••••••.org``: first letters and the TLD only."""
    local, _, domain = value.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}•••@{host[:1]}{_HIDE * max(len(host) - 1, 0)}.{tld}"


def mask_name(value: str) -> str:
    """``Jane Smith`` -> ``J••• S••••``: initials only."""
    return " ".join(tok[:1] + _HIDE * (len(tok) - 1) for tok in value.split())
