"""A second reader, PDFium (pypdfium2): fast page texts, and what a file holds where pdfminer sees nothing.

pdfminer (under pdfplumber) gives the layout the parser needs, but it skips pages and text that PDFium
reads: a page tree it does not follow, a page it cannot decode. PDFium answers three questions fast,
without the layout: the pages' plain text (for bundles whose text is only searched), how many pages
the file has, and whether a page without text holds images (a scan) or nothing at all.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MIN_PAGE_TEXT = 20  # characters (not counting spaces) before a page counts as having text


@dataclass(frozen=True)
class PdfiumView:
    """What PDFium reads in a file: each page's text and whether the page holds an image."""

    page_texts: tuple[str, ...]
    image_pages: frozenset[int]  # 1-based

    @property
    def page_count(self) -> int:
        return len(self.page_texts)

    def has_text(self, page: int) -> bool:
        return len(re.sub(r"\s", "", self.page_texts[page - 1])) >= MIN_PAGE_TEXT

    @property
    def text_pages(self) -> tuple[int, ...]:
        return tuple(page for page in range(1, self.page_count + 1) if self.has_text(page))


@contextlib.contextmanager
def _opened(data: bytes) -> Iterator[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):  # closing a damaged file can fail again
            pdf.close()


def read_view(data: bytes, *, images: bool = False) -> PdfiumView | None:
    """Every page's text (and, with `images`, which pages hold an image); None when PDFium cannot open it."""
    import pypdfium2.raw as pdfium_c

    try:
        with _opened(data) as pdf:
            texts: list[str] = []
            image_pages: set[int] = set()
            for number, page in enumerate(pdf, start=1):
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range().replace("\r\n", "\n").strip())
                textpage.close()
                if images and any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])):
                    image_pages.add(number)
                page.close()
            return PdfiumView(tuple(texts), frozenset(image_pages))
    except Exception:  # PDFium refuses some damaged files pdfminer reads; then it has nothing to add
        return None


def page_texts(data: bytes) -> tuple[str, ...] | None:
    """Plain text of every page, without the running lines that repeat on many pages."""
    view = read_view(data)
    return without_running_lines(list(view.page_texts)) if view is not None else None


def without_running_lines(texts: list[str]) -> tuple[str, ...]:
    """Page texts without the first and last lines that repeat on many pages (headers, page numbers)."""
    pages = [text.splitlines() for text in texts]
    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({_digits_masked(line) for line in lines[:2] + lines[-2:]})
    min_repeats = max(2, len(pages) // 3)
    running = {key for key, n in edges.items() if n >= min_repeats}
    cleaned = []
    for lines in pages:
        edge = {0, 1, len(lines) - 2, len(lines) - 1}
        kept = [ln for i, ln in enumerate(lines) if not (i in edge and _digits_masked(ln) in running)]
        cleaned.append("\n".join(kept).strip())
    return tuple(cleaned)


def _digits_masked(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())
