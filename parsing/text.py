"""Lines -> readable text: re-joined hyphenation, paragraph breaks, URLs written in the text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parsing.layout import Line

# Words after which a trailing hyphen is an elided compound ("social- og sundhed"), not a line break.
CONJUNCTIONS = {"og", "eller", "samt", "til", "and", "or", "&"}
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+", re.IGNORECASE)
LIST_ENTRY_RE = re.compile(r"^(?:[-–—•▪●*]\s|\d{1,2}[.)]\s|[a-zæøå][.)]\s)")
ATTACHMENT_MARK_RE = re.compile(r"^\./\.")
SHORT_LINE_SHARE = 0.72  # a wrapped line fills more than this share of the column
TRAILING_PUNCT = ".,;:)]»”'\""


def join_pair(left: str, right: str) -> str | None:
    """`left` + `right` as one run of text when the line break split a word or URL, else None.

    `for-` + `året` -> `foråret`; `SOSU-` + `skolerne` -> `SOSU-skolerne`; `social-` + `og` stays
    two words; a URL broken after `-` or `/` is put back together.
    """
    if len(left) < 2 or not right:
        return None
    last_token = left.rsplit(" ", 1)[-1]
    first_token = right.split(" ", 1)[0]
    if right[0] in "-/_?=&#" and len(first_token) > 1 and URL_RE.match(last_token):
        return left + right  # a URL broken just before one of its separators
    if not left.endswith(("-", "/")):
        return None
    if URL_RE.match(last_token):
        # a URL cannot end in "-"; after "/" only a path-like token continues it
        continues = left.endswith("-") or any(ch in first_token for ch in "/.?=")
        return left + right if continues and not right[0].isupper() else None
    if not left.endswith("-") or first_token.rstrip(",.;:") in CONJUNCTIONS:
        return None
    before = left[-2]
    if before.islower() and right[0].islower():
        return left[:-1] + right
    if (before.isupper() or before.isdigit()) and right[0].isalnum():
        return left + right
    return None


def join_words(lines: Sequence[str]) -> str:
    """Lines of a heading or title as one string of words."""
    out = ""
    for text in lines:
        out = (join_pair(out, text) or f"{out} {text}") if out else text
    return out


@dataclass(frozen=True)
class Spacing:
    """A document's usual line spacing and text column, to tell a paragraph end from a line wrap."""

    pitch: float
    left: float
    right: float

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Spacing:
        pitches: Counter[float] = Counter()
        for a, b in zip(lines, lines[1:], strict=False):
            if a.page == b.page and b.top > a.top:
                pitches[round(b.top - a.top)] += 1
        pitch = max(pitches, key=lambda p: (pitches[p], -p)) if pitches else 0.0
        if not lines:
            return cls(pitch, 0.0, 0.0)
        lefts = sorted(ln.x0 for ln in lines)
        rights = sorted(ln.x1 for ln in lines)
        return cls(pitch, lefts[len(lefts) // 10], rights[len(rights) * 9 // 10])

    def is_short(self, line: Line) -> bool:
        """The line stops well before the right edge of the column: its paragraph ends there."""
        width = self.right - self.left
        return width > 0 and line.x1 - self.left < SHORT_LINE_SHARE * width


def follows_without_gap(above: Line, below: Line) -> bool:
    """`below` continues the paragraph of `above` with less than half a line of white space between."""
    return above.page == below.page and 0 <= below.top - above.bottom < 0.5 * above.size


def starts_list_entry(text: str) -> bool:
    """A bullet or numbered entry begins its own line even without a gap above it."""
    return LIST_ENTRY_RE.match(text) is not None


def _starts_paragraph(previous: Line, line: Line, previous_text: str, spacing: Spacing) -> bool:
    if starts_list_entry(line.text) or ATTACHMENT_MARK_RE.match(line.text):
        return True
    if previous_text.endswith(("-", "/")):
        return False
    if spacing.is_short(previous):
        return True
    if previous.page != line.page:  # a page break: only a finished sentence ends the paragraph
        return previous_text.endswith((".", ":", "!", "?"))
    return spacing.pitch > 0 and line.top - previous.top > spacing.pitch * 1.3


def lines_to_text(lines: Sequence[Line], spacing: Spacing) -> str | None:
    """Lines as paragraphs for reading on a phone: one paragraph per output line.

    Lines of a paragraph are joined (hyphenation re-joined); a gap larger than the line spacing,
    a bullet or a `./.` attachment mark starts a new paragraph.
    """
    paragraphs: list[str] = []
    previous: Line | None = None
    for line in lines:
        if previous is None or _starts_paragraph(previous, line, paragraphs[-1], spacing):
            paragraphs.append(line.text)
        else:
            last = paragraphs[-1]
            paragraphs[-1] = join_pair(last, line.text) or f"{last} {line.text}"
        previous = line
    text = "\n".join(paragraphs).strip()
    return text or None


def urls_in_text(text: str) -> list[str]:
    """Every http(s)/www address written in the text, in order."""
    found = []
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCT)
        if url.lower().startswith("www."):
            url = "https://" + url
        found.append(url)
    return found
