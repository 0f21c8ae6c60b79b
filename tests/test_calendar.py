"""/kalender: the upcoming meetings as an .ics file, read back with icalendar as a calendar app would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from icalendar import Calendar, Component

import storage
from fake_bot_api import FakeTelegram
from handlers.chat import run_chat
from handlers.commands import answer
from handlers.context import HandlerContext
from parsing import ParsedDocument
from tests.bot_process import running_bot
from tests.conftest import DATABASE_KINDS, fresh_database_url
from texts.html import plain_text
from texts.replies import Reply

BEFORE_AGENDA = dt.date(2022, 3, 1)
AGENDA_DAY = dt.date(2022, 3, 23)  # KKR Midtjylland, dagsorden, 10.00, winter time
PLANNED_DAY = dt.date(2022, 6, 14)  # known only from a meeting page: no time, no documents
TIMED_DAY = dt.date(2022, 9, 1)  # the agenda again, 13.00–15.30, summer time
CANCELLED_DAY = dt.date(2022, 10, 5)
PDF_URL = "https://www.kl.dk/media/{name}.pdf"
LONG_PLACE = (
    "Regionshuset Viborg, Skottenborg 26, 8800 Viborg – mødelokale Søndersø på første sal, "
    "indgang fra gården ved åen (følg skiltene til KKR-sekretariatet)"
)
COPENHAGEN = "Europe/Copenhagen"


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def calendar_database(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    parsed_pdfs: dict[str, tuple[ParsedDocument, str]],
) -> Iterator[storage.Database]:
    """The fixture PDFs with web addresses, a planned meeting without a time and a cancelled one."""
    with fresh_database_url(request.param, tmp_path_factory.mktemp("calendar")) as url:
        db = storage.open_database(url)
        with db.session() as session:
            for name, (parsed, digest) in parsed_pdfs.items():
                storage.store_document(session, parsed, sha256=digest, source_url=PDF_URL.format(name=name))
            agenda = parsed_pdfs["kkr-dagsorden-2022-03-23"][0]
            timed = dataclasses.replace(
                agenda, meeting_date=TIMED_DAY, start_time=dt.time(13), end_time=dt.time(15, 30)
            )
            storage.store_document(session, timed, sha256="1" * 64)
            body = session.scalars(
                storage.queries.select(storage.Body).where(storage.Body.name == "KKR Midtjylland")
            ).one()
            session.add(storage.Meeting(body=body, date=PLANNED_DAY, state="planned", location=LONG_PLACE))
            session.add(storage.Meeting(body=body, date=CANCELLED_DAY, state="cancelled"))
            session.commit()
        yield db
        db.dispose()


def ask_calendar(db: storage.Database, today: dt.date) -> Reply:
    replies = answer(HandlerContext(db=db, today=lambda: today), "/kalender")
    assert len(replies) == 1
    return replies[0]


def calendar_of(db: storage.Database, today: dt.date = BEFORE_AGENDA) -> tuple[bytes, Calendar]:
    reply = ask_calendar(db, today)
    assert reply.document is not None
    assert reply.document.filename.endswith(".ics") and reply.document.mime_type == "text/calendar"
    return reply.document.content, Calendar.from_ical(reply.document.content)


def events_by_day(calendar: Calendar) -> dict[dt.date, Component]:
    events: dict[dt.date, Component] = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        events[start.date() if isinstance(start, dt.datetime) else start] = event
    return events


def meeting_id(db: storage.Database, day: dt.date) -> int:
    with db.session() as session:
        meeting = storage.queries.meeting_on(session, day)
        assert meeting is not None
        return meeting.id


def test_every_upcoming_meeting_is_an_event_and_cancelled_ones_are_not(
    calendar_database: storage.Database,
) -> None:
    _, calendar = calendar_of(calendar_database)
    assert set(events_by_day(calendar)) == {AGENDA_DAY, PLANNED_DAY, TIMED_DAY}
    _, later = calendar_of(calendar_database, today=dt.date(2022, 6, 1))
    assert set(events_by_day(later)) == {PLANNED_DAY, TIMED_DAY}


def test_a_meeting_with_a_start_is_timed_in_copenhagen_time_with_its_vtimezone(
    calendar_database: storage.Database,
) -> None:
    data, calendar = calendar_of(calendar_database)
    events = events_by_day(calendar)
    winter, summer = events[AGENDA_DAY], events[TIMED_DAY]
    start, end = winter.decoded("dtstart"), winter.decoded("dtend")
    assert start == dt.datetime(2022, 3, 23, 9, tzinfo=dt.UTC)  # 10.00 in Silkeborg, CET
    assert end == start + dt.timedelta(hours=2)  # the PDF gives no end: two hours are set aside
    assert "Sluttidspunktet er ikke oplyst" in str(winter["description"])
    assert summer.decoded("dtstart") == dt.datetime(2022, 9, 1, 11, tzinfo=dt.UTC)  # 13.00 CEST
    assert summer.decoded("dtend") == dt.datetime(2022, 9, 1, 13, 30, tzinfo=dt.UTC)
    assert "Sluttidspunktet" not in str(summer["description"])
    for event in (winter, summer):
        assert event["dtstart"].params["TZID"] == COPENHAGEN
        assert event["dtend"].params["TZID"] == COPENHAGEN
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == [COPENHAGEN]
    assert b"DTSTART;TZID=Europe/Copenhagen:20220323T100000\r\n" in data
    assert calendar.get_missing_tzids() == set()


def test_a_meeting_without_a_time_is_an_all_day_event(calendar_database: storage.Database) -> None:
    _, calendar = calendar_of(calendar_database)
    planned = events_by_day(calendar)[PLANNED_DAY]
    assert planned.decoded("dtstart") == PLANNED_DAY
    assert planned.decoded("dtend") == PLANNED_DAY + dt.timedelta(days=1)
    assert planned["dtstart"].params.get("VALUE") == "DATE"
    assert "ikke offentliggjort" in str(planned["description"])
    assert "url" not in planned


def test_events_carry_place_summary_item_count_and_the_agenda_link(
    calendar_database: storage.Database,
) -> None:
    _, calendar = calendar_of(calendar_database)
    events = events_by_day(calendar)
    agenda = events[AGENDA_DAY]
    pdf = PDF_URL.format(name="kkr-dagsorden-2022-03-23")
    assert str(agenda["summary"]) == "KKR Midtjylland: møde"
    assert str(agenda["location"]) == "Comwell Klostergaarden, Klostergade 1, Silkeborg"
    assert str(agenda["url"]) == pdf
    description = str(agenda["description"])
    assert "Dagsorden med 15 punkter." in description and pdf in description
    assert "/dagsorden 23-03-2022" in description
    assert str(events[PLANNED_DAY]["location"]) == LONG_PLACE
    assert "url" not in events[TIMED_DAY]  # stored without a web address


def test_uids_are_stable_so_a_new_import_updates_the_events(calendar_database: storage.Database) -> None:
    _, first = calendar_of(calendar_database)
    _, again = calendar_of(calendar_database)
    uids = {day: str(event["uid"]) for day, event in events_by_day(first).items()}
    assert uids == {day: str(event["uid"]) for day, event in events_by_day(again).items()}
    for day, uid in uids.items():
        assert uid == f"meeting-{meeting_id(calendar_database, day)}@kkrbot"


def test_the_file_follows_rfc_5545(calendar_database: storage.Database) -> None:
    data, calendar = calendar_of(calendar_database)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    physical_lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(physical_lines)  # CRLF everywhere, never a bare LF
    assert all(len(line) <= 75 for line in physical_lines)  # folded at 75 octets
    data.decode("utf-8")  # folding never splits a Danish letter's bytes
    assert any(line.startswith(b" ") for line in physical_lines)  # the long place was folded
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//")
    for event in calendar.walk("VEVENT"):
        for name in ("uid", "dtstamp", "dtstart"):
            assert name in event, name
        stamp = event.decoded("dtstamp")
        assert isinstance(stamp, dt.datetime) and stamp.utcoffset() == dt.timedelta(0)
    assert re.search(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", data)


def test_no_upcoming_meetings_is_a_danish_message_without_a_file(
    calendar_database: storage.Database,
) -> None:
    reply = ask_calendar(calendar_database, dt.date(2030, 1, 1))
    assert reply.document is None
    assert "ingen kommende møder" in plain_text(reply.html)


def test_the_caption_says_what_the_file_is(calendar_database: storage.Database) -> None:
    reply = ask_calendar(calendar_database, BEFORE_AGENDA)
    assert plain_text(reply.html).startswith("3 kommende møder som kalenderfil")


def test_the_terminal_chat_names_the_file(calendar_database: storage.Database) -> None:
    shown: list[str] = []
    run_chat(HandlerContext(db=calendar_database, today=lambda: BEFORE_AGENDA), ["/kalender"], shown.append)
    assert re.search(r"\[fil: kkr-moeder\.ics, \d+ bytes\]", "\n".join(shown))


# --- the real bot, sending the file to Telegram ---


@pytest.fixture(scope="module")
def ingested_file(ingested_copy: Callable[[], str]) -> str:
    """An SQLite file with the fixture PDFs ingested."""
    return ingested_copy()


def test_the_bot_sends_the_calendar_as_a_document(ingested_file: str) -> None:
    member = 4711
    with FakeTelegram() as telegram:
        telegram.add_user(member, "Mette")
        with running_bot(telegram, DATABASE_URL=ingested_file, KKRBOT_TODAY="2022-03-20"):
            telegram.push_message(member, "/kalender")
            document = telegram.wait_for(
                lambda: next(iter(telegram.documents(member)), None), timeout=30, what="the .ics file"
            )
        assert telegram.errors() == []
    assert document.filename == "kkr-moeder.ics" and document.mime_type == "text/calendar"
    assert "kalenderfil" in document.caption
    events = events_by_day(Calendar.from_ical(document.content))
    assert set(events) == {AGENDA_DAY}
    assert events[AGENDA_DAY].decoded("dtstart") == dt.datetime(2022, 3, 23, 9, tzinfo=dt.UTC)
    assert "Comwell Klostergaarden" in str(events[AGENDA_DAY]["location"])
