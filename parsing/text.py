"""Lines -> readable text: one paragraph, sub-heading, list entry or bilag mark per output line.

The line markup (`# `, `- `, `./. `) is part of the contract and written down in parsing.model.
Every rule reads relative layout: the document's own line pitch and text column, a line's
indentation against the other entries of its list, bold against the text around it. Only where
layout cannot tell a wrap from a break does the text decide (a lower-case start continues a
sentence; a capitalised ordinary word starts one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parsing.layout import Line

# Words after which a trailing hyphen is an elided compound ("social- og sundhed"), not a line break.
CONJUNCTIONS = {"og", "eller", "samt", "til", "and", "or", "&"}
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+", re.IGNORECASE)
DASHES = "-–—"
# "- ", "• ", "o " (Word's second level), "1. ", "2) ", "a) "; the Symbol/Wingdings bullets Word embeds,
# and a glyph pdfminer cannot name ("(cid:127)"), which at the start of a line is a bullet too
LIST_ENTRY_RE = re.compile(
    r"^(?:(?P<bullet>[-–—•●▪■◦○‣⁃∙*\uf0a7\uf0b7\uf0d8]|o(?=\s))\s+|(?P<glyph>\(cid:\d+\))\s*"
    r"|(?P<number>\d{1,2})[.)]\s+|[a-zæøå][.)]\s+)"
)
# "./." before a bilag's title; OCR reads it ".J.", ".l." or "/." too
ATTACHMENT_RE = re.compile(r"^(?:\.\s?[/JjlI|1!]|/)\s?\.+\s*(.*)$")
TITLE_MARKS = " *_\"'“”„«»£+"  # emphasis around a bilag's title, and what OCR makes of it
SHORT_LINE_SHARE = 0.72  # a wrapped line fills more than this share of the column
HEADING_SHARE = 0.85  # a sub-heading set in the body font stops well before the right edge
PARAGRAPH_PITCH = 1.3  # more than this many line pitches from the line above: white space between
TRAILING_PUNCT = ".,;:)]»”'\""
SENTENCE_END = (".", "!", "?", ":")
WORD_PUNCT = ".,;:!?()[]«»”“\"'’"


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

    def share(self, line: Line) -> float:
        """How much of the column's width the line fills."""
        width = self.right - self.left
        return (line.x1 - self.left) / width if width > 0 else 1.0

    def is_short(self, line: Line) -> bool:
        """The line stops well before the right edge of the column: its paragraph may end there."""
        return self.share(line) < SHORT_LINE_SHARE

    def next_word_fits(self, above: Line, below: Line) -> bool:
        """`below`'s first word had room at the end of `above`: the line was broken on purpose.

        A line that is short only because the next word is long (a URL, a compound) is a wrap.
        The word's width is estimated from `below`'s own average character width.
        """
        word = below.text.split(" ", 1)[0]
        char_width = (below.x1 - below.x0) / max(len(below.text), 1)
        return self.right - above.x1 >= (len(word) + 1) * char_width

    def at_line_pitch(self, above: Line, below: Line) -> bool:
        """`below` follows `above` on the same page at the body text's line spacing (no white space)."""
        if above.page != below.page or below.top <= above.top:
            return False
        if self.pitch > 0:
            return below.top - above.top <= self.pitch * PARAGRAPH_PITCH
        return below.top - above.bottom < 0.5 * above.size


@dataclass(frozen=True)
class Vocabulary:
    """A document's ordinary words: written in lower case somewhere, capitalised only to start a sentence.

    After a line with no punctuation, a capitalised ordinary word ("Sundhedsvæsenet står …") starts a
    sentence, so the line above was a sub-heading; a name ("Region", "KKR", "Skive") says nothing.
    """

    lower: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Vocabulary:
        lower: set[str] = set()
        names: set[str] = set()
        for line in lines:
            words = line.text.split()
            for i, raw in enumerate(words):
                word = raw.strip(WORD_PUNCT)
                if not word or not word[0].isalpha():
                    continue
                if word.islower():
                    lower.add(word)
                elif i > 0 and not words[i - 1].endswith(SENTENCE_END):
                    names.add(word)  # capitalised inside a sentence: part of a name
        return cls(frozenset(lower), frozenset(names))

    def starts_sentence(self, text: str) -> bool:
        word = text.split(" ", 1)[0].strip(WORD_PUNCT)
        return (
            len(word) > 1
            and word[0].isupper()
            and word[1:].islower()
            and word.lower() in self.lower
            and word not in self.names
        )


def follows_without_gap(above: Line, below: Line) -> bool:
    """`below` continues the lines of `above` with less than half a line of white space between."""
    return above.page == below.page and 0 <= below.top - above.bottom < 0.5 * above.size


def starts_list_entry(text: str) -> bool:
    """A bullet or numbered entry begins its own line even without a gap above it."""
    return LIST_ENTRY_RE.match(text) is not None


def _marker(text: str) -> str | None:
    """The entry's marker: the bullet glyph, `#` for any number, `a` for any letter; None for text."""
    m = LIST_ENTRY_RE.match(text)
    if m is None:
        return None
    return m["bullet"] or m["glyph"] or ("#" if m["number"] else "a")


def _number(text: str) -> int | None:
    m = LIST_ENTRY_RE.match(text)
    return int(m["number"]) if m and m["number"] else None


def _word_after_marker(text: str) -> str:
    m = LIST_ENTRY_RE.match(text)
    return text[m.end() :] if m else text


PARAGRAPH, HEADING, ENTRY, ATTACHMENT = "paragraph", "heading", "entry", "attachment"


@dataclass
class _Block:
    """One output line in the making: the PDF lines it is read from and what it is."""

    kind: str
    lines: list[Line]
    text: str
    space_above: bool
    level: int = 0
    marker: str | None = None

    @property
    def bold(self) -> bool:
        return all(ln.bold for ln in self.lines)

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.text = join_pair(self.text, line.text) or f"{self.text} {line.text}"


class _Reader:
    """Splits one run of lines (an item's part, a section) into blocks and marks each block's kind."""

    def __init__(self, lines: Sequence[Line], spacing: Spacing, vocabulary: Vocabulary) -> None:
        self.lines = list(lines)
        self.spacing = spacing
        self.vocabulary = vocabulary

    def blocks(self) -> list[_Block]:
        blocks: list[_Block] = []
        for i, line in enumerate(self.lines):
            previous = self.lines[i - 1] if i else None
            if previous is None or self._starts_block(blocks, previous, line, i):
                space_above = previous is None or not self.spacing.at_line_pitch(previous, line)
                blocks.append(self._new_block(line, space_above))
            else:
                blocks[-1].add(line)
        self._mark_headings(blocks)
        self._mark_levels(blocks)
        return blocks

    def _new_block(self, line: Line, space_above: bool) -> _Block:
        if ATTACHMENT_RE.match(line.text):
            return _Block(ATTACHMENT, [line], line.text, space_above)
        marker = _marker(line.text)
        kind = ENTRY if marker else PARAGRAPH
        return _Block(kind, [line], line.text, space_above, marker=marker)

    def _starts_block(self, blocks: list[_Block], previous: Line, line: Line, index: int) -> bool:
        block = blocks[-1]
        spacing = self.spacing
        if ATTACHMENT_RE.match(line.text):
            return True
        if block.kind == ATTACHMENT:  # a title continues over the lines of its paragraph
            return not (
                spacing.at_line_pitch(previous, line)
                and previous.same_style(line)
                and not starts_list_entry(line.text)
            )
        if starts_list_entry(line.text):
            return not self._continues_sentence_after_marker(blocks, previous, line, index)
        text = block.text
        wrapped = previous.page != line.page or spacing.at_line_pitch(previous, line)
        if text.endswith(("-", "/")) and wrapped:
            return False  # a word or URL broken over the lines
        if line.text[0].islower() and not text.endswith((":", ";", "!", "?")):
            return False  # a sentence never starts in lower case: the break only wrapped the line
        if previous.bold != line.bold and spacing.is_short(previous if previous.bold else line):
            return True  # a short bold line against text in another weight: a heading
        if spacing.is_short(previous) and spacing.next_word_fits(previous, line):
            return True
        if previous.page != line.page:  # a page break: only a finished sentence ends the paragraph
            return text.endswith(SENTENCE_END)
        if not spacing.at_line_pitch(previous, line):
            return True
        if self._heading_above(block, previous, line):
            block.kind = HEADING
            return True
        return False

    def _continues_sentence_after_marker(
        self, blocks: list[_Block], previous: Line, line: Line, index: int
    ) -> bool:
        """`den` + `5. februar`, `i rammeaftalen` + `- herunder …`: a wrapped sentence, not an entry.

        Only when the line above left its sentence open, no capital follows the number (a lower-case
        word follows the dash), and no list is under way with that marker (above, or further down).
        """
        block = blocks[-1]
        if block.text.endswith(SENTENCE_END + (";",)) or block.kind == HEADING:
            return False
        after = _word_after_marker(line.text)
        marker = _marker(line.text)
        tolerance = 0.3 * line.size
        if after[:1].isupper() or (marker != "#" and not after[:1].islower()):
            return False
        if marker == "#":
            number = _number(line.text)
            assert number is not None
            entries = [b for b in blocks if b.kind == ENTRY and b.marker == "#"]
            if entries and _number(entries[-1].text) == number - 1:
                return False
            return not any(_number(ln.text) == number + 1 for ln in self.lines[index + 1 :])
        if marker is None or marker not in DASHES or line.x0 > previous.x0 + tolerance:
            return False
        if block.kind == ENTRY and block.marker == marker:
            return False
        return not any(
            _marker(ln.text) == marker and abs(ln.x0 - line.x0) <= tolerance for ln in self.lines[index + 1 :]
        )

    def _heading_above(self, block: _Block, previous: Line, line: Line) -> bool:
        """A full-width first line with no punctuation, then a capitalised ordinary word: a heading.

        Layout cannot tell this heading from a wrapped line; the sentence that starts below can.
        """
        return (
            block.kind == PARAGRAPH
            and len(block.lines) == 1
            and block.space_above
            and not any(ch in block.text for ch in WORD_PUNCT.replace("’", ""))
            and not block.text.endswith(("-", "/"))
            and previous.same_style(line)
            and self.vocabulary.starts_sentence(line.text)
        )

    def _mark_headings(self, blocks: list[_Block]) -> None:
        for block, below in zip(blocks, blocks[1:], strict=False):
            if block.kind == PARAGRAPH and self._is_heading(block, below):
                block.kind = HEADING

    def _is_heading(self, block: _Block, below: _Block) -> bool:
        """One line above more text: bold against plain text, or short with white space above it
        and a paragraph below it (two or more lines, or a finished sentence)."""
        text = block.text
        if len(block.lines) != 1 or text[0].islower() or text.endswith((".", ",", ";", "!", "?")):
            return False
        line = block.lines[0]
        if line.bold:
            return not below.bold
        return (
            not text.endswith(":")
            and block.space_above
            and self.spacing.share(line) <= HEADING_SHARE
            and below.kind == PARAGRAPH
            and not below.bold
            and (len(below.lines) > 1 or below.text.endswith(SENTENCE_END))
        )

    @staticmethod
    def _mark_levels(blocks: list[_Block]) -> None:
        """Nesting levels of each list from the entries' indentation against each other.

        Entries set at the same indentation with another marker than the entry above them (Word's
        `o` under `-`) are one level deeper; back at a marker seen before is back at its level.
        """
        stack: list[tuple[float, str | None]] = []
        for block in blocks:
            if block.kind != ENTRY:
                stack = []
                continue
            line = block.lines[0]
            tolerance = 0.3 * line.size
            while stack and line.x0 < stack[-1][0] - tolerance:
                stack.pop()
            if stack and abs(line.x0 - stack[-1][0]) <= tolerance:
                same_indent = [k for k, (x0, _) in enumerate(stack) if abs(line.x0 - x0) <= tolerance]
                seen = [k for k in same_indent if stack[k][1] == block.marker]
                if seen:
                    del stack[seen[-1] + 1 :]
                else:
                    stack.append((line.x0, block.marker))
            else:
                stack.append((line.x0, block.marker))
            block.level = len(stack) - 1


def _render(block: _Block) -> str | None:
    if block.kind == HEADING:
        return "# " + block.text
    if block.kind == ATTACHMENT:
        title = attachment_title(block.text)
        return f"./. {title}" if title else None
    if block.kind == ENTRY:
        m = LIST_ENTRY_RE.match(block.text)
        body = block.text[m.end() :] if m and (m["bullet"] or m["glyph"]) else block.text
        return "  " * block.level + "- " + body
    return block.text


def attachment_title(text: str) -> str:
    """The title after a `./.` mark, without the mark and the emphasis around it."""
    m = ATTACHMENT_RE.match(text)
    return (m[1] if m else text).strip().strip(TITLE_MARKS).strip()


def lines_to_text(lines: Sequence[Line], spacing: Spacing, vocabulary: Vocabulary) -> str | None:
    """Lines as text for reading on a phone, in the markup of parsing.model: one block per line.

    Lines of a paragraph are joined (hyphenation re-joined). White space, a bullet, a `./.` mark or
    a sub-heading starts a new block; a break the PDF made only to wrap a line does not.
    """
    rendered = [_render(block) for block in _Reader(lines, spacing, vocabulary).blocks()]
    text = "\n".join(line for line in rendered if line).strip()
    return text or None


def attachment_titles(lines: Sequence[Line], spacing: Spacing) -> list[str]:
    """Titles marked `./.`: the rest of the mark's line and the lines of its paragraph below it."""
    blocks = _Reader(lines, spacing, Vocabulary()).blocks()
    titles = (attachment_title(b.text) for b in blocks if b.kind == ATTACHMENT)
    return [title for title in titles if title]


def urls_in_text(text: str) -> list[str]:
    """Every http(s)/www address written in the text, in order."""
    found = []
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCT)
        if url.lower().startswith("www."):
            url = "https://" + url
        found.append(url)
    return found
