"""How an item that concerns the reader is marked, the same in the chat and in notices."""

from __future__ import annotations

from collections.abc import Sequence

from storage.relevance import Reason
from texts.html import bold, italic

MARK = "⭐"  # before an item that concerns the reader (their name, an organization they sit in, a keyword)
NAMES_YOU = "nævner dig"


def reason_words(reason: Reason) -> str:
    """`nævner dig`, or the organization the reader sits in."""
    return NAMES_YOU if reason is None else reason


def concerns_you_heading() -> str:
    return bold("Vedrører dig")


def concerns_you(reasons: Sequence[Reason]) -> str:
    """`(vedrører dig: Uddannelsesstyregruppen)` after an item's title."""
    return f"({italic('vedrører dig: ' + ', '.join(map(reason_words, reasons)))})"
