"""pdfplumber pages -> text lines with font, size and position, running headers removed.

Everything after this module reasons about lines and their relative layout (bigger than the
body text, bold, a gap above), never about one document's absolute sizes or positions.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

# "KKR Midtjylland | 23-03-2022 SIDE | 4", "KKR Midtjylland | Bilag | 23-04-2021 SIDE | 2"
PAGE_NUMBER_RE = re.compile(r"\bSIDE\s*\|\s*\d+\s*$|^\s*(?:side\s*)?\d+\s*(?:af\s*\d+)?\s*$", re.IGNORECASE)
MARGIN_SHARE = 0.12  # running headers and footers live in the outer 12% of the page
INFLATE_CHUNK = 1 << 20  # a content stream is checked a megabyte at a time, never inflated whole


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


def _margin_words(line: Line) -> str:
    """A margin line's words, numbers and punctuation aside (OCR varies them)."""
    return re.sub(r"[\W\d_]+", "", line.text).lower()


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

    content: list[Line] = []
    running: list[Line] = []
    for lines, margin in zip(pages, in_margin, strict=True):
        margin_ids = {id(ln) for ln in margin}
        for ln in lines:
            is_running = id(ln) in margin_ids and (
                repeats(ln) >= min_repeats or PAGE_NUMBER_RE.search(ln.text) is not None
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


def read_pages(
    pdf: Any, start: int = 0, stop: int | None = None, on_page: PageDone | None = None
) -> list[PageRead]:
    """Read the pages [start, stop) of an open pdfplumber PDF, one at a time, each freed once read.

    A page whose content does not decode, or on which pdfminer fails, is kept as `unreadable`
    (pdfminer would otherwise read it as empty or cut short, without a word)."""
    read: list[PageRead] = []
    for index in range(start, len(pdf.pages) if stop is None else min(stop, len(pdf.pages))):
        page = pdf.pages[index]
        number = index + 1
        try:
            height = float(page.height)
            if content_damaged(page.page_obj):
                read.append(PageRead((), height, unreadable=True))
                continue
            raw_lines = page.extract_text_lines(return_chars=True, strip=True)
            lines = tuple(ln for raw in raw_lines if (ln := _make_line(number, raw)) is not None)
            links = tuple(
                Link(number, float(annot["top"]), float(annot["bottom"]), str(annot["uri"]))
                for annot in page.hyperlinks
                if annot.get("uri")
            )
            read.append(PageRead(lines, height, links))
        except MemoryError:  # the file is too big for its limit (parsing.isolated): not a damaged page
            raise
        except Exception:  # pdfminer breaks in many ways on a damaged page; the others are still read
            read.append(PageRead((), 0.0, unreadable=True))
        finally:
            page.close()  # its characters and objects are not needed again
            if on_page is not None:
                on_page(number)
    return read


def content_damaged(page_obj: Any) -> bool:
    """Whether a content stream of the page fails to inflate or ends before its deflate stream does."""
    contents = resolve1(page_obj.contents) if page_obj.contents is not None else []
    for ref in contents if isinstance(contents, list) else [contents]:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            continue
        filters = stream.get_filters()
        if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or filters[0][1]:
            continue  # only a plain deflate stream can be checked on its own
        inflater = zlib.decompressobj()
        try:
            data = stream.rawdata
            for start in range(0, len(data), INFLATE_CHUNK):
                inflater.decompress(data[start : start + INFLATE_CHUNK], INFLATE_CHUNK)
                while inflater.unconsumed_tail:
                    inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK)
        except zlib.error:
            return True
        if not inflater.eof:
            return True
    return False


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
