"""/hent, /status and PDFs sent to the bot: what administrators see of the sources and the outbox.

Handlers never poll or download themselves: /hent asks the running bot through `ctx.fetch_now`, and
bot/pollers.py downloads and ingests a PDF, then hands the outcome here to be put into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.time import local_time
from handlers.context import HandlerContext, Sender
from storage.health import SourceHealth, outbox_backlog, source_health
from texts import admin as texts
from texts.replies import Reply, to_replies

PDF_MIME_TYPE = "application/pdf"
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the largest file the Bot API lets a bot download
_MEGABYTE = 1024 * 1024


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else local_time(moment)


def fetch(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/hent (administrators only): poll every source now; the bot reports what it found when done."""
    if not ctx.is_admin(sender):
        return to_replies(texts.admins_only())
    if ctx.fetch_now is None or sender is None:
        return to_replies(texts.fetch_unavailable())
    started = ctx.fetch_now(sender)
    return to_replies(texts.fetch_started() if started else texts.fetch_queued())


def fetch_report(new: Sequence[str], failed: Sequence[str], unchanged: int) -> list[Reply]:
    """The report /hent ends with: the new or changed documents, the failures and how many were unchanged."""
    return to_replies(texts.fetch_report(new, failed, unchanged))


def _source_line(source: SourceHealth) -> str:
    return texts.source_status(
        texts.source_name(source.url),
        _local(source.last_poll),
        _local(source.last_success),
        source.last_error,
    )


def status(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/status (administrators only): each source's last poll and error, and the outbox backlog."""
    if not ctx.is_admin(sender):
        return to_replies(texts.admins_only())
    with ctx.db.session() as session:
        sources = source_health(session, ctx.sources)
        backlog = outbox_backlog(session)
    lines = [_source_line(source) for source in sources]
    return to_replies(texts.status(lines, backlog.unsent, _local(backlog.oldest)))


def is_pdf(file_name: str | None, mime_type: str | None) -> bool:
    """A document Telegram calls a PDF, or one named `.pdf` (some clients send no MIME type)."""
    return mime_type == PDF_MIME_TYPE or (file_name or "").lower().endswith(".pdf")


def document_refusal(
    ctx: HandlerContext, sender: Sender | None, file_name: str, mime_type: str | None, size: int | None
) -> list[Reply] | None:
    """Why a document sent to the bot is not taken, or None when it may be downloaded and ingested:
    only administrators' PDFs, and none over the 20 MB a bot may download."""
    if not ctx.is_admin(sender):
        return to_replies(texts.admins_only())
    if not is_pdf(file_name, mime_type):
        return to_replies(texts.document_not_pdf(file_name))
    if size is not None and size > MAX_DOWNLOAD_BYTES:
        megabytes = -(-size // _MEGABYTE)  # rounded up: 20.1 MB reads as 21, never as the limit
        return to_replies(texts.document_too_big(file_name, megabytes, MAX_DOWNLOAD_BYTES // _MEGABYTE))
    return None


def document_download_failed(file_name: str) -> list[Reply]:
    return to_replies(texts.document_download_failed(file_name))


def reading_scan(file_name: str, pages: int) -> list[Reply]:
    """Before a scan's result: OCR takes a while."""
    return to_replies(texts.reading_scan(file_name, pages))


def document_report(file_name: str, outcome: str, reason: str | None) -> list[Reply]:
    """The answer to an administrator's PDF: the ingest line (`ny dagsorden: ...`) or why it failed."""
    if reason is not None:
        return to_replies(texts.document_failed(file_name, reason))
    return to_replies(texts.document_read(file_name, outcome))
