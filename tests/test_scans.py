"""Scanned copies of the fixtures (bench/scans.py, issue 16): the text is gone and the pages kept, each
page tilted by its own angle and speckled, and a seed gives the same scan. No OCR here: these are
the inputs the OCR tests and bench/ocr.py read."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageChops

from bench.scans import GREY_LEVELS, page_tilts, poorly_scanned, scanned
from tests.conftest import PDF_DIR

KDNET = PDF_DIR / "kdnet-referat-2021-08-20.pdf"  # 6 pages
AGENDA = PDF_DIR / "kkr-dagsorden-2022-03-23.pdf"  # 38 pages
QUICK_DPI = 50  # text and page sizes do not depend on the resolution; 38 pages in a moment
PIXEL_DPI = 100  # enough pixels to count speckle and see a tilt
SIXTEEN_GREYS = [level * 17 for level in GREY_LEVELS]  # what the scan keeps of a grey


@pytest.fixture(
    scope="module",
    params=[(KDNET, 200), (AGENDA, QUICK_DPI)],
    ids=["kdnet-200dpi", "agenda-50dpi"],
)
def original_and_scan(request: pytest.FixtureRequest) -> tuple[Path, bytes]:
    path, dpi = request.param
    return path, scanned(path.read_bytes(), dpi=dpi)


def picture(scan: bytes, index: int) -> Image.Image:
    """The picture on page `index` of a scan, pixel for pixel as stored."""
    page = pdfium.PdfDocument(scan)[index]
    (image,) = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
    assert isinstance(image, pdfium.PdfImage)
    return image.get_bitmap(render=False).to_pil().convert("L")


def straight(path: Path, index: int, dpi: int) -> Image.Image:
    """Page `index` of the text PDF rendered grey, untilted and clean."""
    return pdfium.PdfDocument(path.read_bytes())[index].render(scale=dpi / 72, grayscale=True).to_pil()


def share_changed(one: Image.Image, other: Image.Image) -> float:
    """The share of pixels that differ by more than one of the scan's grey steps."""
    counts = ImageChops.difference(one.convert("L"), other.convert("L")).histogram()
    return sum(counts[18:]) / (one.width * one.height)


def test_a_scan_has_no_text(original_and_scan: tuple[Path, bytes]) -> None:
    _, scan = original_and_scan
    with pdfplumber.open(io.BytesIO(scan)) as pdf:
        for page in pdf.pages:
            assert page.extract_text() == ""
            assert page.chars == []
            assert len(page.images) == 1
    for page in pdfium.PdfDocument(scan):
        assert page.get_textpage().get_text_range() == ""


def test_a_scan_keeps_the_pages_and_their_size(original_and_scan: tuple[Path, bytes]) -> None:
    path, scan = original_and_scan
    originals = pdfium.PdfDocument(path.read_bytes())
    copies = pdfium.PdfDocument(scan)
    assert len(copies) == len(originals)
    for original, copy in zip(originals, copies, strict=True):
        assert copy.get_size() == pytest.approx(original.get_size(), abs=1.0)


def test_a_scan_has_the_pixels_of_its_resolution() -> None:
    width, height = pdfium.PdfDocument(KDNET.read_bytes())[0].get_size()
    image = picture(scanned(KDNET.read_bytes(), dpi=PIXEL_DPI), 0)
    assert image.size == (math.ceil(width * PIXEL_DPI / 72), math.ceil(height * PIXEL_DPI / 72))


def test_the_same_seed_gives_the_same_scan() -> None:
    data = KDNET.read_bytes()
    first = scanned(data, dpi=QUICK_DPI)
    assert scanned(data, dpi=QUICK_DPI) == first
    assert scanned(data, dpi=QUICK_DPI, seed=17) != first


def test_without_tilt_or_speckle_a_scan_is_the_page_in_sixteen_greys() -> None:
    scan = scanned(KDNET.read_bytes(), dpi=PIXEL_DPI, tilt_degrees=0, speckle=0)
    expected = straight(KDNET, 0, PIXEL_DPI).point(SIXTEEN_GREYS)
    assert ImageChops.difference(picture(scan, 0), expected).getbbox() is None


def test_speckle_turns_its_share_of_the_pixels_black_or_white() -> None:
    """Half the specks are white, and a white speck on white paper shows no more than a black one on
    a letter, so about half of them show."""
    clean = straight(KDNET, 0, PIXEL_DPI).point(SIXTEEN_GREYS)
    for speckle in (0.002, 0.02):
        scan = scanned(KDNET.read_bytes(), dpi=PIXEL_DPI, tilt_degrees=0, speckle=speckle)
        assert speckle / 4 < share_changed(picture(scan, 0), clean) <= speckle


def test_each_page_is_tilted_by_its_own_small_angle() -> None:
    angles = page_tilts(6)
    assert all(abs(angle) <= 0.6 for angle in angles)
    assert len(set(angles)) == 6
    scan = scanned(KDNET.read_bytes(), dpi=PIXEL_DPI, speckle=0)
    for index, angle in enumerate(angles):
        page = straight(KDNET, index, PIXEL_DPI)
        tilted = page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255).point(SIXTEEN_GREYS)
        assert share_changed(picture(scan, index), tilted) == 0
        if abs(angle) > 0.1:
            assert share_changed(picture(scan, index), page) > 0.005


def test_a_poor_scan_is_coarse_and_dirty() -> None:
    """Letters a few pixels high among a tenth of the pixels in noise: for OCR's refusal."""
    scan = poorly_scanned(KDNET.read_bytes())
    image = picture(scan, 0)
    assert image.width < 600
    clean = straight(KDNET, 0, 60).point(SIXTEEN_GREYS)
    assert share_changed(image, clean) > 0.05
