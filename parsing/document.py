"""parse_document: PDF bytes -> ParsedDocument, or ParseError with a Danish reason."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from core.bodies import body_named
from core.kinds import DocumentKind
from core.pdf import why_not_pdf
from parsing.appointments import with_appointments
from parsing.errors import ParseError
from parsing.layout import Line, PageDone, PageLayout, layout_of
from parsing.meta import MeetingMeta, from_front_matter, from_running_headers, from_title
from parsing.model import ParsedDocument
from parsing.pdfium_text import PdfiumView, page_texts, read_view
from parsing.readers import PDFIUM, PDFPLUMBER, PdfReader, open_reader
from parsing.structure import find_headings, parse_structure, part_named

log = logging.getLogger(__name__)
PROBE_PAGES = 3  # enough to find the front page, a running header and the kind
SCAN_PROBE_PAGES = 2  # a scan's pages OCR reads before deciding: the front page names the meeting
MIN_SCAN_WORDS = 15  # words OCR must find on a scan's first pages before it counts as readable
WORD_RE = re.compile(r"[A-Za-zÆØÅæøå]{3,}")
NOT_A_MEETING = "det ligner ikke en dagsorden, et referat eller bilag fra KKR eller KD-Net"
DAMAGED = "PDF'en er beskadiget og kan ikke læses helt"


def _meta(layout: PageLayout, headings: list[int]) -> MeetingMeta:
    front_matter = layout.lines[: headings[0]] if headings else layout.lines
    front = from_front_matter(front_matter)
    return front.filled_from(from_running_headers(layout.headers)).filled_from(from_title(front_matter))


def _has_decisions(lines: Sequence[Line]) -> bool:
    return any(part_named(ln.text) in ("Beslutning", "Referat") for ln in lines)


def _read(data: bytes, pdf: PdfReader, on_page: PageDone | None, ocr: OcrUse | None) -> ParsedDocument:
    """Read `pdf` (the file `data`) into a ParsedDocument: its first pages first, then on if they are a
    meeting's. PDFium answers what the reference reader cannot see; when it is the reader, it has."""
    pdf_pages = pdf.page_count
    read = pdf.read_pages(0, PROBE_PAGES, on_page)
    probe = layout_of(read)
    view: PdfiumView | None = None  # PDFium's reading, made once when it is needed
    if not probe.lines:  # blank or unreadable first pages: the rest only if any page has text
        view = read_view(data, images=True)
        if view is not None and view.image_pages and not view.text_pages and ocr is not None:
            return _read_scan(data, view.page_count, on_page, ocr, pdf.name)
        if view is not None and not view.text_pages:
            raise ParseError(_why_no_text(view))
        read += pdf.read_pages(len(read), None, on_page)
        probe = layout_of(read)
        if not probe.lines:
            raise ParseError(_why_no_text(view))
    meta = _meta(probe, find_headings(probe.lines, probe.body_size))
    body = meta.body
    if not body:  # a meeting document names its council on its first pages: no need to read on
        raise ParseError(NOT_A_MEETING)
    if meta.kind == DocumentKind.BILAG and meta.meeting_date:
        texts = page_texts(data) or layout_of(read + pdf.read_pages(len(read), None, on_page)).page_texts
        return ParsedDocument(
            kind=DocumentKind.BILAG,
            body=body,
            meeting_date=meta.meeting_date,
            pages=pdf_pages,
            page_texts=texts,
        )
    read += pdf.read_pages(len(read), None, on_page)
    layout = layout_of(read)
    headings = find_headings(layout.lines, layout.body_size)
    meta = meta.filled_from(_meta(layout, headings))
    if not meta.meeting_date:
        raise ParseError(NOT_A_MEETING)
    if view is None and pdf.name != PDFIUM:
        view = read_view(data)
    pages = max(pdf_pages, view.page_count if view else 0)
    unreadable = _unreadable_pages(layout, view, pdf_pages)
    if len(unreadable) * 2 > pages:
        raise ParseError(DAMAGED)  # more lost than read: not worth showing as the meeting's document
    sections, items = parse_structure(layout.lines, layout.body_size, layout.links, headings)
    section_titles = {section.number: section.title for section in sections}
    items = [with_appointments(item, section_titles.get(item.section_number or "")) for item in items]
    kind = meta.kind
    if kind is None:
        if not items and not sections:
            kind = DocumentKind.BILAG
        else:
            kind = DocumentKind.REFERAT if _has_decisions(layout.lines) else DocumentKind.DAGSORDEN
    return ParsedDocument(
        kind=kind,
        body=body,
        meeting_date=meta.meeting_date,
        pages=pages,
        start_time=meta.start_time,
        end_time=meta.end_time,
        location=meta.location,
        sections=tuple(sections),
        items=tuple(items),
        page_texts=layout.page_texts,
        unreadable_pages=unreadable,
    )


@dataclass(frozen=True)
class OcrUse:
    """Scans are read with OCR (parsing.ocr); `started` is told how many pages it will read."""

    started: Callable[[int], None] | None = None


def _read_scan(
    data: bytes, page_count: int, on_page: PageDone | None, ocr: OcrUse, reader: str
) -> ParsedDocument:
    """A scan: OCR the first pages and decide from them, then OCR the rest and parse the result."""
    from parsing.ocr import text_layers, with_text_layers  # only scans need it

    if ocr.started is not None:
        ocr.started(page_count)
    first = range(1, min(SCAN_PROBE_PAGES, page_count) + 1)
    layers = text_layers(data, first, on_page)
    _check_scan_start(with_text_layers(data, layers), len(first), reader)
    layers |= text_layers(data, range(len(first) + 1, page_count + 1), on_page)
    read = with_text_layers(data, layers)
    try:
        parsed = parse_document(read, on_page, reader=reader)
    except ParseError as err:
        raise ParseError(f"{err} (læst med OCR)") from err
    return replace(parsed, ocr_pdf=read)


def _check_scan_start(data: bytes, pages: int, reader: str) -> None:
    """Refuse a scan whose first pages OCR cannot read, or that names no council there."""
    pdf = open_reader(data, reader)
    try:
        probe = layout_of(pdf.read_pages(0, pages))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()
    words = [word for line in probe.lines for word in WORD_RE.findall(line.text)]
    if len(words) < MIN_SCAN_WORDS:
        raise ParseError("scanningen er for utydelig til at læse: OCR fandt næsten ingen ord")
    if not _meta(probe, find_headings(probe.lines, probe.body_size)).body:
        raise ParseError(f"{NOT_A_MEETING} (læst med OCR)")


def _unreadable_pages(layout: PageLayout, view: PdfiumView | None, pdf_pages: int) -> tuple[int, ...]:
    """Pages whose text is lost: pdfminer could not read them, or PDFium finds text (or pages) where
    pdfminer finds none."""
    lost = set(layout.unreadable_pages)
    if view is not None:
        with_lines = {line.page for line in layout.lines} | {line.page for line in layout.headers}
        lost |= {page for page in view.text_pages if page not in with_lines}
        lost |= set(range(pdf_pages + 1, view.page_count + 1))
    return tuple(sorted(lost))


def _why_no_text(view: PdfiumView | None) -> str:
    """Why there is no text to parse: a scan, empty pages, or text only PDFium reaches."""
    if view is None or view.image_pages:
        return "PDF'en har ingen tekst - er det en scanning?"
    if not view.text_pages:
        return "PDF'en har hverken tekst eller billeder - siderne er tomme"
    body = body_named("\n".join(view.page_texts[:PROBE_PAGES]))
    if body is None:
        return NOT_A_MEETING
    return (
        f"PDF'en ligner mødemateriale fra {body}, men teksten er gemt på en måde, parseren ikke kan "
        "læse; gem den som PDF igen (Udskriv, Gem som PDF) og prøv igen"
    )


def parse_document(
    data: bytes, on_page: PageDone | None = None, *, ocr: OcrUse | None = None, reader: str = PDFIUM
) -> ParsedDocument:
    """Parse a KL meeting PDF (KKR agenda or minutes, KD-Net minutes, or an attachment bundle).

    Raises ParseError, whose message is a plain Danish reason, for anything that is not one. Pages
    are read one at a time and freed (`on_page` is told each one), and reading stops as soon as the
    first pages show that the file is no meeting document. Pages that could not be read are named
    in `unreadable_pages`; a file that has lost most of its pages is refused as damaged. With
    `ocr`, a scan is read with OCR (its first pages first) and the PDF with its new text layer is
    `ocr_pdf`; without, a scan is refused. `reader` is one of parsing.readers.READERS; a file
    PDFium cannot open or read is read with the reference reader, pdfplumber.
    """
    reason = why_not_pdf(data)
    if reason is not None:
        raise ParseError(reason)
    if reader == PDFIUM:
        try:
            return _parse_with(data, open_reader(data, PDFIUM), on_page, ocr)
        except (ParseError, MemoryError):
            raise
        except Exception:  # PDFium refuses or breaks on a file: the reference reader tries it
            log.debug("PDFium could not read the file; reading it with pdfplumber", exc_info=True)
        reader = PDFPLUMBER
    return _parse_with(data, open_reader(data, reader), on_page, ocr)


def _parse_with(data: bytes, pdf: PdfReader, on_page: PageDone | None, ocr: OcrUse | None) -> ParsedDocument:
    try:
        return _read(data, pdf, on_page, ocr)
    except (ParseError, MemoryError):
        raise
    except Exception as err:
        if pdf.name == PDFIUM:
            raise
        log.debug("pdf could not be read", exc_info=True)  # a damaged file can break pdfminer anywhere
        raise ParseError(DAMAGED) from err
    finally:
        with contextlib.suppress(Exception):  # closing a damaged file can fail again
            pdf.close()
