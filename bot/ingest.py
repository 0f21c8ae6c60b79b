"""source -> parse -> store: the one module that joins sources, parsing and storage.

Used by `kkrbot ingest`, the pollers inside `kkrbot run`, the inbox and PDFs sent to the bot.
It never talks to Telegram: storing a document writes its event rows, and the notifier sends
from those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from parsing import ParseError
from parsing.bundle import split_bundle
from parsing.isolated import ParseLimits, Progress, parse_bounded
from sources import FetchedPdf, InboxFolder, MeetingHint, MeetingPageSource, PagePoll, PageState
from storage import Database, MeetingHints, StoreResult, queries, store_document
from storage.polls import record_planned_meeting, record_poll, source_state
from texts import operator


@dataclass(frozen=True)
class IngestReport:
    """What became of one document (or one source that failed before any document)."""

    source: str
    text: str  # one Danish line: `ny dagsorden: ...`, `uændret: ...` or `fejl: ...`
    failed: bool = False
    result: StoreResult | None = None
    reason: str | None = None  # the Danish reason, when it failed
    warning: str | None = None  # stored, but some pages could not be read: which (also in `text`)

    @property
    def is_new(self) -> bool:
        return self.result is not None and self.result.status != "unchanged"

    @classmethod
    def failure(cls, source: str, reason: str) -> IngestReport:
        """A source or document that could not be ingested, and why (a Danish reason)."""
        return cls(source=source, text=operator.failed(reason, source), failed=True, reason=reason)


def is_url(source: str) -> bool:
    """A web address (meeting page or PDF) rather than a path on disk."""
    return source.startswith(("http://", "https://"))


def _hints_for(hint: MeetingHint | None, parsed_date: dt.date) -> MeetingHints | None:
    """The page's time and place, when the page speaks of the same meeting as the PDF."""
    if hint is None or (hint.meeting_date is not None and hint.meeting_date != parsed_date):
        return None
    return MeetingHints(start_time=hint.start_time, end_time=hint.end_time, location=hint.location)


class Ingester:
    """Ingests PDFs from files, folders, URLs, meeting pages and the inbox into one database."""

    def __init__(
        self,
        db: Database,
        web: MeetingPageSource | None = None,
        limits: ParseLimits | None = None,
        *,
        ocr: bool = True,
        progress: Callable[[str], Progress] | None = None,
    ) -> None:
        self.db = db
        self._web = web
        self.limits = limits or ParseLimits()
        self.ocr = ocr  # read scans with OCR (parsing.ocr); without, they are refused
        self.progress = progress  # what to tell while one file (by its label) is parsed

    @property
    def web(self) -> MeetingPageSource:
        if self._web is None:
            self._web = MeetingPageSource()
        return self._web

    def close(self) -> None:
        if self._web is not None:
            self._web.close()

    def pdf(self, fetched: FetchedPdf, label: str | None = None) -> IngestReport:
        """Parse and store one PDF; bytes already stored are reported `uændret` without parsing."""
        label = label or fetched.source_url
        with self.db.session() as session:
            known = queries.document_with_sha256(session, fetched.sha256)
            if known is not None:
                meeting = known.meeting
                return IngestReport(
                    label, operator.unchanged_document(known.kind, meeting.body.name, meeting.date)
                )
        try:
            progress = self.progress(label) if self.progress is not None else None
            parsed = parse_bounded(fetched.data, self.limits, ocr=self.ocr, progress=progress)
        except ParseError as err:
            return IngestReport.failure(label, str(err))
        if parsed.unreadable_pages:
            with self.db.session() as session:
                stored = queries.current_document(session, parsed.body, parsed.meeting_date, parsed.kind)
            if stored is not None:  # a damaged copy never replaces a whole one
                return IngestReport.failure(label, operator.damaged_copy_kept(parsed.unreadable_pages))
        try:
            with self.db.session() as session:
                result = store_document(
                    session,
                    parsed,
                    sha256=fetched.sha256,
                    source_url=fetched.source_url if is_url(fetched.source_url) else None,
                    hints=_hints_for(fetched.hint, parsed.meeting_date),
                    data=parsed.ocr_pdf or fetched.data,  # a scan is kept with its text layer
                    splitter=split_bundle,
                )
        except SQLAlchemyError as err:
            return IngestReport.failure(label, operator.database_error(err))
        warning = operator.unreadable_pages(parsed.unreadable_pages) if parsed.unreadable_pages else None
        text = operator.stored(result, ocr=parsed.read_by_ocr) + (f"; {warning}" if warning else "")
        return IngestReport(label, text, result=result, warning=warning)

    def path(self, path: Path) -> Iterator[IngestReport]:
        """A PDF file, or every PDF directly in a folder (sorted by name)."""
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")
            if not files:
                yield IngestReport.failure(str(path), "mappen indeholder ingen PDF-filer")
            for file in files:
                yield from self.path(file)
            return
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            yield IngestReport.failure(str(path), "filen findes ikke")
            return
        except OSError as err:
            yield IngestReport.failure(str(path), f"filen kan ikke læses ({err.strerror})")
            return
        yield self.pdf(FetchedPdf.from_bytes(data, str(path)), label=str(path))

    def page(self, url: str, *, polled: bool = True) -> Iterator[IngestReport]:
        """Read a meeting page (or a PDF URL); only PDFs not stored before are fetched.

        A `polled` source (one `kkrbot run` watches) is fetched with a conditional GET and its poll
        recorded for status; a page read once by hand is fetched in full and leaves no source behind,
        only its documents and planned meetings."""
        state = PageState()
        if polled:
            with self.db.session() as session:
                stored = source_state(session, url)
                state = PageState(etag=stored.etag, last_modified=stored.last_modified)
        poll = self.web.poll(url, state, known_urls=_KnownUrls(self.db))
        yield from self._poll_reports(poll)
        with self.db.session() as session:
            if polled:
                self._record_poll(session, poll)
            self._record_planned_meetings(session, poll)
            session.commit()

    def _poll_reports(self, poll: PagePoll) -> Iterator[IngestReport]:
        if poll.error is not None:
            yield IngestReport.failure(poll.page_url, poll.error)
        elif poll.unchanged:
            yield IngestReport(poll.page_url, operator.unchanged_source(poll.page_url))
        for link in poll.links:
            if link.status == "error":
                yield IngestReport.failure(link.url, link.error or "ukendt fejl")
            elif link.status == "known":
                yield IngestReport(link.url, operator.unchanged_source(link.url))
            elif link.pdf is not None:
                yield self.pdf(link.pdf, label=link.url)

    def _record_poll(self, session: Session, poll: PagePoll) -> None:
        failed = [link.error for link in poll.links if link.status == "error"]
        record_poll(
            session,
            poll.page_url,
            etag=poll.state.etag,
            last_modified=poll.state.last_modified,
            error=poll.error or (failed[0] if failed else None),
        )

    def _record_planned_meetings(self, session: Session, poll: PagePoll) -> None:
        for planned in poll.planned_meetings:
            if planned.body and planned.meeting_date:
                record_planned_meeting(
                    session,
                    planned.body,
                    planned.meeting_date,
                    start_time=planned.start_time,
                    end_time=planned.end_time,
                    location=planned.location,
                )

    def source(self, source: str, polled: Collection[str] = ()) -> Iterator[IngestReport]:
        """One command-line source: a URL (meeting page or PDF), a PDF file or a folder. A URL among
        the `polled` sources (Settings.polled_sources) is polled as `kkrbot run` would."""
        if is_url(source):
            yield from self.page(source, polled=source in polled)
        else:
            yield from self.path(Path(source))

    def inbox(self, folder: InboxFolder) -> Iterator[IngestReport]:
        """Every PDF waiting in the inbox, moved to processed/ or failed/ (with the reason) afterwards."""
        for item in folder:
            label = item.path.name
            if item.pdf is None:
                report = IngestReport.failure(label, item.error or "ukendt fejl")
                folder.finish(item, item.error or "ukendt fejl")
            else:
                report = self.pdf(item.pdf, label=label)
                folder.finish(item, report.reason)
            yield report


class _KnownUrls:
    """`url in known` asks the database, so a long page only costs a query per link."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __contains__(self, url: object) -> bool:
        with self.db.session() as session:
            return isinstance(url, str) and queries.is_known_source_url(session, url)
