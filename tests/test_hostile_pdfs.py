"""Hostile PDFs (issue 14): every file is refused or parsed within its limits, for the right reason,
and a damaged file never loses items without saying so.

The files are made in a temporary folder by bench/hostile_pdfs.py (nothing big is kept in
the repository). Each is parsed as the bot parses it: in a child process with a time and a memory
limit (parsing.isolated): roomy limits, and a short one per page where a heavy page must stop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

import storage
from bench.hostile_pdfs import make_all, one_page, stream
from parsing import ParseError, parse_document
from parsing.isolated import ParseLimits, parse_bounded
from parsing.readers import PDFIUM, PDFPLUMBER
from storage import Document, queries
from tests.conftest import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
LIMITS = ParseLimits(seconds=120, page_seconds=30, memory_mb=400)  # roomy: a busy CI machine is slow
# the limits are tried on the reference reader, pdfplumber: PDFium reads most of these files in a moment
HEAVY = ParseLimits(seconds=120, page_seconds=2, memory_mb=400, reader=PDFPLUMBER)  # a heavy page stops soon
NOT_A_MEETING = "det ligner ikke en dagsorden"
STOPPED = "PDF'en blev stoppet"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("hostile"))


def refusal(path: Path, limits: ParseLimits = LIMITS) -> str:
    with pytest.raises(ParseError) as err:
        parse_bounded(path.read_bytes(), limits)
    reason = str(err.value)
    assert reason and "\n" not in reason
    return reason


def test_a_long_book_is_refused_from_its_first_pages(hostile: dict[str, Path]) -> None:
    """3,000 pages that name no council: refused without reading them all (no page limit is hit)."""
    assert refusal(hostile["many-pages"]).startswith(NOT_A_MEETING)


@pytest.mark.parametrize("name", ["heavy-drawing", "form-bomb"])
def test_a_page_too_heavy_to_read_is_stopped_and_named(hostile: dict[str, Path], name: str) -> None:
    assert refusal(hostile[name], HEAVY) == (
        f"{STOPPED}: side 1 tog over 2 s at læse, den er for tung (KKRBOT_PARSE_PAGE_SECONDS)"
    )


def test_pdfium_reads_a_heavy_drawing_within_the_page_limit_and_refuses_it_for_what_it_is(
    hostile: dict[str, Path],
) -> None:
    """300,000 rectangles take pdfminer minutes and PDFium a moment: the file is refused as no meeting."""
    assert refusal(hostile["heavy-drawing"], replace(HEAVY, reader=PDFIUM)).startswith(NOT_A_MEETING)


@pytest.mark.parametrize("name", ["flate-bomb", "heavy-text"])
def test_a_file_that_needs_too_much_memory_is_stopped(hostile: dict[str, Path], name: str) -> None:
    reason = refusal(
        hostile[name], ParseLimits(seconds=30, page_seconds=30, memory_mb=300, reader=PDFPLUMBER)
    )
    assert reason == f"{STOPPED}: den kræver over 300 MB hukommelse at læse (KKRBOT_PARSE_MEMORY_MB)"


def test_the_whole_file_has_a_time_limit_too(hostile: dict[str, Path]) -> None:
    reason = refusal(hostile["heavy-drawing"], ParseLimits(seconds=2, page_seconds=30, reader=PDFPLUMBER))
    assert reason == f"{STOPPED} efter 2 s: den er for tung at læse (KKRBOT_PARSE_SECONDS)"


def test_a_deep_page_tree_and_a_damaged_xref_give_every_item_or_a_clean_refusal(
    hostile: dict[str, Path],
) -> None:
    refusal(hostile["deep-page-tree"])
    repaired = parse_bounded(hostile["damaged-xref"].read_bytes(), LIMITS)
    original = parse_document((FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf").read_bytes())
    assert [item.number for item in repaired.items] == [item.number for item in original.items]
    assert repaired.unreadable_pages == ()


def test_text_only_pdfium_reads_is_not_called_a_scan(hostile: dict[str, Path]) -> None:
    """pdfminer finds no page in it; the reference reader says so, and the PDFium reader reads it."""
    reason = refusal(hostile["pdfium-only-text"], replace(LIMITS, reader=PDFPLUMBER))
    assert "scanning" not in reason
    assert reason.startswith("PDF'en ligner mødemateriale fra KD-Net, men teksten er gemt på en måde")
    read = parse_bounded(hostile["pdfium-only-text"].read_bytes(), LIMITS)
    original = parse_document((FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf").read_bytes())
    assert read.items == original.items


def test_only_real_images_without_text_are_called_a_scan(tmp_path: Path) -> None:
    scan = FIXTURES / "bad" / "scanned-no-text.pdf"  # read with OCR otherwise (tests/test_ocr.py)
    with pytest.raises(ParseError, match=r"^PDF'en har ingen tekst - er det en scanning\?$"):
        parse_bounded(scan.read_bytes(), LIMITS, ocr=False)
    blank = tmp_path / "tom.pdf"
    blank.write_bytes(one_page(stream(b"")))
    assert refusal(blank) == "PDF'en har hverken tekst eller billeder - siderne er tomme"


@pytest.mark.parametrize(("name", "lost"), [("later-pages-damaged", (7, 9)), ("page-raises", (5,))])
def test_pages_that_cannot_be_read_are_named(
    hostile: dict[str, Path], name: str, lost: tuple[int, ...]
) -> None:
    parsed = parse_bounded(hostile[name].read_bytes(), LIMITS)
    assert parsed.unreadable_pages == lost
    whole = parse_document((FIXTURES / "pdf" / "kkr-dagsorden-2022-03-23.pdf").read_bytes())
    assert parsed.unreadable_pages == () or len(parsed.items) <= len(whole.items)


def kkrbot(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"


def test_ingest_warns_of_lost_pages_and_never_lets_a_damaged_copy_replace_a_whole_one(
    hostile: dict[str, Path], database_url: str
) -> None:
    damaged = kkrbot(database_url, "ingest", str(hostile["page-raises"]))
    warning = "advarsel: side 5 kunne ikke læses (punkter derfra kan mangle)"
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout.strip().endswith(f"; {warning}")
    assert damaged.stderr.strip() == f"kkrbot: {hostile['page-raises']}: {warning}"

    whole = kkrbot(database_url, "ingest", str(FIXTURES / "pdf" / "kkr-dagsorden-2022-03-23.pdf"))
    assert whole.returncode == 0 and whole.stdout.startswith("ny version (2) af dagsorden:")  # whole wins
    again = kkrbot(database_url, "ingest", str(hostile["later-pages-damaged"]))
    assert again.returncode == 2
    assert again.stdout.strip() == (
        "fejl: PDF'en er beskadiget (side 7 og 9 kunne ikke læses); den gemte udgave beholdes "
        f"({hostile['later-pages-damaged']})"
    )
    db = storage.open_database(database_url)
    with db.session() as session:
        current = session.scalars(select(Document).where(Document.is_current)).all()
        assert [(d.version, len(queries.items_of(session, d.meeting))) for d in current] == [(2, 15)]
    db.dispose()


def test_the_limits_are_set_in_the_environment(hostile: dict[str, Path], database_url: str) -> None:
    result = kkrbot(
        database_url,
        "parse",
        str(hostile["heavy-drawing"]),
        KKRBOT_PARSE_PAGE_SECONDS="1",
        KKRBOT_PDF_READER=PDFPLUMBER,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"kkrbot: {hostile['heavy-drawing']}: {STOPPED}: side 1 tog over 1 s at læse, den er for tung "
        "(KKRBOT_PARSE_PAGE_SECONDS)"
    )
    assert "Traceback" not in result.stderr
