"""Storing parsed meeting PDFs: migrations, the ingestion rules, versions, rollback; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

import storage
import storage.writes
from core.kinds import DocumentKind
from parsing import ParsedDocument, ParsedItem
from storage import (
    AgendaItem,
    Document,
    Event,
    ItemChange,
    Meeting,
    MeetingHints,
    StoreResult,
    queries,
    store_document,
)
from storage.models import Base
from texts import operator

FIXED_NOW = dt.datetime(2024, 1, 2, 3, 4, 5)
ALL_PDFS = (
    "kdnet-referat-2021-08-20",
    "kkr-bilag-2021-04-23",
    "kkr-dagsorden-2022-03-23",
    "kkr-referat-2021-04-23",
    "kkr-referat-2021-04-23-word",
)
Parsed = dict[str, tuple[ParsedDocument, str]]


def sha(label: str) -> str:
    """A made-up document's bytes are represented by a label; its sha256 is that label's."""
    return hashlib.sha256(label.encode()).hexdigest()


def store_all(session: Session, parsed_pdfs: Parsed, now: dt.datetime | None = None) -> list[StoreResult]:
    return [
        store_document(session, parsed, sha256=digest, source_url=f"file:{name}.pdf", now=now)
        for name, (parsed, digest) in ((n, parsed_pdfs[n]) for n in ALL_PDFS)
    ]


def table_names(engine: Engine) -> list[str]:
    """Every table, the SQLite FTS5 tables and their shadow tables included."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            return sorted(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")))
    return sorted(inspect(engine).get_table_names())


def dump(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """The whole database as text, row order ignored, search vectors included."""
    result = {}
    with engine.connect() as connection:
        for name in table_names(engine):
            rows = connection.execute(text(f'SELECT * FROM "{name}"'))
            result[name] = sorted(tuple(repr(value) for value in row) for row in rows)
    return result


def current_items(session: Session, day: dt.date, body: str = "KKR Midtjylland") -> list[AgendaItem]:
    meeting = queries.meeting_on(session, day, body)
    assert meeting is not None
    return queries.items_of(session, meeting)


# --- migrations and engines ---


def test_migrations_build_the_schema_from_an_empty_database(database_url: str) -> None:
    engine = storage.create_db_engine(database_url)
    try:
        assert storage.current_revision(engine) is None
        assert not storage.is_up_to_date(engine)
        with pytest.raises(storage.DatabaseNotMigrated, match="kkrbot db upgrade"):
            storage.open_database(database_url, migrate=False)

        storage.upgrade(database_url)
        assert storage.current_revision(engine) == storage.head_revision()
        assert storage.is_up_to_date(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        if engine.dialect.name == "sqlite":
            assert {"agenda_item_fts", "document_page_fts"} <= set(table_names(engine))
        else:
            columns = {c["name"] for c in inspect(engine).get_columns("agenda_item")}
            assert "search_vector" in columns

        storage.upgrade(database_url)  # a second run finds nothing to do
        assert storage.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_migrations_match_the_models(database: storage.Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    search_objects = ("agenda_item_fts", "document_page_fts", "search_vector")
    assert [d for d in differences if not any(s in repr(d) for s in search_objects)] == []


def test_default_database_is_an_sqlite_file_in_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = storage.open_database()
    try:
        assert (tmp_path / "data" / "kkrbot.sqlite3").is_file()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert busy_timeout == storage.db.SQLITE_BUSY_TIMEOUT_MS
    finally:
        db.dispose()


# --- storing documents ---


def test_every_fixture_pdf_is_stored(db_session: Session, parsed_pdfs: Parsed) -> None:
    results = store_all(db_session, parsed_pdfs)

    assert [operator.stored(r) for r in results] == [
        "nyt referat: KD-Net 20. august 2021, 11 punkter",
        "nye bilag: KKR Midtjylland 23. april 2021, 52 sider",
        "ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter",
        "nyt referat: KKR Midtjylland 23. april 2021, 9 punkter",
        "ny version (2) af referat: KKR Midtjylland 23. april 2021, 9 punkter, 0 ændringer",
    ]
    meetings = db_session.scalars(select(Meeting).order_by(Meeting.date)).all()
    assert [(m.body.name, m.date.isoformat(), m.state) for m in meetings] == [
        ("KKR Midtjylland", "2021-04-23", "held"),
        ("KD-Net", "2021-08-20", "held"),
        ("KKR Midtjylland", "2022-03-23", "planned"),
    ]
    april, kdnet, march = meetings
    assert (april.start_time, april.location) == (dt.time(9, 0), "Virtuelt møde (Teams)")
    assert (kdnet.start_time, kdnet.end_time) == (dt.time(10, 0), dt.time(12, 0))
    assert march.location == "Comwell Klostergaarden, Klostergade 1, Silkeborg"

    bilag = db_session.scalars(select(Document).where(Document.kind == "bilag")).one()
    assert bilag.meeting_id == april.id and bilag.pages == 52 and len(bilag.page_texts) == 52
    # The minutes alone created the April meeting's items, with their decisions.
    items = queries.items_of(db_session, april)
    parsed_minutes = parsed_pdfs["kkr-referat-2021-04-23-word"][0]
    assert [i.number for i in items] == [i.number for i in parsed_minutes.items]
    assert all(i.document.kind == "referat" and i.decision_document_id == i.document_id for i in items)
    assert all(i.document.version == 2 for i in items)
    assert items[2].decision == parsed_minutes.items[2].decision
    assert [i.number for i in current_items(db_session, dt.date(2022, 3, 23))] == [
        i.number for i in parsed_pdfs["kkr-dagsorden-2022-03-23"][0].items
    ]
    events = db_session.scalars(select(Event).order_by(Event.id)).all()
    kinds = ["new_minutes", "new_bilag", "new_agenda", "new_minutes", "new_version"]
    assert [e.kind for e in events] == kinds
    assert events[4].payload["document_kind"] == "referat" and events[4].payload["version"] == 2


def test_storing_everything_twice_changes_nothing(database: storage.Database, parsed_pdfs: Parsed) -> None:
    with database.session() as session:
        store_all(session, parsed_pdfs)
    once = dump(database.engine)
    with database.session() as session:
        again = store_all(session, parsed_pdfs)
    assert [r.status for r in again] == ["unchanged"] * len(ALL_PDFS)
    assert operator.stored(again[2]) == "uændret: dagsorden KKR Midtjylland 23. marts 2022"
    assert again[2].item_count == 15
    assert dump(database.engine) == once


def test_storing_is_deterministic(tmp_path: Path, parsed_pdfs: Parsed) -> None:
    dumps = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        db = storage.open_database(f"sqlite:///{tmp_path / name / 'kkrbot.sqlite3'}")
        with db.session() as session:
            store_all(session, parsed_pdfs, now=FIXED_NOW)
        dumps.append(dump(db.engine))
        db.dispose()
    assert dumps[0] == dumps[1]


def test_sha256_must_be_a_digest(db_session: Session, parsed_pdfs: Parsed) -> None:
    parsed, _ = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    with pytest.raises(ValueError, match="sha256"):
        store_document(db_session, parsed, sha256="not a digest")


# --- minutes merged into the agenda ---


def minutes_for(agenda: ParsedDocument) -> ParsedDocument:
    """Minutes of the agenda's meeting: decisions for all but the last item, and one extra item."""
    decided = tuple(replace(item, decision=f"Godkendt ({item.number}).") for item in agenda.items[:-1])
    extra = ParsedItem(number="7.1", title="Punkt optaget på mødet", page=30, decision="Drøftet.")
    return replace(agenda, kind="referat", start_time=dt.time(9, 30), items=(*decided, extra))


def test_minutes_add_decisions_to_the_agenda_items(db_session: Session, parsed_pdfs: Parsed) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    agenda_result = store_document(db_session, agenda, sha256=agenda_sha)
    result = store_document(db_session, minutes_for(agenda), sha256=sha("minutes"), now=FIXED_NOW)

    assert operator.stored(result) == "nyt referat: KKR Midtjylland 23. marts 2022, 15 punkter"
    meeting = db_session.get(Meeting, result.meeting_id)
    assert meeting is not None and meeting.id == agenda_result.meeting_id
    assert meeting.state == "held"
    assert meeting.start_time == dt.time(10, 0)  # the agenda's time stands before the minutes'
    items = queries.items_of(db_session, meeting)
    assert [i.number for i in items] == [i.number for i in agenda.items] + ["7.1"]
    for stored, parsed in zip(items[:-2], agenda.items[:-1], strict=True):
        assert stored.document_id == agenda_result.document_id
        assert stored.title == parsed.title and stored.recommendation == parsed.recommendation
        assert stored.decision == f"Godkendt ({parsed.number})."
        assert stored.decision_document_id == result.document_id
    undecided, extra = items[-2:]
    assert undecided.decision is None and undecided.decision_document_id is None
    assert extra.document_id == result.document_id and extra.decision == "Drøftet."
    assert db_session.scalar(select(func.count(AgendaItem.id))) == len(items)
    event = db_session.scalars(select(Event).where(Event.document_id == result.document_id)).one()
    assert (event.kind, event.created_at) == ("new_minutes", FIXED_NOW)


def test_minutes_before_the_agenda_end_the_same(db_session: Session, parsed_pdfs: Parsed) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    later = dt.date(2022, 6, 14)  # the same documents once more, for another meeting, the other way round
    store_document(db_session, agenda, sha256=agenda_sha)
    store_document(db_session, minutes_for(agenda), sha256=sha("minutes"))
    store_document(db_session, replace(minutes_for(agenda), meeting_date=later), sha256=sha("minutes 2"))
    store_document(db_session, replace(agenda, meeting_date=later), sha256=sha("agenda 2"))

    def outcome(day: dt.date) -> list[tuple[object, ...]]:
        meeting = queries.meeting_on(db_session, day)
        assert meeting is not None
        rows: list[tuple[object, ...]] = [(meeting.state, meeting.start_time, meeting.location)]
        for i in queries.items_of(db_session, meeting):
            section = i.section.number if i.section else None
            decided = i.decision_document_id is not None
            rows.append((i.number, i.title, i.recommendation, i.decision, decided, section))
        return rows

    assert outcome(agenda.meeting_date) == outcome(later)
    assert len(outcome(later)) == 1 + 16


# --- a re-published agenda ---


def republished(agenda: ParsedDocument) -> ParsedDocument:
    """The agenda again with 3.1 retitled, 3.2's recommendation changed, 4.5 gone, 4.7 new, and a new room."""
    items = []
    for item in agenda.items:
        if item.number == "3.1":
            item = replace(item, title="Sundhedsklynger i Midtjylland")
        elif item.number == "3.2":
            item = replace(item, recommendation="Det indstilles, at KKR godkender sundhedsaftalen.")
        elif item.number == "4.5":
            continue
        items.append(item)
    items.insert(len(items) - 1, ParsedItem(number="4.7", title="Udpegning til Vækstforum", page=33))
    return replace(agenda, items=tuple(items), location="Regionshuset Viborg")


def test_a_republished_agenda_is_a_new_version_with_its_changes(
    db_session: Session, parsed_pdfs: Parsed
) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    first = store_document(db_session, agenda, sha256=agenda_sha)
    store_document(db_session, minutes_for(agenda), sha256=sha("minutes"))
    second = store_document(db_session, republished(agenda), sha256=sha("agenda v2"))

    assert second.status == "new_version" and second.version == 2
    assert [(c.number, c.change) for c in second.changes] == [
        ("3.1", "retitled"),
        ("3.2", "recommendation_changed"),
        ("4.5", "removed"),
        ("4.7", "added"),
    ]
    assert second.changes[0].old_value == agenda.items[2].title
    assert second.changes[0].new_value == "Sundhedsklynger i Midtjylland"
    assert operator.stored(second) == (
        "ny version (2) af dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter, 4 ændringer"
    )
    stored_changes = db_session.scalars(select(ItemChange).order_by(ItemChange.id)).all()
    assert [(c.number, c.change, c.previous_document_id) for c in stored_changes] == [
        (c.number, c.change, first.document_id) for c in second.changes
    ]

    old, new = db_session.get(Document, first.document_id), db_session.get(Document, second.document_id)
    assert old is not None and new is not None
    assert not old.is_current and new.is_current
    items = current_items(db_session, agenda.meeting_date)
    assert "4.5" not in [i.number for i in items] and "4.7" in [i.number for i in items]
    assert {i.document_id for i in items if i.number != "7.1"} == {second.document_id}
    by_number = {i.number: i for i in items}
    assert by_number["3.1"].title == "Sundhedsklynger i Midtjylland"
    assert by_number["3.1"].decision == "Godkendt (3.1)."  # decisions recorded earlier stay
    assert queries.item(db_session, new.meeting, "3.2.") is by_number["3.2"]
    assert new.meeting.location == "Regionshuset Viborg"
    old_items = db_session.scalars(select(AgendaItem).where(AgendaItem.document_id == first.document_id))
    assert all(not i.is_current for i in old_items)
    event = db_session.scalars(select(Event).where(Event.document_id == second.document_id)).one()
    assert event.kind == "new_version"
    assert event.payload["changes"][0] == {"number": "3.1", "change": "retitled"}
    # Search knows only the current version: 4.5 is gone, every other item is found once.
    removed_title = next(i.title for i in agenda.items if i.number == "4.5")
    assert "4.5" not in [h.item_number for h in storage.search(db_session, removed_title)]
    hits = storage.search(db_session, "sundhedsaftale", limit=50)
    assert [(h.item_number, h.document_id) for h in hits if h.kind == "item"] == [("3.2", second.document_id)]


def test_a_republished_bilag_replaces_the_pages_search_finds(
    db_session: Session, parsed_pdfs: Parsed
) -> None:
    bilag, bilag_sha = parsed_pdfs["kkr-bilag-2021-04-23"]
    first = store_document(db_session, bilag, sha256=bilag_sha)
    second = store_document(db_session, replace(bilag, pages=bilag.pages + 1), sha256=sha("bilag v2"))
    assert (second.status, second.version, second.changes) == ("new_version", 2, ())
    hits = storage.search(db_session, "energieffektiviteten")
    assert hits and {h.document_id for h in hits} == {second.document_id}
    assert first.document_id != second.document_id


def test_republished_minutes_record_changed_decisions(db_session: Session, parsed_pdfs: Parsed) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    minutes = minutes_for(agenda)
    store_document(db_session, agenda, sha256=agenda_sha)
    store_document(db_session, minutes, sha256=sha("minutes"))
    corrected = replace(
        minutes,
        items=tuple(
            replace(i, decision="Godkendt med bemærkninger.") if i.number == "1.1" else i
            for i in minutes.items
            if i.number != "7.1"
        ),
    )
    result = store_document(db_session, corrected, sha256=sha("minutes v2"))
    assert [(c.number, c.change) for c in result.changes] == [("1.1", "decision_changed"), ("7.1", "removed")]
    by_number = {i.number: i for i in current_items(db_session, agenda.meeting_date)}
    assert by_number["1.1"].decision == "Godkendt med bemærkninger."
    assert by_number["1.1"].decision_document_id == result.document_id
    assert "7.1" not in by_number


# --- one transaction ---


def test_a_failure_rolls_back_the_whole_document(
    database: storage.Database, parsed_pdfs: Parsed, monkeypatch: pytest.MonkeyPatch
) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    bilag, bilag_sha = parsed_pdfs["kkr-bilag-2021-04-23"]
    with database.session() as session:
        store_document(session, agenda, sha256=agenda_sha)
    before = dump(database.engine)

    def broken_index(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(storage.writes, "index_items", broken_index)
    monkeypatch.setattr(storage.writes, "index_pages", broken_index)
    with database.session() as session:
        with pytest.raises(RuntimeError, match="disk full"):
            store_document(session, minutes_for(agenda), sha256=sha("minutes"))
        with pytest.raises(RuntimeError, match="disk full"):
            store_document(session, republished(agenda), sha256=sha("agenda v2"))
        with pytest.raises(RuntimeError, match="disk full"):
            store_document(session, bilag, sha256=bilag_sha)  # a new meeting: nothing of it stays
    assert dump(database.engine) == before

    monkeypatch.undo()
    with database.session() as session:
        assert store_document(session, minutes_for(agenda), sha256=sha("minutes")).status == "new"


# --- meeting facts from documents and hints ---


def test_page_hints_fill_only_what_no_document_says(db_session: Session, parsed_pdfs: Parsed) -> None:
    bilag, bilag_sha = parsed_pdfs["kkr-bilag-2021-04-23"]
    hints = MeetingHints(start_time=dt.time(8, 30), end_time=dt.time(12, 0), location="Hotel Papirfabrikken")
    result = store_document(db_session, bilag, sha256=bilag_sha, hints=hints)
    meeting = db_session.get(Meeting, result.meeting_id)
    assert meeting is not None
    assert (meeting.start_time, meeting.end_time, meeting.location) == (
        dt.time(8, 30),
        dt.time(12, 0),
        "Hotel Papirfabrikken",
    )
    minutes, minutes_sha = parsed_pdfs["kkr-referat-2021-04-23"]
    store_document(db_session, minutes, sha256=minutes_sha)
    db_session.refresh(meeting)
    assert (meeting.start_time, meeting.end_time, meeting.location) == (
        dt.time(9, 0),
        dt.time(12, 0),  # the minutes give no end time
        "Virtuelt møde (Teams)",
    )


def test_a_supplementary_agenda_adds_its_items(db_session: Session, parsed_pdfs: Parsed) -> None:
    agenda, agenda_sha = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    store_document(db_session, agenda, sha256=agenda_sha)
    extra = ParsedItem(number="4.7", title="Udpegning til Vækstforum", page=1, recommendation="At udpege.")
    supplement = replace(agenda, kind=DocumentKind.TILLAEGSDAGSORDEN, pages=1, sections=(), items=(extra,))
    result = store_document(db_session, supplement, sha256=sha("tillæg"))

    assert operator.stored(result) == "ny tillægsdagsorden: KKR Midtjylland 23. marts 2022, 1 punkt"
    numbers = [i.number for i in current_items(db_session, agenda.meeting_date)]
    assert numbers == sorted([i.number for i in agenda.items] + ["4.7"], key=storage.writes.sort_key)
    event = db_session.scalars(select(Event).where(Event.document_id == result.document_id)).one()
    assert event.kind == "new_supplementary_agenda"
    with pytest.raises(ValueError, match="kind"):
        store_document(db_session, replace(agenda, kind="nyhedsbrev"), sha256=sha("x"))  # type: ignore[arg-type]
