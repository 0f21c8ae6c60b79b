"""Telling a PDF from what is saved as one: an HTML error page, an empty or a foreign file.

Sources refuse such bytes before they are passed on, and the parser before it opens them.
"""

from __future__ import annotations

# The PDF header may follow a little junk; readers look for it within the first 1024 bytes.
HEADER_WINDOW = 1024


def looks_like_pdf(data: bytes) -> bool:
    """True when the PDF header `%PDF-` stands at (or just after) the start of the bytes."""
    return b"%PDF-" in data[:HEADER_WINDOW]


def why_not_pdf(data: bytes) -> str | None:
    """A Danish reason the bytes are not a PDF, or None when they look like one."""
    if not data.strip():
        return "filen er tom"
    if looks_like_pdf(data):
        return None
    head = data[:HEADER_WINDOW].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<")) or b"<html" in head:
        return "filen er en HTML-side og ikke en PDF (måske en fejlside)"
    return "filen er ikke en PDF"
