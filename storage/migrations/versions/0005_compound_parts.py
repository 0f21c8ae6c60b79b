"""Search finds a word inside compounds: the search indexes also hold the stems' compound parts.

SQLite: the FTS5 tables get `title_parts` / `body_parts` columns (FTS5 cannot add columns, so they
are made again); PostgreSQL: a `compound_search_vector` column with a GIN index beside each
`search_vector`. The rows that were indexed are indexed again, as storage.search_index indexes a row
stored now (storage.words makes the parts).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.search_index import ITEM_BODY_FIELDS, item_body, item_row, page_row
from storage.words import stemmed_text

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500  # rows per statement

_ITEMS = sa.table(
    'agenda_item', sa.column('id'), sa.column('title'), *map(sa.column, ITEM_BODY_FIELDS),
    sa.column('attachments', sa.JSON),
)
_PAGES = sa.table('document_page', sa.column('id'), sa.column('text'))

SQLITE_ITEMS_BEFORE = 'title, body'
SQLITE_ITEMS_AFTER = 'title, body, title_parts, body_parts'
SQLITE_PAGES_BEFORE = 'body'
SQLITE_PAGES_AFTER = 'body, body_parts'
POSTGRES_ITEMS = (
    "UPDATE agenda_item SET compound_search_vector = "
    "to_tsvector('simple', :title_parts) || to_tsvector('simple', :body_parts) WHERE id = :id"
)
POSTGRES_PAGES = (
    "UPDATE document_page SET compound_search_vector = to_tsvector('simple', :body_parts) WHERE id = :id"
)


def _write(statement: str, rows: list[dict[str, object]]) -> None:
    connection = op.get_bind()
    for start in range(0, len(rows), BATCH):
        connection.execute(sa.text(statement), rows[start : start + BATCH])


def _fts5_rows(table: str) -> list[Any]:
    """The rows of `table` (agenda_item or document_page) that its FTS5 table holds now."""
    query = _ITEMS if table == 'agenda_item' else _PAGES
    indexed = sa.text(f'SELECT rowid FROM {table}_fts')
    return list(op.get_bind().execute(sa.select(query).where(query.c.id.in_(indexed)).order_by(query.c.id)))


def _remake_fts5(items_columns: str, pages_columns: str, item: Any, page: Any) -> None:
    """FTS5 tables cannot change their columns: read what they index, make them again, fill them."""
    items, pages = _fts5_rows('agenda_item'), _fts5_rows('document_page')
    for table, columns, rows in (
        ('agenda_item_fts', items_columns, [item(row) for row in items]),
        ('document_page_fts', pages_columns, [page(row) for row in pages]),
    ):
        op.execute(f'DROP TABLE {table}')
        op.execute(f'CREATE VIRTUAL TABLE {table} USING fts5({columns})')
        names = ', '.join(f':{name}' for name in ('id', *columns.split(', ')))
        _write(f'INSERT INTO {table} (rowid, {columns}) VALUES ({names})', rows)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _remake_fts5(
            SQLITE_ITEMS_AFTER,
            SQLITE_PAGES_AFTER,
            lambda row: item_row(row.id, row.title, item_body(row), sqlite=True),
            lambda row: page_row(row.id, row.text, sqlite=True),
        )
        return
    for table in ('agenda_item', 'document_page'):
        op.execute(f'ALTER TABLE {table} ADD COLUMN compound_search_vector tsvector')
        op.execute(f'CREATE INDEX ix_{table}_compound_search_vector ON {table} USING gin (compound_search_vector)')
    has_vector = sa.text('search_vector IS NOT NULL')
    items = op.get_bind().execute(sa.select(_ITEMS).where(has_vector).order_by(_ITEMS.c.id))
    _write(POSTGRES_ITEMS, [item_row(row.id, row.title, item_body(row), sqlite=False) for row in items])
    pages = op.get_bind().execute(sa.select(_PAGES).where(has_vector).order_by(_PAGES.c.id))
    _write(POSTGRES_PAGES, [page_row(row.id, row.text, sqlite=False) for row in pages])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _remake_fts5(
            SQLITE_ITEMS_BEFORE,
            SQLITE_PAGES_BEFORE,
            lambda row: {'id': row.id, 'title': stemmed_text(row.title), 'body': stemmed_text(item_body(row))},
            lambda row: {'id': row.id, 'body': stemmed_text(row.text)},
        )
        return
    for table in ('agenda_item', 'document_page'):
        op.execute(f'DROP INDEX ix_{table}_compound_search_vector')
        op.execute(f'ALTER TABLE {table} DROP COLUMN compound_search_vector')
