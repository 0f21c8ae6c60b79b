"""pdfplumber pages -> text lines with font, size and position, running headers removed.

Everything after this module reasons about lines and their relative layout (bigger than the
body text, bold, a gap above), never about one document's absolute sizes or positions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# "KKR Midtjylland | 23-03-2022 SIDE | 4", "KKR Midtjylland | Bilag | 23-04-2021 SIDE | 2"
PAGE_NUMBER_RE = re.compile(r"\bSIDE\s*\|\s*\d+\s*$|^\s*(?:side\s*)?\d+\s*(?:af\s*\d+)?\s*$", re.IGNORECASE)
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

    @cached_property
    def body_size(self) -> float:
        """The font size most of the text is set in."""
        sizes: Counter[float] = Counter()
        for line in self.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
        return sizes.most_common(1)[0][0] if sizes else 10.0


def _font_flags(fontname: str) -> tuple[bool, bool]:
    name = fontname.split("+")[-1].lower()
    return ("bold" in name or "black" in name or "heavy" in name), ("italic" in name or "oblique" in name)


def _make_line(page_number: int, raw: dict[str, Any]) -> Line | None:
    text = " ".join(raw["text"].split())
    chars = [c for c in raw["chars"] if c["text"].strip()]
    if not text or not chars:
        return None
    bold_chars = italic_chars = 0
    for c in chars:
        bold, italic = _font_flags(c["fontname"])
        bold_chars += bold
        italic_chars += italic
    return Line(
        page=page_number,
        top=round(float(raw["top"]), 2),
        bottom=round(float(raw["bottom"]), 2),
        x0=round(float(raw["x0"]), 2),
        x1=round(float(raw["x1"]), 2),
        text=text,
        size=round(max(float(c["size"]) for c in chars), 2),
        bold=bold_chars * 2 > len(chars),
        italic=italic_chars * 2 > len(chars),
    )


def _margin_key(line: Line) -> tuple[str, int]:
    """Same text (page numbers aside) at the same height: a running line."""
    return re.sub(r"\d+", "#", line.text), round(line.top / 4)


def _split_running_lines(pages: list[list[Line]], heights: list[float]) -> tuple[list[Line], list[Line]]:
    """Separate running headers/footers (repeated in the page margins, or a page number) from content."""
    in_margin = [
        [ln for ln in lines if ln.bottom < h * MARGIN_SHARE or ln.top > h * (1 - MARGIN_SHARE)]
        for lines, h in zip(pages, heights, strict=True)
    ]
    repeated: Counter[tuple[str, int]] = Counter()
    for lines in in_margin:
        repeated.update({_margin_key(ln) for ln in lines})
    min_repeats = max(2, len(pages) // 3)
    content: list[Line] = []
    running: list[Line] = []
    for lines, margin in zip(pages, in_margin, strict=True):
        margin_ids = {id(ln) for ln in margin}
        for ln in lines:
            is_running = id(ln) in margin_ids and (
                repeated[_margin_key(ln)] >= min_repeats or PAGE_NUMBER_RE.search(ln.text) is not None
            )
            (running if is_running else content).append(ln)
    return content, running


def read_layout(pdf: Any, limit: int | None = None) -> PageLayout:
    """Read the pages (the first `limit`, or all) of an open pdfplumber PDF into lines and links."""
    pages: list[list[Line]] = []
    heights: list[float] = []
    links: list[Link] = []
    for number, page in enumerate(pdf.pages[:limit], start=1):
        raw_lines = page.extract_text_lines(return_chars=True, strip=True)
        lines = [ln for raw in raw_lines if (ln := _make_line(number, raw)) is not None]
        pages.append(lines)
        heights.append(float(page.height))
        for annot in page.hyperlinks:
            uri = annot.get("uri")
            if uri:
                links.append(Link(number, float(annot["top"]), float(annot["bottom"]), str(uri)))
    content, running = _split_running_lines(pages, heights)
    by_page: list[list[str]] = [[] for _ in pages]
    for line in content:
        by_page[line.page - 1].append(line.text)
    page_texts = tuple("\n".join(texts) for texts in by_page)
    return PageLayout(tuple(content), tuple(running), tuple(links), len(pages), page_texts)
