"""Scans (issue 16): a scanned rendering of a real document parses to the same items as its text
version, through OCR (Tesseract with its Danish model, installed by .ci/run); what cannot be read is
refused in one line, after only its first pages.

The scans are made here by bench/scans.py, the way an office scanner would (grey, 200 dpi, a little
tilt and speckle). OCR takes a second or two a page, so the tests read the 6-page KD-Net minutes.
"""

from __future__ import annotations

import difflib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from bench.hostile_pdfs import many_pages
from bench.scans import poorly_scanned, scanned
from parsing import ParsedDocument, ParseError, parse_document
from parsing.isolated import ParseLimits, Progress, parse_bounded
from parsing.ocr import ocr_problem
from parsing.readers import PDFIUM, PDFPLUMBER
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.skipif(ocr_problem() is not None, reason=f"no OCR here: {ocr_problem()}")

FIXTURES = Path(__file__).parent / "fixtures"
KDNET = FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf"
LIMITS = ParseLimits(seconds=300, page_seconds=60, memory_mb=600)


def alike(a: str | None, b: str | None) -> float:
    return difflib.SequenceMatcher(None, " ".join((a or "").split()), " ".join((b or "").split())).ratio()


@pytest.fixture(scope="module")
def kdnet_text() -> bytes:
    """The minutes' first three pages (items 1-6): enough to read every kind of line, in a few seconds."""
    return first_pages(KDNET.read_bytes(), 3)


@pytest.fixture(scope="module")
def kdnet_scan(kdnet_text: bytes) -> bytes:
    return scanned(kdnet_text)


@pytest.fixture(scope="module")
def read_scan(kdnet_scan: bytes) -> ParsedDocument:
    return parse_bounded(kdnet_scan, LIMITS)


def test_a_scan_parses_to_the_items_of_its_text_version(read_scan: ParsedDocument, kdnet_text: bytes) -> None:
    text = parse_document(kdnet_text)
    assert (read_scan.kind, read_scan.body, read_scan.meeting_date) == (
        text.kind,
        text.body,
        text.meeting_date,
    )
    assert [(i.number, i.page) for i in read_scan.items] == [(i.number, i.page) for i in text.items]
    for scan_item, text_item in zip(read_scan.items, text.items, strict=True):
        assert alike(scan_item.title, text_item.title) >= 0.95, (scan_item.title, text_item.title)
        assert alike(scan_item.recommendation, text_item.recommendation) >= 0.95, scan_item.number
    assert read_scan.read_by_ocr and read_scan.ocr_pdf is not None


def test_the_ocr_pdf_keeps_the_scan_and_carries_its_text(
    read_scan: ParsedDocument, kdnet_text: bytes
) -> None:
    """What is stored: the same pages, now with text that search and page texts read."""
    assert read_scan.ocr_pdf is not None
    again = parse_document(read_scan.ocr_pdf)  # no OCR needed any more
    assert not again.read_by_ocr and [i.number for i in again.items] == [i.number for i in read_scan.items]
    assert "Coronasituationen" in read_scan.full_text
    assert again.pages == parse_document(kdnet_text).pages == 3


def test_the_ocr_pdf_reads_the_same_on_both_readers(read_scan: ParsedDocument) -> None:
    """OCR's invisible text in its one glyphless font: PDFium and pdfplumber give the same document."""
    assert read_scan.ocr_pdf is not None
    pdfium, plumber = (
        parse_document(read_scan.ocr_pdf, reader=r).to_json_dict() for r in (PDFIUM, PDFPLUMBER)
    )
    assert pdfium == plumber and pdfium["items"]


def test_without_ocr_a_scan_is_refused_as_before(kdnet_scan: bytes) -> None:
    with pytest.raises(ParseError, match="er det en scanning"):
        parse_bounded(kdnet_scan, LIMITS, ocr=False)


def first_pages(data: bytes, count: int) -> bytes:
    reader, writer = PdfReader(io.BytesIO(data)), PdfWriter()
    for page in reader.pages[:count]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_scan_too_poor_to_read_is_refused_in_one_line() -> None:
    with pytest.raises(ParseError) as err:
        parse_bounded(poorly_scanned(first_pages(KDNET.read_bytes(), 1)), LIMITS)
    reason = str(err.value)
    assert "\n" not in reason
    assert reason.startswith(("scanningen er for utydelig", "det ligner ikke en dagsorden")), reason


def test_an_image_only_book_is_refused_after_its_first_pages() -> None:
    """A scanned book: OCR reads the first two pages, finds no council, and stops there."""
    book = scanned(many_pages(12), dpi=100)
    seen: list[str] = []  # "ocr" once OCR starts, then each page number told
    progress = Progress(on_page=lambda page: seen.append(str(page)), on_ocr=lambda pages: seen.append("ocr"))
    with pytest.raises(ParseError) as err:
        parse_bounded(book, LIMITS, progress=progress)
    assert (
        str(err.value)
        == "det ligner ikke en dagsorden, et referat eller bilag fra KKR eller KD-Net (læst med OCR)"
    )
    assert seen[seen.index("ocr") + 1 :] == ["1", "2"]  # OCR read two pages of twelve


def test_kkrbot_ingest_says_ocr_and_keeps_the_text_for_search(tmp_path: Path) -> None:
    scan = tmp_path / "kdnet-scannet.pdf"
    scan.write_bytes(scanned(first_pages(KDNET.read_bytes(), 2)))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"}

    def kkrbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip

    ingested = kkrbot("ingest", str(scan))
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    assert ingested.stdout.strip() == "nyt referat: KD-Net 20. august 2021, 5 punkter (OCR)"
    found = kkrbot("search", "Coronasituationen")
    assert "punkt 3: Status på Coronasituationen" in found.stdout
    status = kkrbot("status")
    assert "ocr: tesseract" in status.stdout and "scanninger læses" in status.stdout
