"""Keeps the search indexes in step with the rows: called by storage.writes in the same transaction.

SQLite: FTS5 tables `agenda_item_fts` and `document_page_fts` hold stemmed text, rowid = the row's id,
and beside each text column its compound parts (storage.words.compound_parts): `title_parts`, `body_parts`.
PostgreSQL: a `search_vector` tsvector column (danish, GIN index) on `agenda_item` and `document_page`
for the words, and a `compound_search_vector` (simple, GIN index) for the stems and their compound
parts, made here in Python. Kept apart, the words' vectors stay as small and as fast as without
compounds; search reads the second only when the first leaves places free.
Both are created by the migrations. Only current rows are indexed, so that a search need not join
to find them: current items, and the pages of current bilag (items cover agendas and minutes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, bindparam, text
from sqlalchemy.orm import Session

from core.kinds import DocumentKind
from storage.models import AgendaItem, Document
from storage.words import compound_parts, index_words

ITEM_BODY_FIELDS = (
    "case_number",
    "presenter",
    "background",
    "recommendation",
    "case_presentation",
    "decision",
)

# SQLite: the columns of the words, as against their compound parts (storage.search asks for them first).
ITEM_WORD_COLUMNS = ("title", "body")
PAGE_WORD_COLUMNS = ("body",)

_PG_ITEM = text(
    "UPDATE agenda_item SET search_vector = "
    "setweight(to_tsvector('danish', :title), 'A') || setweight(to_tsvector('danish', :body), 'B'), "
    "compound_search_vector = to_tsvector('simple', :title_parts) || to_tsvector('simple', :body_parts) "
    "WHERE id = :id"
)
_PG_PAGE = text(
    "UPDATE document_page SET search_vector = to_tsvector('danish', :body), "
    "compound_search_vector = to_tsvector('simple', :body_parts) WHERE id = :id"
)
_PG_ITEM_DROP = text(
    "UPDATE agenda_item SET search_vector = NULL, compound_search_vector = NULL WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_PG_PAGE_DROP = text(
    "UPDATE document_page SET search_vector = NULL, compound_search_vector = NULL WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_SQLITE_ITEM_DROP = text("DELETE FROM agenda_item_fts WHERE rowid IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_SQLITE_ITEM_INSERT = text(
    "INSERT INTO agenda_item_fts (rowid, title, body, title_parts, body_parts) "
    "VALUES (:id, :title, :body, :title_parts, :body_parts)"
)
_SQLITE_PAGE_DROP = text("DELETE FROM document_page_fts WHERE rowid IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_SQLITE_PAGE_INSERT = text(
    "INSERT INTO document_page_fts (rowid, body, body_parts) VALUES (:id, :body, :body_parts)"
)


def item_body(item: AgendaItem | Row[Any]) -> str:
    """Everything searchable about an item except its title, attachments' names included (from the
    model, or from a row of `agenda_item` as a migration reads it)."""
    parts = [getattr(item, name) for name in ITEM_BODY_FIELDS]
    return "\n".join([p for p in parts if p] + list(item.attachments or ()))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def item_row(item_id: int, title: str, body: str, sqlite: bool) -> dict[str, object]:
    """The parameters that index one item: its words (stemmed here for FTS5, by PostgreSQL itself in
    to_tsvector) and their compound parts (stemmed here for both)."""
    title_words, title_parts = _words_and_parts(title, sqlite)
    body_words, body_parts = _words_and_parts(body, sqlite)
    return {
        "id": item_id,
        "title": title_words,
        "body": body_words,
        "title_parts": title_parts,
        "body_parts": body_parts,
    }


def page_row(page_id: int, body: str, sqlite: bool) -> dict[str, object]:
    """The same for one bilag page."""
    words, parts = _words_and_parts(body, sqlite)
    return {"id": page_id, "body": words, "body_parts": parts}


def _words_and_parts(text: str, sqlite: bool) -> tuple[str, str]:
    """FTS5: the stems and their compound parts; PostgreSQL: the text, and the stems with their parts."""
    searchable, stems = index_words(text)
    if sqlite:
        return " ".join(stems), compound_parts(stems)
    return searchable, compound_parts(stems, with_stems=True)


def index_items(session: Session, items: Iterable[AgendaItem]) -> None:
    """Index these items as they are now: current ones (again), superseded ones no longer.

    They must have been flushed so that they have ids.
    """
    rows = sorted({item.id: item for item in items}.items())
    if not rows:
        return
    current = [item for _, item in rows if item.is_current]
    sqlite = _is_sqlite(session)
    drop, insert = (_SQLITE_ITEM_DROP, _SQLITE_ITEM_INSERT) if sqlite else (_PG_ITEM_DROP, _PG_ITEM)
    session.execute(drop, {"ids": [item_id for item_id, _ in rows]})
    if current:
        session.execute(insert, [item_row(i.id, i.title, item_body(i), sqlite) for i in current])


def index_pages(session: Session, document: Document) -> None:
    """Index a document's pages if it is the current version of a bilag; otherwise drop them."""
    pages = sorted(document.page_texts, key=lambda page: page.id)
    if not pages:
        return
    indexed = document.is_current and document.kind == DocumentKind.BILAG
    ids = [page.id for page in pages]
    sqlite = _is_sqlite(session)
    drop, insert = (_SQLITE_PAGE_DROP, _SQLITE_PAGE_INSERT) if sqlite else (_PG_PAGE_DROP, _PG_PAGE)
    session.execute(drop, {"ids": ids})
    if indexed:
        session.execute(insert, [page_row(p.id, p.text, sqlite) for p in pages])
