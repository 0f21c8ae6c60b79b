"""Refuse bytes that are no PDF before they leave a source: an HTML error page saved as .pdf is common
(core.pdf tells them apart)."""

from __future__ import annotations

from core.pdf import why_not_pdf
from sources.model import FetchedPdf, MeetingHint, SourceError


def fetched_pdf(data: bytes, source_url: str, hint: MeetingHint | None = None) -> FetchedPdf:
    """Checked bytes as a FetchedPdf; raises SourceError with the Danish reason otherwise."""
    reason = why_not_pdf(data)
    if reason is not None:
        raise SourceError(reason)
    return FetchedPdf.from_bytes(data, source_url, hint)
