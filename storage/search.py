"""Full-text search over current agenda items and bilag pages, with Danish stemming on both databases.

The user's words are reduced to plain `\\w+` tokens (storage.words) and handed over as bound
parameters: on SQLite each stem is quoted inside the MATCH expression, on PostgreSQL the tokens go
through to_tsquery joined by `&`. Nothing the user types is ever part of the SQL or of FTS5 syntax.

Words of 4+ letters also find the compounds they begin ("klima": "klimahandlingsplan") and, through
the compound parts the index holds (storage.words), the compounds they stand in ("aftale":
"sundhedsaftaler"). Exact hits come first: a search first asks for the words (FTS5 columns title
and body, PostgreSQL `search_vector`), ranked as before, and only when those leave places free asks
again with the compound parts too, for rows not found yet. Within each, among equal ranks, newer first
(SQLite ranks the compound hits by bm25, PostgreSQL takes them newest first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session, joinedload

from storage.models import AgendaItem, Document, DocumentPage, Meeting
from storage.search_index import ITEM_WORD_COLUMNS, PAGE_WORD_COLUMNS
from storage.words import (
    compound_tsquery_text,
    finds_compounds,
    fts5_query,
    query_terms,
    snippet,
    stem,
    tsquery_text,
)

BILAG_SLOTS = 3  # bilag pages kept among the hits even when items alone would fill them
SNIPPET_FIELDS = ("recommendation", "decision", "background", "case_presentation")

# Only current rows are indexed (storage.search_index), so these need no join; among equal ranks the
# newer row comes first. bm25 weighs the FTS5 columns in their order: title, body, title_parts,
# body_parts (pages: body, body_parts).
_SQLITE_ITEMS = text(
    "SELECT rowid FROM agenda_item_fts WHERE agenda_item_fts MATCH :query "
    "ORDER BY bm25(agenda_item_fts, 4.0, 1.0, 2.0, 0.5), rowid DESC LIMIT :limit"
)
_SQLITE_PAGES = text(
    "SELECT rowid FROM document_page_fts WHERE document_page_fts MATCH :query "
    "ORDER BY bm25(document_page_fts, 1.0, 0.5), rowid DESC LIMIT :limit"
)
_PG_ITEMS = text(
    "SELECT agenda_item.id FROM agenda_item, to_tsquery('danish', :query) AS q "
    "WHERE agenda_item.search_vector @@ q "
    "ORDER BY ts_rank(agenda_item.search_vector, q) DESC, agenda_item.id DESC LIMIT :limit"
)
_PG_PAGES = text(
    "SELECT document_page.id FROM document_page, to_tsquery('danish', :query) AS q "
    "WHERE document_page.search_vector @@ q "
    "ORDER BY ts_rank(document_page.search_vector, q) DESC, document_page.id DESC LIMIT :limit"
)
# The compound hits on PostgreSQL come newest first: ranking them would read the compound vector of
# every row that matches, and a word common inside compounds ("aftal") matches most of them.
_PG_ITEMS_COMPOUND = text(
    "SELECT id FROM agenda_item WHERE compound_search_vector @@ to_tsquery('simple', :query) "
    "ORDER BY id DESC LIMIT :limit"
)
_PG_PAGES_COMPOUND = text(
    "SELECT id FROM document_page WHERE compound_search_vector @@ to_tsquery('simple', :query) "
    "ORDER BY id DESC LIMIT :limit"
)


@dataclass(frozen=True)
class SearchHit:
    """One search result: an agenda item or a page of a bilag, with where to find it."""

    kind: Literal["item", "bilag"]
    meeting_id: int
    meeting_date: dt.date
    body: str
    document_id: int
    page: int
    item_id: int | None
    item_number: str | None
    title: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # (start, end) of the matched words within `snippet`


def search(session: Session, words: str, limit: int = 10) -> list[SearchHit]:
    """The best `limit` hits for `words` (every word must occur, in any Danish form): items first."""
    terms = query_terms(words)
    if not terms or limit <= 0:
        return []
    if session.get_bind().dialect.name == "sqlite":
        anywhere = fts5_query(terms)
        items = (_SQLITE_ITEMS, fts5_query(terms, ITEM_WORD_COLUMNS)), (_SQLITE_ITEMS, anywhere)
        pages = (_SQLITE_PAGES, fts5_query(terms, PAGE_WORD_COLUMNS)), (_SQLITE_PAGES, anywhere)
    else:
        exact, inside = tsquery_text(terms), compound_tsquery_text(terms)
        items = (_PG_ITEMS, exact), (_PG_ITEMS_COMPOUND, inside)
        pages = (_PG_PAGES, exact), (_PG_PAGES_COMPOUND, inside)
    compounds = finds_compounds(terms)
    item_ids = _ranked_ids(session, items[0], items[1] if compounds else None, limit)
    page_ids = _ranked_ids(session, pages[0], pages[1] if compounds else None, limit)
    bilag_count = min(len(page_ids), max(limit - len(item_ids), min(BILAG_SLOTS, limit)))
    stems = frozenset(stem(term) for term in terms)
    return _item_hits(session, item_ids[: limit - bilag_count], stems) + _page_hits(
        session, page_ids[:bilag_count], stems
    )


Lookup = tuple[TextClause, str]  # a statement and the query bound to it


def _ranked_ids(session: Session, exact: Lookup, compound: Lookup | None, limit: int) -> list[int]:
    """The exact hits, then, while places are free and some word can stand inside compounds, the
    compound hits not already found."""
    ids = list(session.scalars(exact[0], {"query": exact[1], "limit": limit}))
    if len(ids) == limit or compound is None:
        return ids
    found = set(ids)
    more = session.scalars(compound[0], {"query": compound[1], "limit": limit + len(ids)})
    return (ids + [i for i in more if i not in found])[:limit]


def _item_hits(session: Session, ids: list[int], stems: frozenset[str]) -> list[SearchHit]:
    rows = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.id.in_(ids))
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body))
    )
    by_id = {item.id: item for item in rows}
    return [_item_hit(by_id[i], stems) for i in ids]


def _item_hit(item: AgendaItem, stems: frozenset[str]) -> SearchHit:
    texts = [t for t in (getattr(item, name) for name in SNIPPET_FIELDS) if t]
    best: tuple[str, tuple[tuple[int, int], ...]] = ("", ())
    for candidate in texts:
        best = snippet(candidate, stems)
        if best[1]:
            break
    else:
        best = snippet(texts[0], stems) if texts else ("", ())
    return SearchHit(
        kind="item",
        meeting_id=item.meeting_id,
        meeting_date=item.meeting.date,
        body=item.meeting.body.name,
        document_id=item.document_id,
        page=item.page,
        item_id=item.id,
        item_number=item.number,
        title=" ".join(item.title.split()),
        snippet=best[0],
        highlights=best[1],
    )


def _is_title_line(line: str) -> bool:
    """Not blank and not a running header such as `KKR Midtjylland | Bilag | 23-04-2021 SIDE | 2`."""
    return bool(line.strip()) and "|" not in line


def _page_hits(session: Session, ids: list[int], stems: frozenset[str]) -> list[SearchHit]:
    rows = session.scalars(
        select(DocumentPage)
        .where(DocumentPage.id.in_(ids))
        .options(joinedload(DocumentPage.document).joinedload(Document.meeting).joinedload(Meeting.body))
    )
    by_id = {page.id: page for page in rows}
    hits = []
    for page_id in ids:
        page = by_id[page_id]
        meeting = page.document.meeting
        first_line = next((line.strip() for line in page.text.splitlines() if _is_title_line(line)), "")
        text_snippet, marks = snippet(page.text, stems)
        hits.append(
            SearchHit(
                kind="bilag",
                meeting_id=meeting.id,
                meeting_date=meeting.date,
                body=meeting.body.name,
                document_id=page.document_id,
                page=page.page,
                item_id=None,
                item_number=None,
                title=first_line[:100],
                snippet=text_snippet,
                highlights=marks,
            )
        )
    return hits
