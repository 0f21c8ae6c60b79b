"""The meeting-page source: poll KL's "Mødemateriale" pages and download the meeting PDFs not known yet.

Persistence is the caller's: it passes in the page's stored validators and the URLs it already has,
and gets back the new validators and one result per link. Nothing here raises for a broken page or
PDF; each becomes an error result with a Danish reason, and the rest goes on.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from types import TracebackType

from core.pdf import looks_like_pdf
from sources.http import MAX_PAGE_BYTES, MAX_PDF_BYTES, HttpReply, PoliteClient
from sources.model import (
    FetchedPdf,
    LinkResult,
    MeetingHint,
    MeetingLink,
    PagePoll,
    PageRead,
    PageState,
    SourceError,
)
from sources.page import read_meeting_page
from sources.pdf_bytes import fetched_pdf

_HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


class MeetingPageSource:
    """Fetches meeting pages and their PDFs through one PoliteClient (made here unless given)."""

    def __init__(self, client: PoliteClient | None = None) -> None:
        self._owns_client = client is None
        self.client = client or PoliteClient()

    def __enter__(self) -> MeetingPageSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this source made it."""
        if self._owns_client:
            self.client.close()

    def poll(
        self, page_url: str, state: PageState | None = None, known_urls: Container[str] = frozenset()
    ) -> PagePoll:
        """Read a page (conditionally) and download its meeting PDFs whose URLs are not in `known_urls`.

        A URL that serves a PDF itself is taken as that one PDF, so a caller may poll any URL.
        """
        before = state or PageState()
        try:
            read = self.read_page(page_url, before)
        except SourceError as error:
            return PagePoll(page_url=page_url, state=before, error=str(error))
        if read.unchanged:
            return PagePoll(page_url=page_url, state=read.state, unchanged=True)
        if read.pdf is not None:
            return PagePoll(
                page_url=page_url, state=read.state, links=(LinkResult(page_url, "ok", pdf=read.pdf),)
            )
        assert read.page is not None
        links = tuple(self.fetch_links(read.page.links, known_urls))
        all_handled = all(link.status != "error" for link in links)
        return PagePoll(
            page_url=page_url,
            state=read.state if all_handled else before,
            links=links,
            planned_meetings=read.page.planned_meetings,
        )

    def read_page(self, page_url: str, state: PageState | None = None) -> PageRead:
        """GET a page with If-None-Match / If-Modified-Since from `state`; raises SourceError."""
        before = state or PageState()
        headers = {"Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5"}
        if before.etag:
            headers["If-None-Match"] = before.etag
        if before.last_modified:
            headers["If-Modified-Since"] = before.last_modified
        # the limit is a PDF's: a URL given as a page may serve a PDF itself
        reply = self.client.get(page_url, headers=headers, max_bytes=MAX_PDF_BYTES)
        after = PageState(
            etag=reply.headers.get("etag") or before.etag,
            last_modified=reply.headers.get("last-modified") or before.last_modified,
        )
        if reply.status == 304:
            return PageRead(url=page_url, state=after, unchanged=True)
        if reply.content_type == "application/pdf" or looks_like_pdf(reply.body):
            return PageRead(url=page_url, state=after, pdf=fetched_pdf(reply.body, page_url))
        if reply.content_type not in _HTML_TYPES:
            raise SourceError(f"adressen er hverken en mødeside eller en PDF ({reply.content_type})")
        if len(reply.body) > MAX_PAGE_BYTES:
            raise SourceError("mødesiden er for stor")
        # after a redirect, relative links are relative to where the page really is
        base_url = reply.url if reply.redirected else page_url
        return PageRead(url=page_url, state=after, page=read_meeting_page(_decoded(reply), base_url))

    def fetch_links(self, links: Iterable[MeetingLink], known_urls: Container[str]) -> Iterator[LinkResult]:
        """One result per link, in order: known URLs are skipped, the rest downloaded one at a time."""
        for link in links:
            if link.url in known_urls:
                yield LinkResult(link.url, "known", hint=link.hint)
                continue
            try:
                pdf = self.fetch_pdf(link.url, link.hint)
            except SourceError as error:
                yield LinkResult(link.url, "error", hint=link.hint, error=str(error))
            else:
                yield LinkResult(link.url, "ok", hint=link.hint, pdf=pdf)

    def fetch_pdf(self, url: str, hint: MeetingHint | None = None) -> FetchedPdf:
        """Download one PDF given by URL; raises SourceError when it fails or is no PDF."""
        reply = self.client.get(url, headers={"Accept": "application/pdf,*/*;q=0.5"}, max_bytes=MAX_PDF_BYTES)
        return fetched_pdf(reply.body, url, hint)


def _decoded(reply: HttpReply) -> str:
    """The page as text, in the charset the server names (UTF-8 otherwise, never failing)."""
    m = _CHARSET_RE.search(reply.headers.get("content-type", ""))
    if m:
        try:
            return reply.body.decode(m[1], errors="replace")
        except LookupError:
            pass
    return reply.body.decode("utf-8", errors="replace")
