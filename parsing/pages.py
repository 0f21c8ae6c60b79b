"""Pages cut out of a PDF as a PDF of their own: a bilag from its bundle, an item from its agenda.

The pages are copied as they are (pypdf), never rendered again, so the member reads what KL published.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from parsing.errors import ParseError


def page_count(data: bytes) -> int:
    """How many pages the PDF has."""
    return len(_reader(data).pages)


def cut_pages(data: bytes, first: int, last: int) -> bytes:
    """Pages `first` to `last` (1-based, both included, clipped to the document) as a new PDF."""
    reader = _reader(data)
    writer = PdfWriter()
    for number in range(max(first, 1), min(last, len(reader.pages)) + 1):
        writer.add_page(reader.pages[number - 1])
    if not writer.pages:
        raise ParseError(f"PDF'en har ingen side {first}")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _reader(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")  # locked only by an owner password: readable, as the parser read it
        return reader
    except (PyPdfError, ValueError, OSError) as err:
        raise ParseError("PDF'en kan ikke læses") from err
