"""The reads the bot makes (next meeting, items, neighbours, appointments) and what pollers remember."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from parsing import ParsedDocument, ParsedItem
from storage import Appointment, Body, Meeting, Organization, Person, SourceState, queries, store_document
from storage.polls import record_planned_meeting, record_poll, source_state
from storage.results import StoreResult
from storage.writes import sort_key
from tests.test_storage import sha
from texts import operator

Parsed = dict[str, tuple[ParsedDocument, str]]


def agenda_on(
    day: dt.date, body: str = "KKR Midtjylland", numbers: tuple[str, ...] = ("1.1",)
) -> ParsedDocument:
    return ParsedDocument(
        kind="dagsorden",
        body=body,  # type: ignore[arg-type]
        meeting_date=day,
        pages=1,
        items=tuple(ParsedItem(number=n, title=f"Punkt {n}", page=1) for n in numbers),
    )


def store(session: Session, parsed: ParsedDocument) -> StoreResult:
    return store_document(session, parsed, sha256=sha(repr(parsed)))


def test_next_and_upcoming_meetings(db_session: Session) -> None:
    for day, body in [
        (dt.date(2024, 1, 10), "KKR Midtjylland"),
        (dt.date(2024, 3, 1), "KD-Net"),
        (dt.date(2024, 3, 1), "KKR Midtjylland"),
        (dt.date(2024, 6, 14), "KKR Midtjylland"),
    ]:
        store(db_session, agenda_on(day, body))
    cancelled = queries.meeting_on(db_session, dt.date(2024, 3, 1), "KKR Midtjylland")
    assert cancelled is not None
    cancelled.state = "cancelled"
    db_session.commit()

    today = dt.date(2024, 1, 11)
    upcoming = queries.upcoming_meetings(db_session, today)
    assert [(m.date.isoformat(), m.body.name) for m in upcoming] == [
        ("2024-03-01", "KD-Net"),
        ("2024-06-14", "KKR Midtjylland"),
    ]
    nxt = queries.next_meeting(db_session, today, councils="KKR Midtjylland")
    assert nxt is not None and nxt.date == dt.date(2024, 6, 14)
    same_day = queries.next_meeting(db_session, dt.date(2024, 6, 14))
    assert same_day is not None and same_day.date == dt.date(2024, 6, 14)
    assert queries.next_meeting(db_session, dt.date(2024, 6, 15)) is None

    latest = queries.latest_meetings(db_session, 2)
    assert [m.date.isoformat() for m in latest] == ["2024-06-14", "2024-03-01"]
    before = queries.latest_meetings(db_session, 5, councils="KKR Midtjylland", before=dt.date(2024, 3, 1))
    assert [m.date.isoformat() for m in before] == ["2024-01-10"]

    both = db_session.scalars(
        select(Meeting).join(Meeting.body).where(Meeting.date == dt.date(2024, 3, 1)).order_by(Body.name)
    )
    assert [m.body.name for m in both] == ["KD-Net", "KKR Midtjylland"]
    kdnet = queries.meeting_on(db_session, dt.date(2024, 3, 1), "KD-Net")
    assert kdnet is not None and kdnet.body.name == "KD-Net"
    assert queries.meeting_on(db_session, dt.date(2024, 3, 2)) is None
    assert list(db_session.scalars(select(Body.name).order_by(Body.name))) == ["KD-Net", "KKR Midtjylland"]


def test_items_in_agenda_order_with_neighbours(db_session: Session) -> None:
    numbers = ("1.1", "3.10", "3.9", "3.1", "10.1", "2.1")
    result = store(db_session, agenda_on(dt.date(2024, 2, 2), numbers=numbers))
    meeting = db_session.get(Meeting, result.meeting_id)
    assert meeting is not None
    items = queries.items_of(db_session, meeting)
    assert [i.number for i in items] == ["1.1", "2.1", "3.1", "3.9", "3.10", "10.1"]

    nine = queries.item(db_session, meeting, " 3.9. ")
    assert nine is not None and nine.title == "Punkt 3.9"
    around = queries.neighbours(db_session, nine)
    assert (around.previous and around.previous.number, around.next and around.next.number) == ("3.1", "3.10")
    first = queries.neighbours(db_session, items[0])
    assert first.previous is None and first.next is items[1]
    last = queries.neighbours(db_session, items[-1])
    assert last.previous is items[-2] and last.next is None
    assert queries.item(db_session, meeting, "4.4") is None
    assert sort_key("3.10") > sort_key("3.9") > sort_key("3")


def test_documents_changes_and_known_urls(db_session: Session, parsed_pdfs: Parsed) -> None:
    agenda, digest = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    url = "https://www.kl.dk/media/dagsorden.pdf"
    first = store_document(db_session, agenda, sha256=digest, source_url=url)
    retitled = replace(
        agenda, items=(replace(agenda.items[0], title="Godkendelse af referat"), *agenda.items[1:])
    )
    store_document(db_session, retitled, sha256=sha("v2"))
    meeting = db_session.get(Meeting, first.meeting_id)
    assert meeting is not None
    documents = queries.documents_of(db_session, meeting)
    assert [(d.kind, d.version, d.is_current) for d in documents] == [
        ("dagsorden", 1, False),
        ("dagsorden", 2, True),
    ]
    assert [(c.number, c.change, c.new_value) for c in queries.changes_of(db_session, documents[1])] == [
        ("1.1", "retitled", "Godkendelse af referat")
    ]
    assert queries.changes_of(db_session, documents[0]) == []
    assert queries.is_known_source_url(db_session, url)
    assert not queries.is_known_source_url(db_session, url + "?x=1")
    known = queries.document_with_sha256(db_session, digest)
    assert known is not None and known.id == first.document_id
    assert queries.document_with_sha256(db_session, sha("never stored")) is None
    assert [s.number for s in queries.sections_of(db_session, meeting)] == [s.number for s in agenda.sections]


def test_appointments_of_a_person(db_session: Session) -> None:
    anna = Person(name="Anna Hansen", municipality="Silkeborg")
    other = Person(name="Bo Jensen", municipality="Viborg")
    board, council = Organization(name="Region Midtjyllands vækstforum"), Organization(name="FGU Danmark")
    db_session.add_all(
        [
            Appointment(person=anna, organization=board, role="formand", start_date=dt.date(2022, 1, 1)),
            Appointment(
                person=anna,
                organization=council,
                role="suppleant",
                start_date=dt.date(2018, 1, 1),
                end_date=dt.date(2021, 12, 31),
                appointed_by="KKR Midtjylland",
            ),
            Appointment(person=other, organization=board, role="medlem"),
        ]
    )
    db_session.commit()
    everything = queries.appointments_of(db_session, anna)
    assert [(a.organization.name, a.role) for a in everything] == [
        ("FGU Danmark", "suppleant"),
        ("Region Midtjyllands vækstforum", "formand"),
    ]
    now = queries.appointments_of(db_session, anna, on=dt.date(2024, 5, 1))
    assert [a.organization.name for a in now] == ["Region Midtjyllands vækstforum"]
    assert [a.role for a in queries.appointments_of(db_session, other, on=dt.date(2024, 5, 1))] == ["medlem"]


def test_describe_counts_in_danish(db_session: Session) -> None:
    one = store(db_session, agenda_on(dt.date(2022, 6, 14)))
    assert operator.stored(one) == "ny dagsorden: KKR Midtjylland 14. juni 2022, 1 punkt"
    two = store(db_session, agenda_on(dt.date(2022, 6, 14), numbers=("1.1", "1.2")))
    assert (
        operator.stored(two)
        == "ny version (2) af dagsorden: KKR Midtjylland 14. juni 2022, 2 punkter, 1 ændring"
    )


def test_polls_remember_validators_only_when_nothing_failed(db_session: Session) -> None:
    url = "https://www.kl.dk/kkr/moedemateriale/"
    blank = source_state(db_session, url)
    assert (blank.etag, blank.last_modified, blank.id) == (None, None, None)

    t1, t2 = dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 1, 1, 9)
    record_poll(db_session, url, etag='"v1"', last_modified="Mon, 01 Jan 2024 07:00:00 GMT", now=t1)
    record_poll(db_session, url, etag='"v2"', last_modified=None, error="HTTP 503", now=t2)
    db_session.commit()
    state = db_session.scalars(select(SourceState)).one()
    assert (state.etag, state.last_modified) == ('"v1"', "Mon, 01 Jan 2024 07:00:00 GMT")
    assert (state.last_poll, state.last_success, state.last_error) == (t2, t1, "HTTP 503")
    record_poll(db_session, url, etag='"v2"', last_modified=None, now=t2)
    assert source_state(db_session, url).etag == '"v2"' and state.last_error is None


def test_a_page_announced_meeting_is_filled_in_by_its_documents(db_session: Session) -> None:
    day = dt.date(2024, 9, 5)
    record_planned_meeting(db_session, "KKR Midtjylland", day, start_time=dt.time(9), location="Viborg")
    db_session.commit()
    planned = queries.next_meeting(db_session, dt.date(2024, 9, 1))
    assert planned is not None and (planned.state, planned.start_time, planned.location) == (
        "planned",
        dt.time(9),
        "Viborg",
    )
    agenda = replace(agenda_on(day), start_time=dt.time(10), location="Silkeborg")
    result = store(db_session, agenda)
    assert result.meeting_id == planned.id
    db_session.refresh(planned)
    assert (planned.start_time, planned.location) == (dt.time(10), "Silkeborg")
    record_planned_meeting(db_session, "KKR Midtjylland", day, start_time=dt.time(8), location="Aarhus")
    assert (planned.start_time, planned.location) == (dt.time(10), "Silkeborg")
