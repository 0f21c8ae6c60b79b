"""Keeps the search indexes in step with the rows: called by storage.writes in the same transaction.

SQLite: FTS5 tables `agenda_item_fts` and `document_page_fts` hold stemmed text, rowid = the row's id.
PostgreSQL: a `search_vector` tsvector column (danish, GIN index) on `agenda_item` and `document_page`.
Both are created by the migrations. Only current rows are indexed, so that a search need not join
to find them: current items, and the pages of current bilag (items cover agendas and minutes).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from core.kinds import DocumentKind
from storage.models import AgendaItem, Document
from storage.words import searchable_text, stemmed_text

ITEM_BODY_FIELDS = (
    "case_number",
    "presenter",
    "background",
    "recommendation",
    "case_presentation",
    "decision",
)

_PG_ITEM = text(
    "UPDATE agenda_item SET search_vector = "
    "setweight(to_tsvector('danish', :title), 'A') || setweight(to_tsvector('danish', :body), 'B') "
    "WHERE id = :id"
)
_PG_PAGE = text("UPDATE document_page SET search_vector = to_tsvector('danish', :body) WHERE id = :id")
_PG_ITEM_DROP = text("UPDATE agenda_item SET search_vector = NULL WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_PG_PAGE_DROP = text("UPDATE document_page SET search_vector = NULL WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_SQLITE_ITEM_DROP = text("DELETE FROM agenda_item_fts WHERE rowid IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_SQLITE_ITEM_INSERT = text("INSERT INTO agenda_item_fts (rowid, title, body) VALUES (:id, :title, :body)")
_SQLITE_PAGE_DROP = text("DELETE FROM document_page_fts WHERE rowid IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_SQLITE_PAGE_INSERT = text("INSERT INTO document_page_fts (rowid, body) VALUES (:id, :body)")


def item_body(item: AgendaItem) -> str:
    """Everything searchable about an item except its title, attachments' names included."""
    parts = [getattr(item, name) for name in ITEM_BODY_FIELDS]
    return "\n".join([p for p in parts if p] + list(item.attachments or ()))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_items(session: Session, items: Iterable[AgendaItem]) -> None:
    """Index these items as they are now: current ones (again), superseded ones no longer.

    They must have been flushed so that they have ids.
    """
    rows = sorted({item.id: item for item in items}.items())
    if not rows:
        return
    current = [item for _, item in rows if item.is_current]
    # FTS5 gets the words stemmed here; PostgreSQL stems them itself in to_tsvector
    if _is_sqlite(session):
        drop, insert, prepare = _SQLITE_ITEM_DROP, _SQLITE_ITEM_INSERT, stemmed_text
    else:
        drop, insert, prepare = _PG_ITEM_DROP, _PG_ITEM, searchable_text
    session.execute(drop, {"ids": [item_id for item_id, _ in rows]})
    if current:
        session.execute(
            insert,
            [{"id": i.id, "title": prepare(i.title), "body": prepare(item_body(i))} for i in current],
        )


def index_pages(session: Session, document: Document) -> None:
    """Index a document's pages if it is the current version of a bilag; otherwise drop them."""
    pages = sorted(document.page_texts, key=lambda page: page.id)
    if not pages:
        return
    indexed = document.is_current and document.kind == DocumentKind.BILAG
    ids = [page.id for page in pages]
    if _is_sqlite(session):
        session.execute(_SQLITE_PAGE_DROP, {"ids": ids})
        if indexed:
            session.execute(_SQLITE_PAGE_INSERT, [{"id": p.id, "body": stemmed_text(p.text)} for p in pages])
        return
    session.execute(_PG_PAGE_DROP, {"ids": ids})
    if indexed:
        session.execute(_PG_PAGE, [{"id": p.id, "body": searchable_text(p.text)} for p in pages])
