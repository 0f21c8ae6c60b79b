"""What an operator runs beside the bot: `kkrbot status` (is it healthy?) and `kkrbot backup` (SQLite copy).

Status only reads: it never creates, migrates or locks the database, so it is safe as a container
HEALTHCHECK next to the running bot. Unhealthy means the bot cannot work: the database cannot be reached
or is not at this version's migration. A failing source or an old outbox backlog is a warning: the
bot still answers, and restarting it would not help.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from core.time import utcnow
from parsing.ocr import ocr_problem, ocr_version
from parsing.readers import PDFIUM
from storage.db import current_revision, head_revision, sqlite_file
from storage.health import OutboxBacklog, SourceHealth, outbox_backlog, source_health
from texts import operator

CONNECT_TIMEOUT_SECONDS = 5  # a health check must answer before the container runtime gives up
STALE_POLLS = 3  # a source not polled for this many poll intervals is a warning
OLD_BACKLOG = dt.timedelta(hours=1)  # an unsent notification older than this is a warning


class BackupError(Exception):
    """A backup that cannot be made; `str(err)` is one Danish line for the operator."""


@dataclass(frozen=True)
class StatusReport:
    """Everything `kkrbot status` found; `problems` make it unhealthy, `warnings` do not."""

    database: str  # the URL without its password
    revision: str | None = None  # the database's migration, if it could be read
    expected_revision: str = field(default_factory=head_revision)
    sources: list[SourceHealth] = field(default_factory=list)
    backlog: OutboxBacklog | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ocr: str | None = field(default_factory=ocr_version)  # `tesseract 5.3.0`; None: scans are refused
    ocr_problem: str | None = field(default_factory=ocr_problem)
    pdf_reader: str = PDFIUM  # KKRBOT_PDF_READER: the settings' to say, not the database's

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_json_dict(self) -> dict[str, Any]:
        """The report for scripts (`kkrbot status --json`); times in UTC, ISO 8601."""
        return {
            "healthy": self.healthy,
            "database": self.database,
            "revision": self.revision,
            "expected_revision": self.expected_revision,
            "sources": [
                {
                    "url": source.url,
                    "last_poll": _iso(source.last_poll),
                    "last_success": _iso(source.last_success),
                    "last_error": source.last_error,
                }
                for source in self.sources
            ],
            "outbox": None
            if self.backlog is None
            else {"unsent": self.backlog.unsent, "oldest": _iso(self.backlog.oldest)},
            "ocr": {"available": self.ocr_problem is None, "version": self.ocr, "problem": self.ocr_problem},
            "pdf_reader": self.pdf_reader,
            "problems": self.problems,
            "warnings": self.warnings,
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat()


def without_password(url: str) -> str:
    """`url` safe to print: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL (ugyldig)"


def database_missing(database_url: str) -> str | None:
    """Why there is no database to use at `database_url` (no SQLite file; an empty PostgreSQL
    database), or None; a URL that cannot be read is left to the opening to report."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    path = sqlite_file(url)
    if path is not None:
        return None if path.is_file() else operator.database_file_missing(path)
    if url.get_backend_name() != "postgresql":
        return None
    try:
        engine = create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        )
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError:
        return None  # unreachable: opening it says so
    return operator.database_empty() if revision is None else None


def _first_line(err: BaseException) -> str:
    orig = getattr(err, "orig", None)  # the driver's own message, without SQLAlchemy's SQL and links
    message = str(orig if orig is not None else err).strip()
    return message.splitlines()[0] if message else type(err).__name__


def check_status(
    database_url: str,
    *,
    sources: Sequence[str] = (),
    poll_seconds: float = 900,
    now: dt.datetime | None = None,
) -> StatusReport:
    """How the bot is doing, judged from its database; never writes to it or creates it."""
    shown = without_password(database_url)
    try:
        url = make_url(database_url)
    except ArgumentError:
        return StatusReport(database=shown, problems=[operator.bad_database_url()])
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return StatusReport(database=shown, problems=[operator.database_file_missing(path)])
    connect_args = (
        {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if url.get_backend_name() == "postgresql" else {}
    )
    try:
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    except (ArgumentError, ImportError) as err:
        return StatusReport(database=shown, problems=[operator.database_url_unusable(err)])
    try:
        return _inspect(engine, shown, sources, poll_seconds, now or utcnow())
    finally:
        engine.dispose()


def _inspect(
    engine: Engine, shown: str, sources: Sequence[str], poll_seconds: float, now: dt.datetime
) -> StatusReport:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        return StatusReport(database=shown, problems=[operator.database_unreachable(_first_line(err))])
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as err:
        return StatusReport(database=shown, problems=[operator.database_unreadable(_first_line(err))])
    expected = head_revision()
    if revision != expected:
        return StatusReport(
            database=shown, revision=revision, problems=[operator.database_not_migrated(revision, expected)]
        )
    try:
        with Session(engine) as session:
            health = source_health(session, sources)
            backlog = outbox_backlog(session)
    except SQLAlchemyError as err:
        return StatusReport(
            database=shown, revision=revision, problems=[operator.database_unreadable(_first_line(err))]
        )
    return StatusReport(
        database=shown,
        revision=revision,
        sources=health,
        backlog=backlog,
        warnings=_warnings(health, backlog, poll_seconds, now),
    )


def _warnings(
    sources: list[SourceHealth], backlog: OutboxBacklog, poll_seconds: float, now: dt.datetime
) -> list[str]:
    warnings = []
    stale_after = dt.timedelta(seconds=poll_seconds * STALE_POLLS)
    for source in sources:
        if source.failing:
            warnings.append(operator.source_failing(source.url))
        elif source.last_poll is not None and now - source.last_poll > stale_after:
            warnings.append(operator.source_stale(source.url, source.last_poll))
    if backlog.oldest is not None and now - backlog.oldest > OLD_BACKLOG:
        warnings.append(operator.backlog_old(backlog.oldest))
    return warnings


@dataclass(frozen=True)
class BackupResult:
    """A finished backup: where it is, how big, and the migration it is at."""

    path: Path
    size_bytes: int
    revision: str | None


def backup_database(database_url: str, target: Path) -> BackupResult:
    """Copy the SQLite database to `target` with SQLite's online backup, while the bot may keep writing.

    The copy is one consistent snapshot (committed transactions only, the WAL included), written to a
    temporary file beside `target`, checked with `PRAGMA integrity_check` and then renamed, so `target`
    is never half written. PostgreSQL has its own tool, pg_dump.
    """
    try:
        url = make_url(database_url)
    except ArgumentError as err:
        raise BackupError("DATABASE_URL er ingen gyldig databaseadresse") from err
    if url.get_backend_name() == "postgresql":
        raise BackupError("databasen er PostgreSQL: tag backup med pg_dump (se README, Drift)")
    source = sqlite_file(url)
    if source is None:
        raise BackupError(f"kan kun tage backup af en SQLite-fil, ikke {without_password(database_url)}")
    if not source.is_file():
        raise BackupError(f"databasefilen {source} findes ikke")
    if target.exists():
        raise BackupError("filen findes allerede: vælg et nyt navn, så en ældre backup ikke overskrives")
    if not target.parent.is_dir():
        raise BackupError(f"mappen {target.parent} findes ikke")
    handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        revision = _copy_sqlite(source, temporary)
        temporary.replace(target)
    except sqlite3.Error as err:
        raise BackupError(f"backup mislykkedes: {err}") from err
    finally:
        temporary.unlink(missing_ok=True)
    return BackupResult(path=target, size_bytes=target.stat().st_size, revision=revision)


def _copy_sqlite(source: Path, destination: Path) -> str | None:
    # mode=rw: never create the file; the copy itself only reads
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
    writer = sqlite3.connect(destination)
    try:
        reader.backup(writer)  # all pages in one step: one read transaction, so one snapshot
        writer.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file, no -wal beside it
        (verdict,) = writer.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"kopien er ikke hel ({verdict})")
        has_versions = writer.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        row = writer.execute("SELECT version_num FROM alembic_version").fetchone() if has_versions else None
        return str(row[0]) if row else None
    finally:
        writer.close()
        reader.close()
