"""How items are marked, the same in the chat and in notices: what concerns the reader, and a decision
that departs from its indstilling."""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.relevance import Reason
from texts.html import bold, italic

MARK = "⭐"  # before an item that concerns the reader (their name, an organization they sit in, a keyword)
NAMES_YOU = "nævner dig"
DIFFERS_MARK = "⚠️"  # before a decision that departs from the indstilling

# Words that say a decision did not simply follow the recommendation (indstilling).
DEVIATION_RE = re.compile(
    r"\b(?:ikke\s+(?:godkend\w*|vedt\w*|tiltr\w*|tilslut\w*|fulgt)|blev\s+ikke|udsat\w*|udsæt\w*|"
    r"afvist\w*|afvis\w*|forkast\w*|tilbagesend\w*|med\s+(?:den|de|følgende)\s+ændring\w*|"
    r"med\s+ændring\w*|med\s+bemærkning\w*|i\s+stedet|trukket|taget\s+af\s+dagsordenen)\b",
    re.IGNORECASE,
)


def reason_words(reason: Reason) -> str:
    """`nævner dig`, or the organization the reader sits in."""
    return NAMES_YOU if reason is None else reason


def concerns_you_heading() -> str:
    return bold("Vedrører dig")


def concerns_you(reasons: Sequence[Reason]) -> str:
    """`(vedrører dig: Uddannelsesstyregruppen)` after an item's title."""
    return f"({italic('vedrører dig: ' + ', '.join(map(reason_words, reasons)))})"


def decision_differs(recommendation: str | None, decision: str | None) -> bool:
    """Whether the minutes record something other than the recommendation: a decision that was
    postponed, rejected, changed or not followed. Plain approvals and noted orientations are not."""
    if not recommendation or not decision:
        return False
    return DEVIATION_RE.search(" ".join(decision.split())) is not None
