"""OCR for scans: Tesseract's Danish model lays an invisible text layer over each image-only page.

Tesseract is called directly, one page at a time, rather than through ocrmypdf: the parser must OCR
the first pages first and decide from them whether the scan is a meeting document at all (so an
image-only PDF of a thousand pages is refused in seconds), report each page as it is done (progress
bars, and the time limit per page in parsing.isolated), and keep the original page images untouched.
Tesseract's `textonly_pdf` output is only the text layer, which pypdf lays over the original page;
pypdfium2 renders the page for Tesseract. Nothing beyond the Debian packages `tesseract-ocr` and
`tesseract-ocr-dan` is needed: no Ghostscript, no extra Python packages.

The text layer is one invisible font, sized to each line's height, without bold; the parser reads it
like any PDF (parsing.document), tolerating OCR's small slips in heading words.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from parsing.errors import ParseError

TESSERACT = "tesseract"
LANGUAGE = "dan"
DPI = 200  # enough for 10 pt text; twice the work at 300 dpi for no better headings
WORKERS = max(1, min(2, os.cpu_count() or 1))  # Tesseract processes at a time, one thread each
TESSERACT_SECONDS = 120  # a page Tesseract cannot finish in this time is not going to be read
NOT_INSTALLED = "OCR er ikke installeret (tesseract-ocr og tesseract-ocr-dan)"

PageDone = Callable[[int], None]


def _tesseract_says(option: str) -> str | None:
    """What `tesseract OPTION` prints, or None when it is not installed or does not answer."""
    if shutil.which(TESSERACT) is None:
        return None
    try:
        shown = subprocess.run([TESSERACT, option], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return shown.stdout or shown.stderr


@cache
def ocr_problem() -> str | None:
    """Why scans cannot be read here (Danish), or None when Tesseract and its Danish model are there."""
    languages = _tesseract_says("--list-langs")
    if languages is None:
        return NOT_INSTALLED
    if LANGUAGE not in languages.split():
        return "OCR mangler den danske model (tesseract-ocr-dan)"
    return None


@cache
def ocr_version() -> str | None:
    """`tesseract 5.3.0`, or None when it is not installed."""
    lines = (_tesseract_says("--version") or "").splitlines()
    return lines[0].strip() if lines else None


def text_layers(data: bytes, pages: Iterable[int], on_page: PageDone | None = None) -> dict[int, bytes]:
    """A one-page text-only PDF from Tesseract for each of `pages` (1-based), WORKERS at a time."""
    wanted = list(pages)
    if not wanted:
        return {}
    problem = ocr_problem()
    if problem is not None:
        raise ParseError(f"PDF'en har ingen tekst - er det en scanning? {problem}")
    with tempfile.TemporaryDirectory(prefix="kkrbot-ocr-") as folder:
        images = {page: _render(data, page, Path(folder)) for page in wanted}
        layers: dict[int, bytes] = {}
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for page, layer in zip(
                wanted, pool.map(lambda page: _tesseract(images[page]), wanted), strict=True
            ):
                layers[page] = layer
                if on_page is not None:
                    on_page(page)
    return layers


def _render(data: bytes, page_number: int, folder: Path) -> Path:
    """The page as a grey PNG at DPI, the way Tesseract reads best."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[page_number - 1]
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        page.close()
    finally:
        pdf.close()
    path = folder / f"side-{page_number}.png"
    image.save(path)
    return path


def _tesseract(image: Path) -> bytes:
    out = image.with_suffix("")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread each: WORKERS pages side by side
    command = [
        TESSERACT,
        str(image),
        str(out),
        "-l",
        LANGUAGE,
        "--dpi",
        str(DPI),
        "-c",
        "textonly_pdf=1",
        "pdf",
    ]
    try:
        done = subprocess.run(command, capture_output=True, env=env, timeout=TESSERACT_SECONDS, check=False)
    except subprocess.TimeoutExpired as err:
        raise ParseError("scanningen kunne ikke læses: OCR af en side tog for lang tid") from err
    except MemoryError:
        raise
    except OSError as err:
        raise ParseError(f"scanningen kunne ikke læses: {NOT_INSTALLED}") from err
    layer = out.with_suffix(".pdf")
    if done.returncode != 0 or not layer.is_file():
        raise ParseError("scanningen kunne ikke læses: OCR fejlede på en side")
    return layer.read_bytes()


def with_text_layers(data: bytes, layers: dict[int, bytes]) -> bytes:
    """The PDF with each text layer laid over its page (scaled to the page), every page kept as it was."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for number, layer in layers.items():
        page = writer.pages[number - 1]
        text_page = PdfReader(io.BytesIO(layer)).pages[0]
        box, text_box = page.mediabox, text_page.mediabox
        scale_x = float(box.width) / float(text_box.width)
        scale_y = float(box.height) / float(text_box.height)
        moved = Transformation().scale(scale_x, scale_y).translate(float(box.left), float(box.bottom))
        page.merge_transformed_page(text_page, moved)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
