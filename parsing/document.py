"""parse_document: PDF bytes -> ParsedDocument, or ParseError with a Danish reason."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from core.kinds import DocumentKind
from core.pdf import why_not_pdf
from parsing.appointments import with_appointments
from parsing.errors import ParseError
from parsing.layout import Line, PageLayout, read_layout
from parsing.meta import MeetingMeta, from_front_matter, from_running_headers, from_title
from parsing.model import ParsedDocument
from parsing.structure import PART_RE, find_headings, parse_structure

log = logging.getLogger(__name__)
PROBE_PAGES = 3  # enough to find the front page, a running header and the kind
NOT_A_MEETING = "det ligner ikke en dagsorden, et referat eller bilag fra KKR eller KD-Net"

for _noisy in ("pdfminer", "pdfplumber"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


def _open(data: bytes) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, PDFPasswordIncorrect):
            raise ParseError("PDF'en er krypteret med en adgangskode og kan ikke læses") from err
        raise ParseError("PDF'en er beskadiget eller ufuldstændig (måske afbrudt under download)") from err
    except Exception as err:  # pdfminer raises many kinds of errors on broken files
        raise ParseError("PDF'en er beskadiget og kan ikke læses") from err


def _meta(layout: PageLayout, headings: list[int]) -> MeetingMeta:
    front_matter = layout.lines[: headings[0]] if headings else layout.lines
    front = from_front_matter(front_matter)
    return front.filled_from(from_running_headers(layout.headers)).filled_from(from_title(front_matter))


def _fast_page_texts(data: bytes) -> tuple[str, ...] | None:
    """Plain text of every page with pypdfium2, for bundles whose text is only indexed."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n").strip())
            textpage.close()
            page.close()
        return _without_running_lines(texts)
    finally:
        with contextlib.suppress(Exception):  # closing a damaged file can fail again
            pdf.close()


def _without_running_lines(texts: list[str]) -> tuple[str, ...]:
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


def _has_decisions(lines: Sequence[Line]) -> bool:
    return any((m := PART_RE.match(ln.text)) and m[1] in ("Beslutning", "Referat") for ln in lines)


def _read(data: bytes, pdf: Any) -> ParsedDocument:
    pages = pdf.pages
    probe = read_layout(pdf, limit=PROBE_PAGES)
    if not probe.lines:  # blank first pages: look at every page before calling it a scan
        probe = read_layout(pdf)
        if not probe.lines:
            raise ParseError("PDF'en har ingen tekst - er det en scanning?")
    meta = _meta(probe, find_headings(probe.lines, probe.body_size))
    if meta.kind == DocumentKind.BILAG and meta.body and meta.meeting_date:
        texts = _fast_page_texts(data) or read_layout(pdf).page_texts
        return ParsedDocument(
            kind=DocumentKind.BILAG,
            body=meta.body,
            meeting_date=meta.meeting_date,
            pages=len(pages),
            page_texts=texts,
        )
    layout = probe if probe.page_count == len(pages) else read_layout(pdf)
    headings = find_headings(layout.lines, layout.body_size)
    meta = meta.filled_from(_meta(layout, headings))
    if not meta.body or not meta.meeting_date:
        raise ParseError(NOT_A_MEETING)
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
        body=meta.body,
        meeting_date=meta.meeting_date,
        pages=len(pages),
        start_time=meta.start_time,
        end_time=meta.end_time,
        location=meta.location,
        sections=tuple(sections),
        items=tuple(items),
        page_texts=layout.page_texts,
    )


def parse_document(data: bytes) -> ParsedDocument:
    """Parse a KL meeting PDF (KKR agenda or minutes, KD-Net minutes, or an attachment bundle).

    Raises ParseError, whose message is a plain Danish reason, for anything that is not one.
    """
    reason = why_not_pdf(data)
    if reason is not None:
        raise ParseError(reason)
    pdf = _open(data)
    try:
        return _read(data, pdf)
    except ParseError:
        raise
    except Exception as err:  # a damaged file can break pdfminer anywhere while pages are read
        log.debug("pdf could not be read", exc_info=True)
        raise ParseError("PDF'en er beskadiget og kan ikke læses helt") from err
    finally:
        with contextlib.suppress(Exception):  # closing a damaged file can fail again
            pdf.close()
