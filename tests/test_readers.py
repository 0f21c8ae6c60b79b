"""The PDFium reader gives the parser what the reference reader, pdfplumber, gives (issue 17).

Every fixture is parsed both ways and must give the same `kkrbot parse --json`; turned and shifted
pages (a /Rotate, a media box away from 0,0) must read the same too, since PDFium's coordinates are
turned into pdfminer's by parsing.read_pdfium itself. A scan read with OCR is compared in test_ocr.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject

from bench.hostile_pdfs import later_pages_damaged, page_raises
from bot.operations import StatusReport
from parsing import parse_document
from parsing.read_pdfium import PdfiumReader
from parsing.read_plumber import PlumberReader
from parsing.readers import PDFIUM, PDFPLUMBER
from parsing.streams import damaged_content_stream
from tests.conftest import PROJECT_ROOT
from texts.operator import status_lines

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf")) + sorted((FIXTURES / "made").glob("*.pdf"))


def as_json(data: bytes, reader: str) -> str:
    return json.dumps(parse_document(data, reader=reader).to_json_dict(), ensure_ascii=False, indent=1)


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_every_fixture_parses_the_same_on_both_readers(pdf: Path) -> None:
    data = pdf.read_bytes()
    assert as_json(data, PDFIUM) == as_json(data, PDFPLUMBER)


def lines(reader: PdfiumReader | PlumberReader) -> list[list[tuple[str, bool, float]]]:
    try:
        return [[(ln.text, ln.bold, round(ln.size, 1)) for ln in page.lines] for page in reader.read_pages()]
    finally:
        reader.close()


def turned(data: bytes, rotation: int, shift: float) -> bytes:
    """Every page stored turned against `rotation` with /Rotate `rotation`, so it shows upright as
    before (as a scanner or a landscape bilag stores it), its media box moved by `shift` points."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        content = {
            0: (1, 0, 0, 1, 0, 0),
            90: (0, 1, -1, 0, height, 0),
            180: (-1, 0, 0, -1, width, height),
            270: (0, -1, 1, 0, 0, width),
        }[rotation]
        page.add_transformation(content)
        page.add_transformation((1, 0, 0, 1, shift, shift))
        box = (width, height) if rotation in (0, 180) else (height, width)
        page[NameObject("/MediaBox")] = ArrayObject(
            FloatObject(v) for v in (shift, shift, box[0] + shift, box[1] + shift)
        )
        page.rotate(rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("rotation", "shift"), [(0, 40.0), (90, 0.0), (180, 25.0), (270, 10.0)])
def test_turned_and_shifted_pages_read_the_same(rotation: int, shift: float) -> None:
    data = turned((FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf").read_bytes(), rotation, shift)
    heights = [p.height for p in PlumberReader(data).read_pages()]
    assert [p.height for p in PdfiumReader(data).read_pages()] == pytest.approx(heights)
    assert lines(PdfiumReader(data)) == lines(PlumberReader(data))
    assert as_json(data, PDFIUM) == as_json(data, PDFPLUMBER)


def test_links_are_read_alike() -> None:
    data = (FIXTURES / "pdf" / "kkr-dagsorden-2022-03-23.pdf").read_bytes()
    plumber = [link for page in PlumberReader(data).read_pages() for link in page.links]
    pdfium = [link for page in PdfiumReader(data).read_pages() for link in page.links]
    assert len(pdfium) == len(plumber) > 0
    for a, b in zip(pdfium, plumber, strict=True):
        assert (a.page, a.uri) == (b.page, b.uri)
        assert (a.top, a.bottom) == pytest.approx((b.top, b.bottom), abs=0.01)


def test_a_file_pdfium_cannot_open_is_read_by_the_reference(tmp_path: Path) -> None:
    """An encrypted file PDFium refuses without its password: pdfplumber gives the reason."""
    encrypted = (FIXTURES / "bad" / "encrypted.pdf").read_bytes()
    with pytest.raises(Exception, match="adgangskode"):
        parse_document(encrypted)


def test_a_damaged_content_stream_is_found_in_the_bytes() -> None:
    for whole in PDFS:
        assert not damaged_content_stream(whole.read_bytes()), whole.name
    assert damaged_content_stream(later_pages_damaged())  # one content does not inflate, one stops short
    assert damaged_content_stream(page_raises())  # a filter no reader knows


def kkrbot_parse(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "parse", "--json", *args],
        env={**os.environ, **env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_kkrbot_parse_chooses_the_reader_by_option_or_environment() -> None:
    pdf = str(FIXTURES / "pdf" / "kkr-referat-2021-04-23-word.pdf")
    fast = kkrbot_parse(pdf)
    by_option = kkrbot_parse("--reader", PDFPLUMBER, pdf)
    by_environment = kkrbot_parse(pdf, KKRBOT_PDF_READER=PDFPLUMBER)
    assert fast.returncode == by_option.returncode == by_environment.returncode == 0
    assert fast.stdout == by_option.stdout == by_environment.stdout
    wrong = kkrbot_parse(pdf, KKRBOT_PDF_READER="acrobat")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    assert wrong.stderr.strip() == (
        "kkrbot: konfiguration: KKRBOT_PDF_READER: ugyldig værdi 'acrobat': skal være pdfium eller pdfplumber"
    )


def test_kkrbot_parse_loads_no_telegram_database_or_settings_library() -> None:
    """`kkrbot parse` imports what it needs and no more (issue 17: start-up stays small)."""
    probe = (
        "import sys, runpy; sys.argv = ['kkrbot', 'parse', '--json', sys.argv[1]]\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ('telegram', 'sqlalchemy', 'pydantic', 'pdfminer', 'pdfplumber', 'httpx', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    pdf = str(FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf")
    result = subprocess.run(
        [sys.executable, "-c", probe, pdf], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_kkrbot_status_names_the_reader() -> None:
    report = StatusReport(database="sqlite:///x", pdf_reader=PDFPLUMBER)
    assert "pdf-læser: pdfplumber (referencen) (KKRBOT_PDF_READER)" in status_lines(report)
    assert report.to_json_dict()["pdf_reader"] == PDFPLUMBER
    assert "pdf-læser: pdfium (KKRBOT_PDF_READER)" in status_lines(StatusReport(database="sqlite:///x"))
