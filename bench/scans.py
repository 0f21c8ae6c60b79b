#!/usr/bin/env python3
"""Scanned copies of text PDFs, to test and time OCR against the text original (issue 16).

Some councils publish signed minutes that were printed and scanned: pictures of pages, no text. A
scan made here from a fixture has the fixture's parse as its known right answer. Each page is
rendered grey as an office scanner would (200 dpi), tilted a little as paper lies on the glass,
dusted with speckle, and put as one picture on a page of the original's size.

Usage: python bench/scans.py IN.pdf OUT.pdf [--dpi N] [--poor]
"""

from __future__ import annotations

import argparse
import io
import random
import time
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

POINTS_PER_INCH = 72
# 16 grey levels, Flate-compressed: a third of the size of a JPEG of the speckled page, read as well
# by tesseract; a 38-page agenda is 3.4 MB at 200 dpi.
GREY_BITS = 4
GREY_LEVELS = [(value * 15 + 127) // 255 for value in range(256)]
# A fax-grade copy, crooked and dirty: letters five pixels high in a tenth of the pixels' noise;
# tesseract gets a fifth of its text right, in fragments.
POOR_DPI, POOR_TILT_DEGREES, POOR_SPECKLE = 60, 3.0, 0.1


def scanned(
    pdf_bytes: bytes, *, dpi: int = 200, seed: int = 16, tilt_degrees: float = 0.6, speckle: float = 0.002
) -> bytes:
    """An image-only PDF of `pdf_bytes`: every page a grey picture at `dpi`, tilted by its own angle
    within ±`tilt_degrees` and with `speckle` of its pixels turned black or white; the same `seed`
    gives the same bytes."""
    chance = random.Random(seed)
    writer = PdfWriter()
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        angles = _draw_tilts(chance, len(document), tilt_degrees)
        for index, angle in enumerate(angles):
            page = document[index]
            size = page.get_size()
            image = _scan(page, dpi, angle, speckle, chance)
            page.close()
            _add_picture_page(writer, image, size)
    finally:
        document.close()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def poorly_scanned(pdf_bytes: bytes, *, seed: int = 16) -> bytes:
    """A scan too poor to read: for the refusal of a scan in which OCR finds no meeting document."""
    return scanned(pdf_bytes, dpi=POOR_DPI, seed=seed, tilt_degrees=POOR_TILT_DEGREES, speckle=POOR_SPECKLE)


def page_tilts(pages: int, *, seed: int = 16, tilt_degrees: float = 0.6) -> list[float]:
    """The angle, in degrees anticlockwise, that `scanned` turns each page by for this seed."""
    return _draw_tilts(random.Random(seed), pages, tilt_degrees)


def _draw_tilts(chance: random.Random, pages: int, tilt_degrees: float) -> list[float]:
    """All pages' angles first, from the same draws as the speckle after them, so one seed fixes both."""
    return [chance.uniform(-tilt_degrees, tilt_degrees) for _ in range(pages)]


def _scan(page: pdfium.PdfPage, dpi: int, angle: float, speckle: float, chance: random.Random) -> Image.Image:
    """The page as the scanner sees it: grey, turned by `angle` degrees, white where paper was not."""
    image = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
    image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    pixels = image.load()
    assert pixels is not None
    width, height = image.size
    for _ in range(round(speckle * width * height)):
        pixels[chance.randrange(width), chance.randrange(height)] = chance.choice((0, 255))
    return image


def _add_picture_page(writer: PdfWriter, image: Image.Image, size: tuple[float, float]) -> None:
    """A page of `size` points whose only content is `image`, stretched over all of it."""
    width, height = size
    picture = DecodedStreamObject()
    picture.set_data(image.point(GREY_LEVELS).tobytes("raw", f"L;{GREY_BITS}"))
    encoded = picture.flate_encode()
    encoded.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(image.width),
            NameObject("/Height"): NumberObject(image.height),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(GREY_BITS),
        }
    )
    drawing = DecodedStreamObject()
    drawing.set_data(f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Scan Do Q".encode())
    page = writer.add_blank_page(width, height)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Scan"): writer._add_object(encoded)})}
    )
    page[NameObject("/Contents")] = writer._add_object(drawing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, metavar="IN.pdf", help="a PDF with text")
    parser.add_argument("target", type=Path, metavar="OUT.pdf", help="where to write its scan")
    parser.add_argument("--dpi", type=int, default=200, help="scanner resolution (default 200)")
    parser.add_argument("--poor", action="store_true", help=f"a {POOR_DPI} dpi scan too poor to read")
    args = parser.parse_args()
    data = args.source.read_bytes()
    start = time.perf_counter()
    scan = poorly_scanned(data) if args.poor else scanned(data, dpi=args.dpi)
    seconds = time.perf_counter() - start
    args.target.write_bytes(scan)
    pages = len(pdfium.PdfDocument(scan))
    print(
        f"{args.target}: {pages} pages, {len(scan) / 1e6:.2f} MB, {seconds:.2f} s "
        f"({seconds / pages:.3f} s per page)"
    )


if __name__ == "__main__":
    main()
