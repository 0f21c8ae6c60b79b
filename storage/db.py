"""Engines, sessions and migrations: the one place that knows how to open the database.

The URL comes from the caller (bot.config reads DATABASE_URL); without one, an SQLite file in
./data. Opening the database runs the Alembic migrations, so a fresh install needs no setup step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from core.defaults import DEFAULT_DATABASE_URL

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK_KEY = 0x6B6B72626F74  # "kkrbot"


class DatabaseNotMigrated(RuntimeError):
    """The database schema is older (or newer) than this version of kkrbot expects."""


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL, or None for other databases, in-memory and `file:` URI forms."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def create_db_engine(url: str | URL = DEFAULT_DATABASE_URL) -> Engine:
    """An engine for `url`; for SQLite the folder is created and the pragmas set on every connection."""
    parsed = make_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll all of it back if it raised: the one write transaction of a
    storage function that owns its session's transaction."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit, for handlers that reply after writing."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The packaged Alembic configuration, pointing at the packaged migrations."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(target: str | URL | Engine = DEFAULT_DATABASE_URL, revision: str = "head") -> None:
    """Run the migrations up to `revision` (what `kkrbot db upgrade` and every start do)."""
    engine = target if isinstance(target, Engine) else create_db_engine(target)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # two processes starting at once migrate in turn
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if engine is not target:
            engine.dispose()


def head_revision() -> str:
    """The newest migration this version of kkrbot ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no head"
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    return current_revision(engine) == head_revision()


def require_up_to_date(engine: Engine) -> None:
    """Refuse to work on a schema this code was not written for."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise DatabaseNotMigrated(
            f"databasen er på migrering {current or 'ingen'}, men kkrbot forventer {head}: "
            "kør `kkrbot db upgrade`"
        )


@dataclass(frozen=True)
class Database:
    """An open database: the engine and a factory for sessions on it."""

    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | URL = DEFAULT_DATABASE_URL, *, migrate: bool = True) -> Database:
    """Open the database at `url`, bringing its schema up to date first unless `migrate` is False."""
    engine = create_db_engine(url)
    if migrate:
        upgrade(engine)
    else:
        require_up_to_date(engine)
    return Database(engine=engine, sessions=make_sessionmaker(engine))
