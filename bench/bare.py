#!/usr/bin/env python3
"""Bare text extraction, the floors bench/parse.py measures the parser against, in process or as a
process of its own (`python3 bench/bare.py pdfplumber|pdfium FILE`, which imports only its library).

Usage: python3 bench/bare.py pdfplumber|pdfium FILE; prints the characters it found.
"""

from __future__ import annotations

import io
import sys


def bare_pdfplumber(data: bytes) -> int:
    """Open the PDF and pull each page's plain text, as any pdfplumber user would."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def bare_pdfium(data: bytes) -> int:
    """Each character's code and box from PDFium, and nothing more: the floor for a PDFium reader."""
    import pypdfium2_raw as c

    c.FPDF_InitLibrary()
    doc = c.FPDF_LoadMemDocument64(data, len(data), None)
    rect = c.FS_RECTF()
    total = 0
    try:
        for index in range(c.FPDF_GetPageCount(doc)):
            page = c.FPDF_LoadPage(doc, index)
            text = c.FPDFText_LoadPage(page)
            for char in range(c.FPDFText_CountChars(text)):
                total += c.FPDFText_GetUnicode(text, char) > 32
                c.FPDFText_GetLooseCharBox(text, char, rect)
            c.FPDFText_ClosePage(text)
            c.FPDF_ClosePage(page)
    finally:
        c.FPDF_CloseDocument(doc)
    return total


BARE = {"pdfplumber": bare_pdfplumber, "pdfium": bare_pdfium}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in BARE:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[2], "rb") as pdf_file:
        print(BARE[sys.argv[1]](pdf_file.read()))
