"""Lines -> readable text: re-joined hyphenation, paragraph breaks, URLs written in the text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsing.layout import Line

# Words after which a trailing hyphen is an elided compound ("social- og sundhed"), not a line break.
CONJUNCTIONS = {"og", "eller", "samt", "til", "and", "or", "&"}
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+", re.IGNORECASE)
TRAILING_PUNCT = ".,;:)]»”'\""


def join_pair(left: str, right: str) -> str | None:
    """`left` + `right` as one run of text when the line break split a word or URL, else None.

    `for-` + `året` -> `foråret`; `SOSU-` + `skolerne` -> `SOSU-skolerne`; `social-` + `og` stays
    two words; a URL broken after `-` or `/` is put back together.
    """
    if not left.endswith(("-", "/")) or len(left) < 2 or not right:
        return None
    last_token = left.rsplit(" ", 1)[-1]
    first_token = right.split(" ", 1)[0]
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


def typical_pitch(lines: Sequence[Line]) -> float:
    """The most common distance between consecutive lines of the same page (line spacing)."""
    pitches: dict[float, int] = {}
    for a, b in zip(lines, lines[1:], strict=False):
        if a.page == b.page and b.top > a.top:
            pitch = round(b.top - a.top, 0)
            pitches[pitch] = pitches.get(pitch, 0) + 1
    return max(pitches, key=lambda p: (pitches[p], -p)) if pitches else 0.0


def follows_without_gap(above: Line, below: Line) -> bool:
    """`below` continues the paragraph of `above` with less than half a line of white space between."""
    return above.page == below.page and 0 <= below.top - above.bottom < 0.5 * above.size


def lines_to_text(lines: Sequence[Line], pitch: float) -> str | None:
    """Join lines into text: one line per output line, hyphenation re-joined, blank line between paragraphs."""
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text
        if previous is not None and out:
            joined = join_pair(out[-1], text)
            if joined is not None:
                out[-1] = joined
                previous = line
                continue
            new_paragraph = (
                previous.page == line.page and pitch > 0 and line.top - previous.top > pitch * 1.3
            )
            if new_paragraph:
                out.append("")
        out.append(text)
        previous = line
    text = "\n".join(out).strip()
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
