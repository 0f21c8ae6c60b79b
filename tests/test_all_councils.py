"""One installation for every council (issue 15): each member sees their own council's meetings.

The fixture material is stored under three councils: KKR Midtjylland and KD-Net as published, the
agenda again as KKR Nordjylland's (two days later) and the minutes again as KKR Hovedstaden's (the
same day as Midtjylland's, so that one date has two councils' meetings).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

import storage
from delivery.fanout import fan_out
from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from parsing import ParsedDocument
from storage import Member, Notification, Person
from tests.test_storage import sha
from texts.html import plain_text
from texts.replies import Reply

NORDJYLLAND, HOVEDSTADEN, MIDTJYLLAND = "KKR Nordjylland", "KKR Hovedstaden", "KKR Midtjylland"
NORTH_DAY = dt.date(2022, 3, 25)
TODAY = dt.date(2022, 3, 20)
NORTH, CAPITAL, MIDDLE, LINKED = (Sender(user_id=n, chat_id=n, name=f"Medlem {n}") for n in (51, 52, 53, 54))
Parsed = dict[str, tuple[ParsedDocument, str]]


def as_council(parsed: ParsedDocument, body: str, day: dt.date) -> ParsedDocument:
    return dataclasses.replace(parsed, body=body, meeting_date=day)


@pytest.fixture
def db(database: storage.Database, parsed_pdfs: Parsed) -> Iterator[storage.Database]:
    agenda, _ = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    minutes, _ = parsed_pdfs["kkr-referat-2021-04-23"]
    with database.session() as session:
        for parsed, digest in parsed_pdfs.values():
            storage.store_document(session, parsed, sha256=digest)
        storage.store_document(session, as_council(agenda, NORDJYLLAND, NORTH_DAY), sha256=sha("north"))
        storage.store_document(
            session, as_council(minutes, HOVEDSTADEN, minutes.meeting_date), sha256=sha("cap")
        )
    yield database


def ask(db: storage.Database, sender: Sender, text: str, today: dt.date = TODAY) -> list[Reply]:
    return answer(HandlerContext(db=db, today=lambda: today), text, sender)


def press(db: storage.Database, sender: Sender, data: str, today: dt.date = TODAY) -> list[Reply]:
    return answer_callback(HandlerContext(db=db, today=lambda: today), data, sender)


def said(replies: list[Reply]) -> str:
    return "\n".join(plain_text(reply.html) for reply in replies)


def buttons(replies: list[Reply]) -> dict[str, str]:
    return {b.label: b.callback_data or "" for r in replies for row in r.buttons for b in row}


def test_raad_lists_every_council_and_toggles_one(db: storage.Database) -> None:
    replies = ask(db, NORTH, "/raad")
    shown = said(replies)
    for council in (HOVEDSTADEN, MIDTJYLLAND, NORDJYLLAND, "KD-Net"):
        assert council in shown
    assert "alle råd" in shown
    toggle = next(data for label, data in buttons(replies).items() if label.endswith(NORDJYLLAND))
    after = press(db, NORTH, toggle)
    assert after[0].edit and f"Du ser møder fra {NORDJYLLAND}." in said(after)
    assert any(label == f"✅ {NORDJYLLAND}" for label in buttons(after))
    assert "Du ser ikke længere møder fra KKR Nordjylland" in said(ask(db, NORTH, "/raad nordjylland"))
    assert "Jeg kender ikke rådet" in said(ask(db, NORTH, "/raad atlantis"))


def test_every_command_follows_the_members_council(db: storage.Database) -> None:
    ask(db, NORTH, "/raad nordjylland")
    assert "fredag den 25. marts 2022" in said(ask(db, NORTH, "/naestemoede"))
    assert NORDJYLLAND in said(ask(db, NORTH, "hvornår er næste møde?"))
    assert "fredag den 25. marts 2022" in said(ask(db, NORTH, "/punkt 3.2"))
    assert "fredag den 25. marts 2022" in said(ask(db, NORTH, "/indstillinger"))
    listed = said(ask(db, NORTH, "/moeder"))
    assert NORDJYLLAND in listed and MIDTJYLLAND not in listed and "KD-Net" not in listed
    calendar = ask(db, NORTH, "/kalender")
    assert calendar[0].document is not None
    assert (
        b"KKR Nordjylland: m" in calendar[0].document.content
        and b"2022-03-23" not in calendar[0].document.content
    )
    # a member who chose nothing sees every council: the first meeting is Midtjylland's
    assert "onsdag den 23. marts 2022" in said(ask(db, MIDDLE, "/naestemoede"))


def test_a_council_named_in_the_command_wins(db: storage.Database) -> None:
    assert "fredag den 25. marts 2022" in said(ask(db, MIDDLE, "/naestemoede nordjylland"))
    shown = said(ask(db, MIDDLE, "/punkt 3.2 nordjylland"))
    assert shown.startswith("3.2 Sundhedsprofil") and "KKR Nordjylland, fredag den 25. marts 2022" in shown
    assert "KD-Net" in said(ask(db, MIDDLE, "/beslutninger kd-net"))


def test_a_date_several_councils_met_on_shows_the_members_first_and_the_others_as_buttons(
    db: storage.Database,
) -> None:
    ask(db, CAPITAL, "/raad hovedstaden")
    replies = ask(db, CAPITAL, "/dagsorden 23. april 2021")
    assert said(replies).startswith(HOVEDSTADEN)
    assert "Samme dag holdt også KKR Midtjylland møde" in said(replies)
    other = press(db, CAPITAL, buttons(replies)[MIDTJYLLAND])
    assert said(other).startswith(MIDTJYLLAND)
    # a date only one council met on finds that meeting, whoever asks
    assert said(ask(db, MIDDLE, "/dagsorden 25. marts 2022")).startswith(NORDJYLLAND)


def test_a_linked_members_appointments_choose_their_councils(db: storage.Database) -> None:
    with db.session() as session:
        person = Person(name="Nora Nordmand", municipality="Aalborg")
        board = storage.Organization(name="Styregruppen i nord")
        session.add_all([person, board])
        session.flush()
        session.add(
            storage.Appointment(
                person_id=person.id, organization_id=board.id, role="medlem", appointed_by=NORDJYLLAND
            )
        )
        session.add(Member(telegram_user_id=LINKED.user_id, chat_id=LINKED.chat_id, person_id=person.id))
        session.commit()
    assert "fredag den 25. marts 2022" in said(ask(db, LINKED, "/naestemoede"))
    assert "ud fra dine udpegninger" in said(ask(db, LINKED, "/raad"))


def test_a_new_north_agenda_reaches_the_north_subscriber_and_not_the_middle_one(
    db: storage.Database, parsed_pdfs: Parsed
) -> None:
    assert "alt nyt fra KKR Nordjylland" in said(ask(db, NORTH, "/abonner nordjylland"))
    assert "alt nyt fra KKR Midtjylland" in said(ask(db, MIDDLE, "/abonner midtjylland"))
    assert "KKR Nordjylland" in said(ask(db, NORTH, "/abonnementer"))
    fan_out(db, now=dt.datetime(2022, 3, 24, 9))  # what was stored so far is fanned out
    agenda, _ = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    with db.session() as session:
        storage.store_document(
            session, as_council(agenda, NORDJYLLAND, dt.date(2022, 6, 14)), sha256=sha("june")
        )
    before = {n.id for n in _notices(db)}
    fan_out(db, now=dt.datetime(2022, 6, 1, 9))
    new = [n for n in _notices(db) if n.id not in before]
    assert [n.member.telegram_user_id for n in new] == [NORTH.user_id]
    assert "KKR Nordjylland" in new[0].text and "tirsdag den 14. juni 2022" in new[0].text


def _notices(db: storage.Database) -> list[Notification]:
    with db.session() as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        for row in rows:
            _ = row.member.telegram_user_id
        return rows


def test_the_help_names_the_councils_the_bot_knows(db: storage.Database) -> None:
    shown = said(ask(db, MIDDLE, "/hjaelp"))
    assert f"KD-Net, {HOVEDSTADEN}, {MIDTJYLLAND} og {NORDJYLLAND}" in shown
    assert "/raad" in shown


def test_a_word_that_names_no_council_is_said_not_dropped(db: storage.Database) -> None:
    for command in ("/naestemoede atlantis", "/moeder atlantis"):
        shown = said(ask(db, NORTH, command))
        assert shown.startswith("Jeg kender ikke rådet atlantis. Rådene er: "), command
        assert "KKR Syddanmark" in shown  # a KKR may be named before its material has come in


def test_a_named_council_with_nothing_to_show_is_named_in_the_answer(db: storage.Database) -> None:
    assert said(ask(db, NORTH, "/naestemoede kd-net")).startswith(
        "KD-Net har ingen kommende møder registreret fra søndag den 20. marts 2022."
    )
    assert said(ask(db, NORTH, "/beslutninger syddanmark")).startswith(
        "KKR Syddanmark har ingen referater endnu."
    )
    ask(db, NORTH, "/raad syddanmark")
    assert "eller vælg råd med /raad" in said(ask(db, NORTH, "/naestemoede"))


def test_a_council_can_be_followed_before_its_first_document(
    db: storage.Database, parsed_pdfs: Parsed
) -> None:
    assert "alt nyt fra KKR Syddanmark" in said(ask(db, NORTH, "/abonner syddanmark"))
    fan_out(db, now=dt.datetime(2022, 3, 24, 9))
    before = {n.id for n in _notices(db)}
    agenda, _ = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    with db.session() as session:
        storage.store_document(
            session, as_council(agenda, "KKR Syddanmark", dt.date(2022, 6, 15)), sha256=sha("south")
        )
    fan_out(db, now=dt.datetime(2022, 6, 1, 9))
    new = [n for n in _notices(db) if n.id not in before]
    assert [n.member.telegram_user_id for n in new] == [NORTH.user_id]
    assert "KKR Syddanmark" in new[0].text
