"""Small Danish phrasing every text module shares."""

from __future__ import annotations

from collections.abc import Sequence


def listed(words: Sequence[str]) -> str:
    """`A`, `A og B`, `A, B og C`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]
