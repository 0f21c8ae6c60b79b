"""Numbered headings, case lines and the parts under them -> sections and items.

Shared by KKR agendas/minutes (sections `N.` holding items `N.M.`) and KD-Net minutes (items
`N.` only). Headings are recognised by relative layout: set larger than the body text, or bold
where a document sets headings in the body size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsing.layout import Line, Link
from parsing.model import ParsedItem, ParsedSection
from parsing.text import Spacing, Vocabulary, attachment_titles, join_words, lines_to_text, urls_in_text

HEADING_RE = re.compile(r"^(\d{1,2})\.(?:(\d{1,2})[.,;:]?)?\s+(\S.*)$")  # "3.1;": OCR's slip
DOT_LEADER_RE = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$|…\s*\d+\s*$")
CASE_RE = re.compile(r"\b(SAG-\d{4}-\d{3,7})\b")
CASE_LINE_RE = re.compile(r"^SAG-\d{4}-")  # a case line, even where OCR garbled the number
PART_RE = re.compile(r"^(Baggrund|Indstilling|Indstillinger|Sagsfremstilling|Beslutning|Referat)\s*:?$")
PART_FIELDS = {
    "Baggrund": "background",
    "Indstilling": "recommendation",
    "Indstillinger": "recommendation",
    "Sagsfremstilling": "case_presentation",
    "Beslutning": "decision",
    "Referat": "decision",
}
PRESENTER_RE = re.compile(r"^(.*\S)\s+v[.:,]\s+(\S.*)$")  # "… v. Jesper Kaas Schmidt" ("v:" from OCR)
# how an indstilling starts; OCR may put a speck after "Det" or misread a letter ("indstilies")
RECOMMENDATION_START_RE = re.compile(r"^(?:Det[.,:;'`´]?\s+indsti[li]{1,2}es\b|Indstilling\s*:)")


@dataclass
class _Block:
    """A heading with the lines under it, up to the next heading."""

    number: str
    heading: list[Line]
    content: list[Line] = field(default_factory=list)

    @property
    def is_item(self) -> bool:
        return "." in self.number


def part_named(text: str) -> str | None:
    """The part heading a line is ("Indstilling:"), allowing one OCR slip ("Indstillinq", "Baqgrund")."""
    m = PART_RE.match(text)
    if m:
        return m[1]
    word = text.strip().rstrip(":.,;'`´ ")  # a colon, or a speck of dust OCR read after the word
    word = word.lstrip("-–•·.,'`´ ")  # or before it
    if not word.isalpha():
        return None
    if not word[:1].isupper():  # "indstilling": OCR took the capital for a small letter, its one slip
        return word.capitalize() if word.capitalize() in PART_FIELDS else None
    return next((part for part in PART_FIELDS if _one_slip(word, part)), None)


def _one_slip(word: str, part: str) -> bool:
    """Whether `word` is `part` with at most one letter wrong, missing or extra."""
    if abs(len(word) - len(part)) > 1 or word == part:
        return word == part
    if len(word) == len(part):
        return sum(a != b for a, b in zip(word, part, strict=True)) == 1
    shorter, longer = sorted((word, part), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def is_part_heading(line: Line) -> bool:
    return part_named(line.text) is not None


def find_headings(lines: Sequence[Line], body_size: float) -> list[int]:
    """Indexes of the lines that start a numbered section or item.

    A heading is a numbered line set bigger than the body text, else one set in bold. A document with
    no bold at all (OCR's text layer, a plain Word export) has its sizes, roughly, and its numbering:
    the bigger numbered lines, and a line of body size only where its number is missing between them
    (OCR measured that heading small); with no bigger lines, every numbered line in sequence."""
    has_bold = any(line.bold for line in lines)

    def candidates(style: str) -> list[int]:
        found = []
        for i, line in enumerate(lines):
            if not HEADING_RE.match(line.text) or DOT_LEADER_RE.search(line.text):
                continue
            if style == "bigger":
                marked = line.size >= body_size + 0.75
            elif style == "bold":
                marked = line.bold and line.size >= body_size - 0.5
            else:
                marked = line.size >= body_size - 0.5
            if marked:
                found.append(i)
        return found

    if not has_bold:
        numbered = _without_contents_lists(lines, candidates("numbered"))
        bigger = [i for i in numbered if lines[i].size >= body_size + 0.75]
        if len(bigger) < MIN_BIGGER_HEADINGS:
            return _longest_sequence(lines, numbered)
        return _gaps_filled(lines, _longest_sequence(lines, bigger), numbered)
    return _in_sequence(lines, candidates("bigger") or candidates("bold"))


CONTENTS_RUN = 3  # numbered lines one under another: a table of contents, not headings


def _without_contents_lists(lines: Sequence[Line], indexes: list[int]) -> list[int]:
    """Drop runs of CONTENTS_RUN or more numbered lines that follow one another on a page with nothing
    between (a table of contents whose dot leaders OCR has turned to noise); a section's heading right
    above its first item's is a run of two, and stays."""
    kept: list[int] = []
    run: list[int] = []
    for index in [*indexes, -2]:
        if run and index == run[-1] + 1 and lines[index].page == lines[run[-1]].page:
            run.append(index)
            continue
        if len(run) < CONTENTS_RUN:
            kept += run
        run = [index]
    return kept


MIN_BIGGER_HEADINGS = 2


def _number_of(line: Line) -> tuple[int, int]:
    m = HEADING_RE.match(line.text)
    assert m is not None
    return int(m[1]), int(m[2]) if m[2] else 0


def _gaps_filled(lines: Sequence[Line], headings: list[int], numbered: list[int]) -> list[int]:
    """`headings`, and each other numbered line that sits between two of them and carries a number
    that the two leave out (between 1. and 3. a 2.; between 3.1. and 3.2. nothing)."""
    filled = list(headings)
    for above, below in zip(headings, headings[1:], strict=False):
        low, high = _number_of(lines[above]), _number_of(lines[below])
        between = [i for i in numbered if above < i < below and low < _number_of(lines[i]) < high]
        filled += _in_sequence(lines, between)[:1] if between else []
    return sorted(filled)


def _longest_sequence(lines: Sequence[Line], indexes: list[int]) -> list[int]:
    """The longest run of headings whose numbers follow on from each other (`_follows`), the later one
    on a tie: where nothing but numbering tells, a contents list numbers the same headings first, a
    numbered list in the text may cut in, and OCR may lose a heading; the document's own headings
    are the longest chain through them."""
    numbers = [_number_of(lines[i]) for i in indexes]
    length, previous, start = [1] * len(indexes), [-1] * len(indexes), list(range(len(indexes)))
    for j in range(len(indexes)):
        for i in range(j):
            if _follows(numbers[i], numbers[j]) and (length[i] + 1, start[i]) > (length[j], start[j]):
                length[j], previous[j], start[j] = length[i] + 1, i, start[i]
    if not indexes:
        return []
    at = max(range(len(indexes)), key=lambda j: (length[j], start[j]))
    chain = []
    while at != -1:
        chain.append(indexes[at])
        at = previous[at]
    return chain[::-1]


def _follows(before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Whether heading number `after` may come next after `before` (0: a section's own heading)."""
    (section, item), (number, sub) = before, after
    if sub and number == section:  # after the section's own heading, any of its items
        return item == 0 or item < sub <= item + MAX_NUMBER_STEP
    return section < number <= section + MAX_NUMBER_STEP


MAX_NUMBER_STEP = 3  # numbering may skip an item or two, never jump far ahead


def _in_sequence(lines: Sequence[Line], indexes: list[int]) -> list[int]:
    """Keep headings whose numbers follow on from the previous ones (`_follows`).

    A wrapped title line such as `19. januar 2022` looks like a heading but breaks the sequence.
    """
    kept: list[int] = []
    last: tuple[int, int] | None = None
    for index in indexes:
        number = _number_of(lines[index])
        if last is None or _follows(last, number):
            kept.append(index)
            last = number
    return kept


def _blocks(lines: Sequence[Line], heading_indexes: list[int], top_level_items: bool) -> list[_Block]:
    blocks: list[_Block] = []
    starts = set(heading_indexes)
    has_bold = any(line.bold for line in lines)  # without bold (OCR), a title wraps by its spacing
    current: _Block | None = None
    for i, line in enumerate(lines):
        if i in starts:
            m = HEADING_RE.match(line.text)
            assert m is not None
            number = f"{m[1]}.{m[2]}" if m[2] else m[1]
            if top_level_items and not m[2]:
                number = m[1] + "."  # marks an item; the dot is dropped again below
            current = _Block(number=number, heading=[line])
            blocks.append(current)
        elif current is not None:
            heading = current.heading
            if (
                not current.content
                and (line.same_style(heading[-1]) if has_bold else _wraps_on(heading[-1], line))
                and not is_part_heading(line)
                and not CASE_LINE_RE.match(line.text)
            ):
                heading.append(line)  # the title wraps over more lines
            else:
                current.content.append(line)
    return blocks


def _wraps_on(above: Line, below: Line) -> bool:
    """Whether `below` continues the title `above` when no bold tells: right under it, close or set
    as big, and not the sentence that starts the item ("Det indstilles, at … .")."""
    gap = below.top - above.bottom
    # OCR's line boxes may overlap a little, and its sizes vary from line to line
    near = above.page == below.page and -0.3 * above.size <= gap < 2 * above.size
    broken = above.text.endswith("-") and below.text[:1].islower()  # a word broken over the two lines
    wrapped = broken or gap < above.size or abs(below.size - above.size) < 0.6  # or close, or as big
    sentence = RECOMMENDATION_START_RE.match(below.text) is not None or below.text.rstrip().endswith(".")
    return near and wrapped and not sentence


def _heading_title(block: _Block) -> str:
    texts = [ln.text for ln in block.heading]
    m = HEADING_RE.match(texts[0])
    assert m is not None
    return join_words([m[3], *texts[1:]])


class _ItemBuilder:
    """Splits one item's content lines into its parts."""

    def __init__(self, block: _Block, spacing: Spacing, vocabulary: Vocabulary) -> None:
        self.block = block
        self.spacing = spacing
        self.vocabulary = vocabulary

    def build(self, links: Sequence[Link]) -> ParsedItem:
        content = list(self.block.content)
        case_number = None
        for i, line in enumerate(content[:3]):
            if is_part_heading(line):
                break
            if m := CASE_RE.search(line.text):
                case_number = m[1]
                del content[i]
                break
        parts: dict[str, list[Line]] = {}
        preamble: list[Line] = []
        current: list[Line] = preamble
        for line in content:
            part = part_named(line.text)
            if part:
                current = parts.setdefault(PART_FIELDS[part], [])
            else:
                current.append(line)
        if preamble:
            starts_like_recommendation = RECOMMENDATION_START_RE.match(preamble[0].text) is not None
            if (starts_like_recommendation or all(ln.italic for ln in preamble)) and (
                "recommendation" not in parts
            ):
                parts["recommendation"] = preamble
            else:
                parts.setdefault("background", [])[:0] = preamble
        texts = {name: lines_to_text(part, self.spacing, self.vocabulary) for name, part in parts.items()}
        text_lines = [ln for ln in content if not is_part_heading(ln)]
        title = _heading_title(self.block)
        presenter = None
        if m := PRESENTER_RE.match(title):
            title, presenter = m[1], m[2]
        return ParsedItem(
            number=self.block.number.rstrip("."),
            title=title,
            page=self.block.heading[0].page,
            case_number=case_number,
            presenter=presenter,
            background=texts.get("background"),
            recommendation=texts.get("recommendation"),
            case_presentation=texts.get("case_presentation"),
            decision=texts.get("decision"),
            attachments=tuple(attachment_titles(text_lines, self.spacing)),
            links=tuple(_links(self.block, texts.values(), links)),
        )


def _links(block: _Block, texts: object, annotations: Sequence[Link]) -> list[str]:
    """Link annotations that sit on the item's lines, then URLs written in its text; no repeats."""
    lines = block.heading + block.content
    found: list[str] = []
    for link in annotations:
        if any(
            ln.page == link.page and ln.top < link.bottom + 2 and link.top < ln.bottom + 2 for ln in lines
        ):
            found.append(link.uri)
    for text in texts:  # type: ignore[attr-defined]
        if text:
            found.extend(urls_in_text(text))
    unique: dict[str, None] = {}
    for url in found:
        unique.setdefault(url.rstrip(".,;:)"), None)
    return list(unique)


def parse_structure(
    lines: Sequence[Line],
    body_size: float,
    links: Sequence[Link],
    headings: list[int],
) -> tuple[list[ParsedSection], list[ParsedItem]]:
    """Sections and items under the `headings` (from find_headings); lines before the first are ignored.

    A document that numbers items within sections ("3.2") has sections at its top level; one whose
    headings are all single numbers (a directors' network's minutes) has items there.
    """
    body = [ln for ln in lines if abs(ln.size - body_size) < 0.6]
    spacing, vocabulary = Spacing.of(body), Vocabulary.of(body)
    top_level_items = not any(_number_of(lines[index])[1] for index in headings)
    blocks = _blocks(lines, headings, top_level_items)
    sections: list[ParsedSection] = []
    items: list[ParsedItem] = []
    for index, block in enumerate(blocks):
        if block.is_item:
            items.append(_ItemBuilder(block, spacing, vocabulary).build(links))
        else:
            has_items = index + 1 < len(blocks) and blocks[index + 1].is_item
            text = None if has_items else lines_to_text(block.content, spacing, vocabulary)
            sections.append(
                ParsedSection(
                    number=block.number, title=_heading_title(block), text=text, page=block.heading[0].page
                )
            )
    return sections, items
