"""pdfplumber pages -> the parser's PageRead: the reference reader.

pdfplumber (pdfminer in pure Python) is slow but thorough, and it is what the parser was built on:
parsing.read_pdfium must give the same lines (tests/test_readers.py), and a file PDFium fails on is
read with this one. It alone can tell a page whose content stream is damaged.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfplumber.utils.exceptions import PdfminerException

from parsing.errors import ParseError
from parsing.layout import Line, Link, PageDone, PageRead, font_flags
from parsing.readers import PDFPLUMBER
from parsing.streams import inflates_to_the_end

ENCRYPTED = "PDF'en er krypteret med en adgangskode og kan ikke læses"

for _noisy in ("pdfminer", "pdfplumber"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


def _make_line(page_number: int, raw: dict[str, Any]) -> Line | None:
    text = " ".join(raw["text"].split())
    chars = [c for c in raw["chars"] if c["text"].strip()]
    if not text or not chars:
        return None
    bold_chars = italic_chars = 0
    for c in chars:
        bold, italic = font_flags(c["fontname"])
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


class PlumberReader:
    """An open PDF read with pdfplumber, page by page, each page freed once read."""

    name = PDFPLUMBER

    def __init__(self, data: bytes) -> None:
        self._pdf = _open(data)
        self.page_count = len(self._pdf.pages)

    def read_pages(
        self, start: int = 0, stop: int | None = None, on_page: PageDone | None = None
    ) -> list[PageRead]:
        """The pages [start, stop), one at a time, each freed once read.

        A page whose content does not decode, or on which pdfminer fails, is kept as `unreadable`
        (pdfminer would otherwise read it as empty or cut short, without a word)."""
        pages = self._pdf.pages
        read: list[PageRead] = []
        for index in range(start, len(pages) if stop is None else min(stop, len(pages))):
            page = pages[index]
            number = index + 1
            try:
                read.append(_read_page(page, number))
            except MemoryError:  # the file is too big for its limit (parsing.isolated): not a damaged page
                raise
            except Exception:  # pdfminer breaks in many ways on a damaged page; the others are still read
                read.append(PageRead((), 0.0, unreadable=True))
            finally:
                page.close()  # its characters and objects are not needed again
                if on_page is not None:
                    on_page(number)
        return read

    def close(self) -> None:
        self._pdf.close()


def _read_page(page: Any, number: int) -> PageRead:
    height = float(page.height)
    if content_damaged(page.page_obj):
        return PageRead((), height, unreadable=True)
    raw_lines = page.extract_text_lines(return_chars=True, strip=True)
    lines = tuple(ln for raw in raw_lines if (ln := _make_line(number, raw)) is not None)
    links = tuple(
        Link(number, float(annot["top"]), float(annot["bottom"]), str(annot["uri"]))
        for annot in page.hyperlinks
        if annot.get("uri")
    )
    return PageRead(lines, height, links)


def _open(data: bytes) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, PDFPasswordIncorrect):
            raise ParseError(ENCRYPTED) from err
        raise ParseError("PDF'en er beskadiget eller ufuldstændig (måske afbrudt under download)") from err
    except MemoryError:
        raise
    except Exception as err:  # pdfminer raises many kinds of errors on broken files
        raise ParseError("PDF'en er beskadiget og kan ikke læses") from err


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
        if not inflates_to_the_end(stream.rawdata):
            return True
    return False
