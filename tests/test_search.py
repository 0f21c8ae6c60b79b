"""Searching items and bilag: Danish word forms, ranking, snippets, and input that must stay inert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import storage
from parsing import ParsedDocument
from storage import AgendaItem, Document, SearchHit, search
from storage.words import fts5_query, query_terms, snippet, stem, stemmed_text, tsquery_text

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
    assert tsquery_text(["sundhedsaftalen", "kl"]) == "sundhedsaftalen:* & kl"
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
