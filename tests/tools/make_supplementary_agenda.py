#!/usr/bin/env python3
"""Make the test fixture of a KKR "tillægsdagsorden" (supplementary agenda).

Usage: python tests/tools/make_supplementary_agenda.py

Writes tests/fixtures/made/kkr-tillaegsdagsorden-2022-03-23.pdf. It is run by hand when the
fixture has to be made again, never by the tests, which only read the PDF it wrote and its
expected JSON (tests/fixtures/expected/kkr-tillaegsdagsorden-2022-03-23.expected.json).

The document is a supplementary agenda for the same meeting as the shared agenda
tests/fixtures/pdf/kkr-dagsorden-2022-03-23.pdf (KKR Midtjylland, 23-03-2022 kl. 10:00,
Comwell Klostergaarden, Klostergade 1, Silkeborg):

- page 1: a new front page drawn with reportlab in the agenda's style, but titled
  "T I L L Æ G S D A G S O R D E N   2 0 2 2";
- pages 2-9: the agenda's pages 28-35, copied unchanged with pypdf. They hold all of
  section 4 "Udpegninger" (items 4.1 to 4.6) and nothing else: section 4 starts at the top
  of page 28 and section 5 starts on page 36. Their running header still reads
  "SIDE | 28" to "SIDE | 35", as the pages were not re-rendered.

The output is deterministic: reportlab runs with invariant=1, the file gets fixed metadata,
and pypdf writes no random file identifier. It depends on the font found (DejaVu Sans as in
the agenda, else Helvetica), so a machine without DejaVu makes a different, equally valid file.
"""

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[2]
AGENDA = ROOT / "tests/fixtures/pdf/kkr-dagsorden-2022-03-23.pdf"
OUTPUT = ROOT / "tests/fixtures/made/kkr-tillaegsdagsorden-2022-03-23.pdf"
AGENDA_PAGES = range(28, 36)  # 1-based page numbers in the agenda: section 4, items 4.1-4.6

TITLE = "TILLÆGSDAGSORDEN 2022"
BODY = "KKR MIDTJYLLAND"
LABELS = [
    ("Dato:", "23-03-2022 kl. 10:00"),
    ("Sted:", "Comwell Klostergaarden, Klostergade 1, Silkeborg"),
]

FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/Library/Fonts")]
LEFT = 70  # the agenda's left margin
RIGHT = 70
METADATA = {
    "/Title": "Tillægsdagsorden - KKR Midtjylland 23-03-2022",
    "/Author": "kkrbot test fixtures",
    "/Creator": "tests/tools/make_supplementary_agenda.py",
    "/Producer": "reportlab + pypdf",
    "/CreationDate": "D:20220321090000+01'00'",
    "/ModDate": "D:20220321090000+01'00'",
}


def spaced(text):
    """Letter-space a title as KL's front pages do: 'DAGSORDEN 2022' -> 'D A G S O R D E N   2 0 2 2'."""
    return "   ".join(" ".join(word) for word in text.split())


def find_font(filename):
    """Path of a TTF file under the usual font directories, or None."""
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in sorted(folder.rglob(filename)):
                return path
    return None


def register_fonts():
    """Names of a regular and a bold font with Danish letters: DejaVu Sans, else Helvetica."""
    regular, bold = find_font("DejaVuSans.ttf"), find_font("DejaVuSans-Bold.ttf")
    if regular and bold:
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"  # Æ/Ø/Å are in Helvetica's WinAnsi encoding


def front_page():
    """The new front page as a one-page PDF (bytes), laid out like the agenda's front page."""
    regular, bold = register_fonts()
    width, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    # Baselines as on the agenda's front page. The agenda sets "D A G S O R D E N   2 0 2 2"
    # at 30 pt; the longer title gets a smaller size so that it keeps the same margins.
    title = spaced(TITLE)
    size = min(30.0, (width - LEFT - RIGHT) / pdfmetrics.stringWidth(title, bold, 1))
    pdf.setFont(bold, size)
    pdf.drawString(LEFT, height - 210, title)
    pdf.setFont(bold, 18)
    pdf.drawString(LEFT, height - 250, spaced(BODY))
    y = height - 320
    for label, value in LABELS:
        pdf.setFont(bold, 11)
        pdf.drawString(LEFT, y, label)
        pdf.setFont(regular, 11)
        pdf.drawString(150, y, value)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main():
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(front_page())).pages[0])
    agenda = PdfReader(AGENDA)
    for number in AGENDA_PAGES:
        writer.add_page(agenda.pages[number - 1])  # copied as is, not re-rendered
    writer.add_metadata(METADATA)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT, "wb") as out:
        writer.write(out)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(writer.pages)} pages, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
