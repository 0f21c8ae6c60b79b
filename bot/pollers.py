"""Ingestion inside `kkrbot run`: the meeting pages and the inbox polled on the JobQueue, /hent, and
PDFs an administrator sends to the bot.

Fetching, parsing and storing block, so they run in a worker thread and the bot keeps answering; one
asyncio lock makes sure two polls (or a poll and an upload) never ingest at the same time in this
process. Nothing here notifies members: storing a document writes Event rows, the notifier sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, JobQueue

from bot.config import Settings
from bot.ingest import Ingester, IngestReport
from bot.updates import sender_of
from delivery.botapi import send_replies
from handlers import admin
from handlers.context import HandlerContext, Sender
from parsing.isolated import ParseLimits, Progress
from sources import FetchedPdf, InboxFolder, SourceError
from sources.inbox import inbox_url
from storage import Database
from storage.polls import record_poll
from texts.operator import failed, unexpected
from texts.replies import Reply

log = logging.getLogger(__name__)
FIRST_POLL_SECONDS = 2.0  # the first poll comes soon after start, once the bot answers
POLL_JOB_NAME = "kilder"
FETCH_JOB_NAME = "hent"

HandlerContextOf = Callable[[ContextTypes.DEFAULT_TYPE], HandlerContext]


def _record_error(db: Database, url: str, reason: str) -> None:
    """Remember a failed poll for /status; if even that fails, the log line is all there is."""
    try:
        with db.session() as session:
            record_poll(session, url, etag=None, last_modified=None, error=reason)
            session.commit()
    except SQLAlchemyError as err:
        log.error("kunne ikke gemme fejlen for %s: %s", url, type(err).__name__)


def _poll_page(db: Database, ingester: Ingester, url: str) -> list[IngestReport]:
    """One meeting page; an unexpected error becomes a failure report (and is recorded), never a crash."""
    try:
        return list(ingester.page(url))
    except Exception as err:  # one broken source must not stop the others or the bot
        reason = unexpected(err)
        _record_error(db, url, reason)
        return [IngestReport.failure(url, reason)]


def _scan_inbox(db: Database, ingester: Ingester, folder: InboxFolder) -> list[IngestReport]:
    """Every PDF waiting in the inbox; the scan is recorded like a page poll, with the first failure."""
    url = inbox_url(folder.root)
    error: str | None
    try:
        reports = list(ingester.inbox(folder))
    except SourceError as err:  # the folder is missing or unreadable
        reports, error = [IngestReport.failure(url, str(err))], str(err)
    except Exception as err:
        reason = unexpected(err)
        _record_error(db, url, reason)
        return [IngestReport.failure(url, reason)]
    else:
        failed = [report for report in reports if report.failed]
        error = f"{failed[0].source}: {failed[0].reason}" if failed else None
    try:
        with db.session() as session:
            record_poll(session, url, etag=None, last_modified=None, error=error)
            session.commit()
    except SQLAlchemyError as err:
        log.error("kunne ikke gemme indbakkens status: %s", type(err).__name__)
    return reports


def poll_sources(
    db: Database,
    source_urls: Sequence[str],
    inbox: Path | None,
    inbox_settle_seconds: float = 10.0,
    limits: ParseLimits | None = None,
) -> list[IngestReport]:
    """Poll each meeting page once and scan the inbox (if any); blocking. Failures come back as
    reports and are logged as one line each."""
    reports: list[IngestReport] = []
    ingester = Ingester(db, limits=limits)
    try:
        for url in source_urls:
            reports += _poll_page(db, ingester, url)
        if inbox is not None:
            reports += _scan_inbox(db, ingester, InboxFolder(inbox, settle_seconds=inbox_settle_seconds))
    finally:
        ingester.close()
    for report in reports:
        if report.failed:
            log.warning("hentning: %s", report.text)
        elif report.is_new:
            log.info("hentning: %s", report.text)
    return reports


def ingest_upload(
    db: Database,
    data: bytes,
    file_name: str,
    limits: ParseLimits | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """A PDF sent to the bot, parsed and stored like any other; blocking."""
    ingester = Ingester(db, limits=limits, progress=(lambda _label: progress) if progress else None)
    return ingester.pdf(FetchedPdf.from_bytes(data, file_name), label=file_name)


def _report_replies(reports: Sequence[IngestReport]) -> list[Reply]:
    new = [report.text for report in reports if report.is_new]
    failed = [report.text for report in reports if report.failed]
    return admin.fetch_report(new, failed, len(reports) - len(new) - len(failed))


class SourcePollers:
    """The sources of one `kkrbot run` (KKRBOT_SOURCE_URLS, KKRBOT_INBOX) and the one lock they share."""

    def __init__(
        self,
        db: Database,
        source_urls: Sequence[str],
        inbox: Path | None,
        handler_ctx: HandlerContextOf,
        job_queue: JobQueue[Any] | None = None,
        limits: ParseLimits | None = None,
    ) -> None:
        self.db = db
        self.limits = limits
        self.source_urls = tuple(source_urls)
        self.inbox = inbox
        self._handler_ctx = handler_ctx
        self._job_queue = job_queue
        self._lock = asyncio.Lock()

    @property
    def has_sources(self) -> bool:
        return bool(self.source_urls) or self.inbox is not None

    @property
    def fetch_now(self) -> Callable[[Sender], bool] | None:
        """What /hent calls (HandlerContext.fetch_now); None when there is nothing to poll."""
        return self._start_fetch if self.has_sources and self._job_queue is not None else None

    async def poll(self) -> list[IngestReport]:
        """Poll every source once, after any poll or upload already running."""
        async with self._lock:
            return await asyncio.to_thread(
                poll_sources, self.db, self.source_urls, self.inbox, limits=self.limits
            )

    async def scheduled_poll(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The repeating job; skipped while another poll runs, and never raises into the bot."""
        if self._lock.locked():
            log.debug("planlagt hentning springes over: en hentning kører allerede")
            return
        try:
            await self.poll()
        except Exception as err:
            log.error("planlagt hentning fejlede: %s", unexpected(err))

    def _start_fetch(self, sender: Sender) -> bool:
        """/hent, from the handler's worker thread: the JobQueue is thread-safe, so the poll is queued
        there and answered in the sender's chat. False when a poll is running (this one follows)."""
        assert self._job_queue is not None
        running = self._lock.locked()
        self._job_queue.run_once(self._fetch_for_chat, when=0, chat_id=sender.chat_id, name=FETCH_JOB_NAME)
        return not running

    async def _fetch_for_chat(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = context.job.chat_id if context.job is not None else None
        try:
            replies = _report_replies(await self.poll())
        except Exception as err:
            log.error("hentning (/hent) fejlede: %s", unexpected(err))
            replies = admin.fetch_report([], [failed(unexpected(err))], 0)
        if chat_id is None:
            return
        try:
            await send_replies(context.bot, chat_id, replies)
        except TelegramError as err:
            log.warning("kunne ikke sende svaret på /hent til chat %s: %s", chat_id, err)

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file sent to the bot: an administrator's PDF is downloaded, ingested and answered with
        what it was; anything else gets a Danish reason."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        document = message.document
        file_name = document.file_name or "dokumentet"
        ctx = self._handler_ctx(context)
        replies = admin.document_refusal(
            ctx, sender_of(update), file_name, document.mime_type, document.file_size
        )
        if replies is not None:
            await send_replies(context.bot, message.chat_id, replies)
            return
        # in a task of its own: the upload may wait for a running poll, and other updates must not
        context.application.create_task(self._ingest_document(context, message, file_name), update=update)

    def _scan_notice(self, context: ContextTypes.DEFAULT_TYPE, message: Message) -> Progress:
        """Tells the sender "Læser scanningen …" as soon as OCR starts (the parse runs in a thread)."""
        loop = asyncio.get_running_loop()
        file_name = message.document.file_name if message.document else None

        def started(pages: int) -> None:
            replies = admin.reading_scan(file_name or "PDF'en", pages)
            asyncio.run_coroutine_threadsafe(send_replies(context.bot, message.chat_id, replies), loop)

        return Progress(on_ocr=started)

    async def _ingest_document(
        self, context: ContextTypes.DEFAULT_TYPE, message: Message, file_name: str
    ) -> None:
        assert message.document is not None
        try:
            telegram_file = await message.document.get_file()
            data = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as err:
            log.warning("kunne ikke hente %s fra Telegram: %s", file_name, err)
            replies = admin.document_download_failed(file_name)
        else:
            try:
                async with self._lock:
                    report = await asyncio.to_thread(
                        ingest_upload,
                        self.db,
                        data,
                        file_name,
                        self.limits,
                        self._scan_notice(context, message),
                    )
            except Exception as err:  # a PDF that breaks the parser in a new way still gets an answer
                report = IngestReport.failure(file_name, unexpected(err))
            log.info("pdf fra chat %s: %s", message.chat_id, report.text)
            replies = admin.document_report(file_name, report.text, report.reason if report.failed else None)
        await send_replies(context.bot, message.chat_id, replies)


def register_sources(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    db: Database,
    handler_ctx: HandlerContextOf,
) -> SourcePollers:
    """Schedule the polls (every KKRBOT_POLL_SECONDS, the first soon after start) when there are
    sources; the returned object also serves /hent (`fetch_now`) and PDFs sent to the bot."""
    job_queue = application.job_queue
    sources = SourcePollers(
        db, settings.source_urls, settings.inbox, handler_ctx, job_queue, limits=settings.parse_limits
    )
    if sources.has_sources:
        if job_queue is None:
            raise RuntimeError("python-telegram-bot er installeret uden job-queue")
        job_queue.run_repeating(
            sources.scheduled_poll,
            interval=settings.poll_seconds,
            first=FIRST_POLL_SECONDS,
            name=POLL_JOB_NAME,
            # a slow poll outlasting the interval: the next one runs, sees the lock and steps aside
            # quietly, instead of APScheduler warning about a skipped run
            job_kwargs={"max_instances": 2},
        )
    return sources
