"""Text lines with font, size and position, as a reader gives them, running headers removed.

The readers (parsing.read_pdfium, and the reference parsing.read_plumber) give each page as a
PageRead of Lines.

Everything after this module reasons about lines and their relative layout (bigger than the
body text, bold, a gap above), never about one document's absolute sizes or positions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

# "KKR Midtjylland | 23-03-2022 SIDE | 4", "KKR Midtjylland | Bilag | 23-04-2021 SIDE | 2"
# (OCR may read the bar as '"|' or '1')
PAGE_NUMBER_RE = re.compile(r"\bSIDE\W{0,4}\d+\s*$|^\s*(?:side\s*)?\d+\s*(?:af\s*\d+)?\s*$", re.IGNORECASE)
MARGIN_SHARE = 0.12  # running headers and footers live in the outer 12% of the page


@dataclass(frozen=True)
class Line:
    """One visual line of text on a page."""

    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    bold: bool
    italic: bool

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def same_style(self, other: Line) -> bool:
        return abs(self.size - other.size) < 0.6 and self.bold == other.bold and self.italic == other.italic


@dataclass(frozen=True)
class Link:
    """A PDF link annotation: where it sits and where it points."""

    page: int
    top: float
    bottom: float
    uri: str


@dataclass(frozen=True)
class PageLayout:
    """The lines of every page, with the running header/footer lines kept apart."""

    lines: tuple[Line, ...]
    headers: tuple[Line, ...]
    links: tuple[Link, ...]
    page_count: int
    page_texts: tuple[str, ...]
    unreadable_pages: tuple[int, ...] = ()  # 1-based: pages whose content could not be read

    @cached_property
    def body_size(self) -> float:
        """The font size most of the text is set in."""
        sizes: Counter[float] = Counter()
        for line in self.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
        return sizes.most_common(1)[0][0] if sizes else 10.0


def font_flags(fontname: str) -> tuple[bool, bool]:
    """Bold and italic, read from a font's name as pdfminer and PDFium both give it."""
    name = fontname.split("+")[-1].lower()
    return ("bold" in name or "black" in name or "heavy" in name), ("italic" in name or "oblique" in name)


def _margin_words(line: Line) -> str:
    """A margin line's words, numbers and punctuation aside (OCR varies them)."""
    return re.sub(r"[\W\d_]+", "", line.text).lower()


MIN_RUNNING_PART = 6  # letters a piece of a running line needs before it counts as one
RUNNING_DRIFT = 10  # points a running line may sit higher or lower from page to page (a scan's tilt)


def _split_running_lines(pages: list[list[Line]], heights: list[float]) -> tuple[list[Line], list[Line]]:
    """Separate running headers/footers (repeated in the page margins, or a page number) from content:
    a margin line whose words come back on enough pages at about the same height."""
    in_margin = [
        [ln for ln in lines if ln.bottom < h * MARGIN_SHARE or ln.top > h * (1 - MARGIN_SHARE)]
        for lines, h in zip(pages, heights, strict=True)
    ]
    heights_of: dict[str, list[list[float]]] = {}
    for lines in in_margin:
        seen: dict[str, list[float]] = {}
        for ln in lines:
            seen.setdefault(_margin_words(ln), []).append(ln.top)
        for words, tops in seen.items():
            heights_of.setdefault(words, []).append(tops)
    min_repeats = max(2, len(pages) // 3)

    def repeats(line: Line) -> int:
        pages_tops = heights_of.get(_margin_words(line), [])
        return sum(any(abs(top - line.top) <= RUNNING_DRIFT for top in tops) for tops in pages_tops)

    frequent = {words for words, page_tops in heights_of.items() if len(page_tops) >= min_repeats}

    def part_of_running(line: Line) -> bool:
        """A running line that a scan's tilt broke in two ("KKR Midtjylland | 23-03-2022", "SIDE | 34")."""
        words = _margin_words(line)
        return len(words) >= MIN_RUNNING_PART and any(words in other for other in frequent if other != words)

    content: list[Line] = []
    running: list[Line] = []
    for lines, margin in zip(pages, in_margin, strict=True):
        margin_ids = {id(ln) for ln in margin}
        for ln in lines:
            is_running = id(ln) in margin_ids and (
                repeats(ln) >= min_repeats
                or PAGE_NUMBER_RE.search(ln.text) is not None
                or part_of_running(ln)
            )
            (running if is_running else content).append(ln)
    return content, running


@dataclass(frozen=True)
class PageRead:
    """One page as read: its lines and links, or `unreadable` when its content could not be read."""

    lines: tuple[Line, ...]
    height: float
    links: tuple[Link, ...] = ()
    unreadable: bool = False


PageDone = Callable[[int], None]  # told each page number once it is read


def layout_of(pages: Sequence[PageRead]) -> PageLayout:
    """The lines of `pages` (read in order from the first page), running headers and footers apart."""
    content, running = _split_running_lines([list(p.lines) for p in pages], [p.height for p in pages])
    by_page: list[list[str]] = [[] for _ in pages]
    for line in content:
        by_page[line.page - 1].append(line.text)
    page_texts = tuple("\n".join(texts) for texts in by_page)
    links = tuple(link for page in pages for link in page.links)
    unreadable = tuple(number for number, page in enumerate(pages, start=1) if page.unreadable)
    return PageLayout(tuple(content), tuple(running), links, len(pages), page_texts, unreadable)
