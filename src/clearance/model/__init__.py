"""The data model shared by every part of clearance: Item, Finding, Decision, errors."""

from clearance.model.decision import Decision, Override, Reason, Status
from clearance.model.errors import (
    ClearanceError,
    ConfigError,
    ItemError,
    ItemTooLarge,
    MissingDependency,
    RunError,
    UnsafeArchiveMember,
)
from clearance.model.finding import KNOWN_KINDS, Finding, error_finding
from clearance.model.item import Decoded, Item, decode_text, is_textual, make_item_id

__all__ = [
    "KNOWN_KINDS",
    "ClearanceError",
    "ConfigError",
    "Decision",
    "Decoded",
    "Finding",
    "Item",
    "ItemError",
    "ItemTooLarge",
    "MissingDependency",
    "Override",
    "Reason",
    "RunError",
    "Status",
    "UnsafeArchiveMember",
    "decode_text",
    "error_finding",
    "is_textual",
    "make_item_id",
]
