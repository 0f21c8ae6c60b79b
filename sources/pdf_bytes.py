"""Refuse bytes that are no PDF before they leave a source: an HTML error page saved as .pdf is common."""

from __future__ import annotations

from sources.model import FetchedPdf, MeetingHint, SourceError

# The PDF header may follow a little junk; readers look for it within the first 1024 bytes.
_HEADER_WINDOW = 1024


def looks_like_pdf(data: bytes) -> bool:
    """True when the PDF header `%PDF-` stands at (or just after) the start of the bytes."""
    return b"%PDF-" in data[:_HEADER_WINDOW]


def why_not_pdf(data: bytes) -> str | None:
    """A Danish reason the bytes are not a PDF, or None when they look like one."""
    if not data.strip():
        return "filen er tom"
    if looks_like_pdf(data):
        return None
    head = data[:_HEADER_WINDOW].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in head:
        return "filen er en HTML-side og ikke en PDF (måske en fejlside)"
    return "filen er ikke en PDF"


def fetched_pdf(data: bytes, source_url: str, hint: MeetingHint | None = None) -> FetchedPdf:
    """Checked bytes as a FetchedPdf; raises SourceError with the Danish reason otherwise."""
    reason = why_not_pdf(data)
    if reason is not None:
        raise SourceError(reason)
    return FetchedPdf.from_bytes(data, source_url, hint)
