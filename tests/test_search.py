"""Searching items and bilag: Danish word forms, ranking, snippets, and input that must stay inert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import storage
from parsing import ParsedDocument
from storage import AgendaItem, Document, DocumentPage, SearchHit, search
from storage.db import alembic_config
from storage.search_index import item_body
from storage.words import (
    compound_parts,
    compound_tsquery_text,
    fts5_query,
    matched_words,
    query_terms,
    snippet,
    stem,
    stemmed_text,
    tsquery_text,
)

Parsed = dict[str, tuple[ParsedDocument, str]]
HOSTILE = [
    "",
    "   ",
    '"',
    "*",
    "NEAR(",
    "NEAR(sundhedsaftale klynger, 2)",
    "'; DROP TABLE agenda_item; --",
    "title:sundhedsaftale",
    "AND OR NOT",
    "^sundhedsaftale",
    '"sundhedsaftale',
    "sundhedsaftale*",
    "(sundhedsaftale",
    "\\x00\x00",
    "%_",
    "🙂",
    "sundhedsaftale:*",  # to_tsquery syntax
    "aftale:*A & !udvalg | (kl",
    "{title_parts body_parts} : sundhedsaftale",  # FTS5 column filters, the compound parts' columns too
    "body_parts:aftale",
]


@pytest.fixture
def session(filled_database: storage.Database) -> Iterator[Session]:
    with filled_database.session() as session:
        yield session


def item_hits(hits: list[SearchHit]) -> list[tuple[str, str | None]]:
    return [(h.meeting_date.isoformat(), h.item_number) for h in hits if h.kind == "item"]


def highlighted(hit: SearchHit) -> list[str]:
    return [hit.snippet[start:end] for start, end in hit.highlights]


def test_a_word_finds_its_other_danish_forms(session: Session) -> None:
    hits = search(session, "sundhedsaftale")
    assert item_hits(hits)[0] == ("2022-03-23", "3.2")
    first = hits[0]
    assert first.body == "KKR Midtjylland" and first.title == "Sundhedsprofil og sundhedsaftaler"
    item = session.get(AgendaItem, first.item_id)
    assert item is not None and item.number == "3.2" and item.meeting_id == first.meeting_id
    assert "sundhedsaftalen" in (item.case_presentation or "") + (item.background or "")
    assert highlighted(first) and all(stem(w.lower()) == "sundhedsaftal" for w in highlighted(first))
    for form in ("sundhedsaftalen", "Sundhedsaftaler", "SUNDHEDSAFTALERNE"):
        assert item_hits(search(session, form))[0] == ("2022-03-23", "3.2")


def test_every_word_must_occur(session: Session) -> None:
    assert item_hits(search(session, "sundhedsaftale sundhedsprofil")) == [("2022-03-23", "3.2")]
    assert search(session, "sundhedsaftale klimahandlingsplan") == []


def test_a_word_broken_over_a_line_is_found_whole(session: Session) -> None:
    # "Vil-\nkår" stands in the case presentation of 3.1 of the April 2021 minutes.
    assert ("2021-04-23", "3.1") in item_hits(search(session, "vilkår"))


def test_bilag_pages_are_searched(session: Session, parsed_pdfs: Parsed) -> None:
    bilag, _ = parsed_pdfs["kkr-bilag-2021-04-23"]
    wanted = stem("energieffektiviteten")
    pages = [n for n, page in enumerate(bilag.page_texts, 1) if wanted in stemmed_text(page).split()]
    assert pages
    hits = search(session, "energieffektiviteten")
    assert [(h.kind, h.meeting_date, h.page) for h in hits] == [
        ("bilag", dt.date(2021, 4, 23), page) for page in pages
    ]
    document = session.get(Document, hits[0].document_id)
    assert document is not None and document.kind == "bilag"
    assert hits[0].item_id is None and hits[0].title and "|" not in hits[0].title
    assert {stem(w.lower()) for w in highlighted(hits[0])} == {wanted}


def test_items_come_first_but_bilag_keep_a_place(session: Session) -> None:
    hits = search(session, "klimahandlingsplan")
    kinds = [h.kind for h in hits]
    assert kinds[0] == "item" and "bilag" in kinds
    assert kinds == sorted(kinds, key=["item", "bilag"].index)
    assert len(search(session, "kkr", limit=4)) == 4
    assert search(session, "kkr", limit=0) == []


def test_only_current_versions_are_found(session: Session) -> None:
    # The April 2021 minutes were stored twice (two typesettings): each item is found once.
    hits = search(session, "klimahandlingsplan")
    assert item_hits(hits).count(("2021-04-23", "3.2")) == 1


@pytest.mark.parametrize("words", HOSTILE)
def test_hostile_input_is_just_words(session: Session, words: str) -> None:
    items_before = session.scalar(select(func.count(AgendaItem.id)))
    hits = search(session, words)
    assert isinstance(hits, list)
    assert session.scalar(select(func.count(AgendaItem.id))) == items_before
    if "sundhedsaftale" in words and "NEAR" not in words and ":" not in words:
        assert item_hits(hits)[0] == ("2022-03-23", "3.2")


def test_query_terms_are_quoted_plain_tokens() -> None:
    assert query_terms('NEAR(" sundhedsaftale* ^x OR') == ["near", "sundhedsaftale", "x", "or"]
    assert fts5_query(["near", "sundhedsaftalen", "kl"]) == '"near"* "sundhedsaftal"* "kl"'
    assert (
        fts5_query(["sundhedsaftalen", "kl"], ("title", "body")) == '{title body} : ("sundhedsaftal"* "kl")'
    )
    assert tsquery_text(["sundhedsaftalen", "kl"]) == "sundhedsaftalen:* & kl"
    assert compound_tsquery_text(["sundhedsaftalen", "kl"]) == "sundhedsaftal:* & kl"
    assert query_terms("a " * 50) == ["a"]
    assert len(query_terms(" ".join(f"ord{n}" for n in range(50)))) == 12


def test_indexed_text_keeps_both_forms_of_a_broken_word() -> None:
    indexed = stemmed_text("for-\nåret og social- og sundhed").split()
    assert indexed[:5] == ["for", stem("året"), "og", "social", "og"]
    assert stem("foråret") in indexed


def test_snippet_shows_the_matched_words() -> None:
    text = " ".join(["fyld"] * 40) + " om sundhedsaftalen\nog " + " ".join(["mere"] * 40)
    shown, marks = snippet(text, frozenset({"sundhedsaftal"}))
    assert shown.startswith("… ") and shown.endswith(" …")
    assert [shown[a:b] for a, b in marks] == ["sundhedsaftalen"]
    assert "\n" not in shown
    assert snippet("", frozenset({"x"})) == ("", ())


def test_a_word_finds_the_compounds_it_begins(session: Session) -> None:
    hits = search(session, "klima")
    assert ("2021-04-23", "3.2") in item_hits(hits)  # Klimahandlingsplan for KKR Midtjylland
    assert any(w.lower().startswith("klima") for hit in hits for w in highlighted(hit))


# --- words inside compounds: the last part of a Danish compound finds it too ---


def indexed_stems(session: Session, hit: SearchHit) -> list[str]:
    """The stems of what the index holds for a hit: an item's title and body, or a bilag page."""
    if hit.kind == "item":
        item = session.get(AgendaItem, hit.item_id)
        assert item is not None
        return stemmed_text(item.title + "\n" + item_body(item)).split()
    page = session.scalar(
        select(DocumentPage).where(DocumentPage.document_id == hit.document_id, DocumentPage.page == hit.page)
    )
    assert page is not None
    return stemmed_text(page.text).split()


def test_a_word_finds_the_compounds_it_ends(session: Session) -> None:
    # KD-Net, 20 August 2021, item 7: "… erstattes af et sundhedssamarbejdsudvalg og af sundhedsklynger"
    hits = search(session, "samarbejdsudvalget")
    assert ("2021-08-20", "7") in item_hits(hits)
    words = [w.lower() for hit in hits for w in highlighted(hit)]
    assert words and all(w.startswith("sundhedssamarbejdsudvalg") for w in words)
    stems = {s for hit in hits for s in indexed_stems(session, hit)}
    assert "samarbejdsudvalg" not in stems  # the fixtures have the word only inside compounds


def test_aftale_finds_sundhedsaftaler(session: Session) -> None:
    # The agenda of 23 March 2022, item 3.2 "Sundhedsprofil og sundhedsaftaler": no "aftale" of its own.
    hits = search(session, "aftale", limit=50)
    [hit] = [h for h in hits if (h.meeting_date.isoformat(), h.item_number) == ("2022-03-23", "3.2")]
    assert not any(s.startswith("aftal") for s in indexed_stems(session, hit))
    assert highlighted(hit) and all("aftal" in stem(w.lower()) for w in highlighted(hit))
    assert any(w.lower().startswith("sundhedsaftale") for w in highlighted(hit))


@pytest.mark.parametrize("word", ["aftale", "udvalg", "plan", "uddannelse"])
def test_the_words_themselves_rank_above_compounds(session: Session, word: str) -> None:
    wanted = stem(word)
    hits = search(session, word, limit=100)
    exact = {id(h): any(s.startswith(wanted) for s in indexed_stems(session, h)) for h in hits}
    assert set(exact.values()) == {True, False}  # both sorts are found
    for kind in ("item", "bilag"):
        order = [exact[id(h)] for h in hits if h.kind == kind]
        assert order == sorted(order, reverse=True)  # every exact hit before every compound one


def test_title_hits_rank_first(session: Session) -> None:
    hits = search(session, "udvalg")
    assert item_hits(hits)[0] == ("2022-03-23", "4.2")  # "Udpegning til politisk udvalg for …"


@pytest.mark.parametrize("word", ["it", "kl", "tal", "råd"])
def test_a_short_word_finds_only_itself(session: Session, word: str) -> None:
    # These stand inside many words of the fixtures ("politik", "klima", "antal", "passagerråd").
    hits = search(session, word, limit=100)
    assert hits
    for hit in hits:
        assert stem(word) in indexed_stems(session, hit)
        assert {stem(w.lower()) for w in highlighted(hit)} == {stem(word)}  # "tale" is a form of "tal"


def test_highlights_mark_whole_compounds_and_never_parts_of_short_words() -> None:
    text = "Sundhedssamarbejdsudvalget og KL drøfter it-politik og sundhedsaftaler."
    words = [m.group() for m in matched_words(text, frozenset({stem("samarbejdsudvalget"), "kl", "it"}))]
    assert words == ["Sundhedssamarbejdsudvalget", "KL", "it"]
    assert [m.group() for m in matched_words(text, frozenset({stem("aftale")}))] == ["sundhedsaftaler"]
    shown, marks = snippet(text, frozenset({stem("aftaler")}))
    assert [shown[a:b] for a, b in marks] == ["sundhedsaftaler"]


def test_the_index_holds_each_stems_tails_of_four_letters_or_more() -> None:
    stems = stemmed_text("Sundhedsaftaler, KL, 2021 og sundhedsaftalen").split()
    tails = "undhedsaftal ndhedsaftal dhedsaftal hedsaftal edsaftal dsaftal saftal aftal ftal"
    assert compound_parts(stems) == tails  # none of "kl", "2021" or "og"
    assert compound_parts(stems, with_stems=True).split()[:4] == ["sundhedsaftal", "kl", "2021", "og"]


def test_an_index_made_before_compounds_is_made_again_on_upgrade(
    database_url: str, parsed_pdfs: Parsed
) -> None:
    """Migration 0005 indexes the rows already stored: what it makes equals what storing makes now."""
    db = storage.open_database(database_url)
    try:
        with db.session() as session:
            for name in ("kdnet-referat-2021-08-20", "kkr-dagsorden-2022-03-23"):
                parsed, digest = parsed_pdfs[name]
                storage.store_document(session, parsed, sha256=digest)
        stored = search_index_contents(db)
        migrate(db, command.downgrade, "0004")
        assert search_index_contents(db) != stored
        migrate(db, command.upgrade, "head")
        assert search_index_contents(db) == stored
        with db.session() as session:
            assert ("2021-08-20", "7") in item_hits(search(session, "samarbejdsudvalget"))
    finally:
        db.dispose()


def migrate(db: storage.Database, step: Callable[[Config, str], None], revision: str) -> None:
    """An Alembic command (`command.upgrade`, `command.downgrade`) on the open database."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def search_index_contents(db: storage.Database) -> list[tuple[object, ...]]:
    if db.engine.dialect.name == "sqlite":
        queries = ["SELECT rowid, * FROM agenda_item_fts", "SELECT rowid, * FROM document_page_fts"]
    else:
        columns = "search_vector::text, " + (
            "compound_search_vector::text" if has_compound_vector(db) else "NULL"
        )
        queries = [f"SELECT id, {columns} FROM agenda_item", f"SELECT id, {columns} FROM document_page"]
    with db.engine.connect() as connection:
        return [tuple(row) for query in queries for row in connection.execute(text(query + " ORDER BY 1"))]


def has_compound_vector(db: storage.Database) -> bool:
    with db.engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name = 'compound_search_vector'"
                )
            )
        )
