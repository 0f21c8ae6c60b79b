"""What sources hand on: fetched PDF bytes with the page's hints, as frozen dataclasses.

Sources only fetch; parsing and storage join these values later, so nothing here knows about either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal

from core.kinds import DocumentKind

LinkStatus = Literal["ok", "known", "error"]


class SourceError(Exception):
    """A page or PDF could not be fetched or is unusable; `str(err)` is a plain Danish reason."""


@dataclass(frozen=True)
class MeetingHint:
    """What the page around a link says about the meeting; fills what the PDF itself lacks."""

    body: str | None = None
    meeting_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    location: str | None = None
    title: str | None = None
    kind_hint: DocumentKind | None = None


@dataclass(frozen=True)
class FetchedPdf:
    """One PDF's bytes and where they came from; sha256 is the identity storage dedups on."""

    data: bytes = field(repr=False)
    source_url: str
    sha256: str
    hint: MeetingHint | None = None

    @classmethod
    def from_bytes(cls, data: bytes, source_url: str, hint: MeetingHint | None = None) -> FetchedPdf:
        """Wrap bytes, computing their sha256 once here so no caller has to."""
        return cls(data=data, source_url=source_url, sha256=hashlib.sha256(data).hexdigest(), hint=hint)


@dataclass(frozen=True)
class PageState:
    """HTTP validators of a page, stored by the caller between polls for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class MeetingLink:
    """A meeting PDF linked from a page: its absolute URL and the hint read from the text around it."""

    url: str
    hint: MeetingHint


@dataclass(frozen=True)
class MeetingPage:
    """A meeting page read: the meeting PDFs it links and meetings it only lists by date."""

    url: str
    links: tuple[MeetingLink, ...]
    planned_meetings: tuple[MeetingHint, ...]
    ignored_urls: tuple[str, ...]


@dataclass(frozen=True)
class PageRead:
    """A meeting page fetched (or found unchanged); a URL that served a PDF itself gives `pdf` instead."""

    url: str
    state: PageState
    unchanged: bool = False
    page: MeetingPage | None = None
    pdf: FetchedPdf | None = None


@dataclass(frozen=True)
class LinkResult:
    """The outcome for one linked PDF: fetched, skipped as already known, or a Danish error."""

    url: str
    status: LinkStatus
    hint: MeetingHint | None = None
    pdf: FetchedPdf | None = None
    error: str | None = None


@dataclass(frozen=True)
class PagePoll:
    """One poll of a page: the validators to store next, and what each link gave.

    `state` only advances when the page and every link were handled, so a PDF that failed is
    tried again on the next poll instead of hiding behind a 304.
    """

    page_url: str
    state: PageState
    unchanged: bool = False
    links: tuple[LinkResult, ...] = ()
    planned_meetings: tuple[MeetingHint, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when neither the page nor any of its links failed."""
        return self.error is None and all(link.status != "error" for link in self.links)

    @property
    def fetched(self) -> tuple[FetchedPdf, ...]:
        """The PDFs downloaded in this poll, in page order."""
        return tuple(link.pdf for link in self.links if link.pdf is not None)
