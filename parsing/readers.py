"""Which reader turns a PDF's pages into lines: PDFium (fast, the default) or pdfplumber (the reference).

Both give the parser the same PageReads (tests/test_readers.py holds them to the same output), so a
reader is a choice of speed, never of result: KKRBOT_PDF_READER or `--reader` picks one, and a
file PDFium fails on is read again with pdfplumber (parsing.document). Each reader is imported only
when it is used, so `kkrbot parse` on the default path never loads pdfminer.
"""

from __future__ import annotations

from typing import Protocol

from parsing.layout import PageDone, PageRead

PDFIUM = "pdfium"
PDFPLUMBER = "pdfplumber"
READERS = (PDFIUM, PDFPLUMBER)


class PdfReader(Protocol):
    """An open PDF whose pages are read one at a time."""

    name: str
    page_count: int

    def read_pages(
        self, start: int = 0, stop: int | None = None, on_page: PageDone | None = None
    ) -> list[PageRead]: ...

    def close(self) -> None: ...


def open_reader(data: bytes, name: str) -> PdfReader:
    """`data` opened with the reader `name` (one of READERS); ParseError for a file it cannot open."""
    if name == PDFIUM:
        from parsing.read_pdfium import PdfiumReader

        return PdfiumReader(data)
    if name == PDFPLUMBER:
        from parsing.read_plumber import PlumberReader

        return PlumberReader(data)
    raise ValueError(f"unknown PDF reader {name!r}: one of {', '.join(READERS)}")
