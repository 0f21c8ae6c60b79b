"""How an item that concerns the reader is marked, the same in the chat and in notices."""

from __future__ import annotations

from collections.abc import Sequence

from texts.html import bold, italic

MARK = "⭐"  # before an item that concerns the reader (their name, an organization they sit in, a keyword)


def concerns_you_heading() -> str:
    return bold("Vedrører dig")


def concerns_you(reasons: Sequence[str]) -> str:
    """`(vedrører dig: Uddannelsesstyregruppen)` after an item's title."""
    return f"({italic('vedrører dig: ' + ', '.join(reasons))})"
