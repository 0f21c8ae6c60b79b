"""Alembic environment: migrate the connection storage.db hands over, or a URL given with `-x url=`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.models import Base

SEARCH_TABLES = ("agenda_item_fts", "document_page_fts")  # SQLite FTS5, made by the migrations


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate must not drop the search indexes, which the models do not map."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLES):
        return False
    return not (type_ in ("column", "index") and name is not None and "search_vector" in name)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from storage.db import DEFAULT_DATABASE_URL, create_db_engine

    url = context.get_x_argument(as_dictionary=True).get("url", DEFAULT_DATABASE_URL)
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("kkrbot migrations run online only: give a database with -x url=...")
run_migrations()
