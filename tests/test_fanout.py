"""Fan-out and reminders: real meeting PDFs stored, members subscribed, the outbox rows they get."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

import storage
from bot.ingest import Ingester
from delivery.fanout import fan_out
from delivery.reminders import queue_reminders
from handlers.commands import answer_callback
from handlers.context import HandlerContext
from parsing import ParsedDocument
from storage import Appointment, Event, Member, Notification, Organization, Person, store_document
from storage.subscriptions import subscribe
from tests.conftest import MADE_DIR
from tests.test_storage import republished, sha
from texts.marks import MARK, decision_differs

Parsed = dict[str, tuple[ParsedDocument, str]]
AGENDA = "kkr-dagsorden-2022-03-23"
MINUTES = "kkr-referat-2021-04-23"
WEEK_BEFORE_AGENDA = dt.datetime(2022, 3, 16, 9, 0)  # UTC, as the database keeps time
WEEK_AFTER_MINUTES = dt.datetime(2021, 4, 30, 9, 0)
ALL, WORD, MINE, OTHER_WORD = 1, 2, 3, 4  # Telegram user ids of the members


def store(db: storage.Database, parsed_pdfs: Parsed, name: str) -> storage.StoreResult:
    parsed, digest = parsed_pdfs[name]
    with db.session() as session:
        return store_document(session, parsed, sha256=digest, source_url=f"file:{name}.pdf")


def follow(db: storage.Database, user_id: int, words: str = "") -> None:
    with db.session() as session:
        subscribe(session, user_id, user_id, f"Medlem {user_id}", words)


def linked_member(db: storage.Database, user_id: int, name: str, organization: str) -> None:
    """A member linked to a person who sits in `organization`, following `mine`."""
    with db.session() as session:
        person = Person(name=name, municipality="Skive")
        seat = Organization(name=organization)
        session.add_all([person, seat])
        session.flush()
        session.add(Appointment(person_id=person.id, organization_id=seat.id, role="medlem"))
        session.add(Member(telegram_user_id=user_id, chat_id=user_id, person_id=person.id))
        session.commit()
    follow(db, user_id, "mine")


def notices(db: storage.Database, user_id: int) -> list[Notification]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Notification)
                .join(Member, Member.id == Notification.member_id)
                .where(Member.telegram_user_id == user_id)
                .order_by(Notification.id)
            )
        )


def count_notices(db: storage.Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(Notification.id))) or 0


def lines_of(text: str) -> list[str]:
    return text.split("\n")


# --- new agendas ---


def test_everything_subscriber_gets_the_new_agenda_with_a_button(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    stored = store(database, parsed_pdfs, AGENDA)

    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 1
    [notice] = notices(database, ALL)
    text = notice.text
    assert text.startswith("<b>Ny dagsorden</b>\n<b>KKR Midtjylland</b>\nonsdag den 23. marts 2022 kl. 10.00")
    assert "Sted: Comwell Klostergaarden, Klostergade 1, Silkeborg" in text
    assert "\n15 punkter\n" in text and MARK not in text
    assert "<b>3.1</b> Sundhedsklynger\n<b>3.2</b> Sundhedsprofil og sundhedsaftaler" in text
    assert len(text) <= 4096
    assert notice.key == f"event:{notice.event_id}"
    assert notice.buttons == [[{"text": "Åbn dagsordenen", "callback_data": f"meeting:{stored.meeting_id}"}]]
    with database.session() as session:
        event = session.get(Event, notice.event_id)
        assert event is not None and event.notified_at == WEEK_BEFORE_AGENDA
    # The button is one the bot answers: it opens the agenda.
    ctx = HandlerContext(db=database, today=lambda: dt.date(2022, 3, 16))
    [reply] = answer_callback(ctx, notice.buttons[0][0]["callback_data"])
    assert "Sundhedsklynger" in reply.html


def test_keyword_subscriber_hears_only_of_matching_items_first_and_marked(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    follow(database, WORD, "Sundhedsklynger")
    store(database, parsed_pdfs, MINUTES)  # nothing in these minutes is about health clusters
    fan_out(database, now=WEEK_AFTER_MINUTES)
    assert len(notices(database, ALL)) == 1 and notices(database, WORD) == []

    store(database, parsed_pdfs, AGENDA)
    fan_out(database, now=WEEK_BEFORE_AGENDA)
    [notice] = notices(database, WORD)
    lines = lines_of(notice.text)
    first_item = next(n for n, line in enumerate(lines) if line.startswith((MARK, "<b>1.1")))
    assert lines[first_item] == f"{MARK} <b>3.1</b> Sundhedsklynger <i>(«sundhedsklynger»)</i>"
    assert f"15 punkter, heraf 1 med {MARK} for dig" in notice.text
    assert notice.text.count(f"{MARK} <b>") == 1
    assert "<b>1.1</b> Godkendelse" in lines[first_item + 1]


def test_mine_subscriber_gets_items_naming_their_organization_marked(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    linked_member(database, MINE, "Karen Jensen", "Bestyrelsen for FGU Danmark")
    store(database, parsed_pdfs, AGENDA)
    fan_out(database, now=WEEK_BEFORE_AGENDA)
    [notice] = notices(database, MINE)
    marked = [line for line in lines_of(notice.text) if line.startswith(MARK)]
    assert marked == [
        f"{MARK} <b>4.4</b> Udpegning til bestyrelsen for FGU Danmark "
        "<i>(vedrører Bestyrelsen for FGU Danmark)</i>"
    ]


def test_a_mine_subscriber_with_nothing_on_the_agenda_hears_nothing(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    linked_member(database, MINE, "Karen Jensen", "Vandrådet for Limfjorden")
    store(database, parsed_pdfs, AGENDA)
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 0
    assert notices(database, MINE) == []


def test_a_real_supplementary_agenda_is_told_as_one_with_its_items(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    store(database, parsed_pdfs, AGENDA)
    fan_out(database, now=WEEK_BEFORE_AGENDA)
    pdf = MADE_DIR / "kkr-tillaegsdagsorden-2022-03-23.pdf"
    [report] = Ingester(database).source(str(pdf))  # the PDF's front page says "Tillægsdagsorden"

    assert report.text == "ny tillægsdagsorden: KKR Midtjylland 23. marts 2022, 6 punkter"
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 1
    supplement = notices(database, ALL)[-1]
    with database.session() as session:
        event = session.get(Event, supplement.event_id)
        assert event is not None and event.kind == "new_supplementary_agenda"
    assert supplement.text.startswith("<b>Ny tillægsdagsorden</b>\n<b>KKR Midtjylland</b>")
    assert (
        "\n6 punkter\n" in supplement.text
        and "<b>4.3</b> Udpegning til bestyrelsen for CDEU" in supplement.text
    )
    assert "<b>3.1</b>" not in supplement.text  # only what the supplement brings


# --- minutes ---


def test_new_minutes_list_every_decision(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, ALL)
    store(database, parsed_pdfs, MINUTES)  # minutes without their agenda: they bring the items
    fan_out(database, now=WEEK_AFTER_MINUTES)
    [notice] = notices(database, ALL)
    assert notice.text.startswith("<b>Nyt referat</b>\n<b>KKR Midtjylland</b>\nfredag den 23. april 2021")
    assert "Beslutninger på 9 punkter" in notice.text
    assert "<b>1.1</b> Godkendelse af referat fra møde i KKR Midtjylland" in notice.text
    assert "KKR Midtjylland godkendte referatet." in notice.text
    assert "⚠️" not in notice.text  # every decision followed its recommendation
    assert notice.buttons == [
        [{"text": "Åbn referatet", "callback_data": f"meeting:{_meeting_id(database)}"}]
    ]
    assert len(notice.text) <= 4096


def _meeting_id(db: storage.Database) -> int:
    with db.session() as session:
        found = session.scalar(select(storage.Meeting.id))
        assert found is not None
        return found


def test_a_decision_that_departs_from_the_recommendation_is_marked(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    minutes, _ = parsed_pdfs[MINUTES]
    postponed = replace(
        minutes,
        items=tuple(
            replace(i, decision="Punktet blev udsat til næste møde.") if i.number == "3.5" else i
            for i in minutes.items
        ),
    )
    with database.session() as session:
        store_document(session, postponed, sha256=sha("postponed minutes"))
    fan_out(database, now=WEEK_AFTER_MINUTES)
    [notice] = notices(database, ALL)
    assert "⚠️ = beslutningen afviger fra indstillingen (1)" in notice.text
    assert "⚠️ <b>3.5</b> Samarbejdsaftale om passagerråd\nPunktet blev udsat til næste møde." in notice.text
    assert notice.text.count("⚠️") == 2  # the explanation and the one item


@pytest.mark.parametrize(
    ("decision", "differs"),
    [
        ("KKR Midtjylland godkendte indstillingen.", False),
        ("KKR Midtjylland tog orienteringen til efterretning.", False),
        ("Handlingsplanen blev vedtaget.", False),
        ("Indstillingen blev ikke godkendt.", True),
        ("Punktet blev udsat.", True),
        ("Godkendt med den ændring, at planen gælder fra 2023.", True),
        ("KKR Midtjylland afviste forslaget.", True),
    ],
)
def test_decision_differs(decision: str, differs: bool) -> None:
    assert decision_differs("Det indstilles, at KKR Midtjylland godkender planen.", decision) is differs


# --- new versions ---


def test_a_republished_agenda_tells_exactly_what_changed(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    follow(database, WORD, "Vækstforum")
    follow(database, OTHER_WORD, "pædagoguddannelse")
    store(database, parsed_pdfs, AGENDA)
    fan_out(database, now=WEEK_BEFORE_AGENDA)
    agenda, _ = parsed_pdfs[AGENDA]
    with database.session() as session:
        store_document(session, republished(agenda), sha256=sha("agenda v2"))
    fan_out(database, now=WEEK_BEFORE_AGENDA)

    first, second = notices(database, ALL)
    assert first.text.startswith("<b>Ny dagsorden</b>")
    assert second.text.startswith("<b>Ændret dagsorden</b>\n<b>KKR Midtjylland</b>")
    changes = [line for line in lines_of(second.text) if line.startswith(("➕", "➖", "✏️"))]
    assert changes == [
        "✏️ Punkt <b>3.1</b> hedder nu Sundhedsklynger i Midtjylland (før: Sundhedsklynger)",
        "✏️ Ny indstilling til punkt <b>3.2</b>:",
        "➖ Punkt <b>4.5</b> Udpegning til dialogforum for retssikkerhed på socialområdet"
        " er taget af dagsordenen",
        "➕ Nyt punkt <b>4.7</b> Udpegning til Vækstforum",
    ]
    assert "Version 2: 4 ændringer" in second.text
    assert "Det indstilles, at KKR godkender sundhedsaftalen." in second.text
    # Only the one whose word is in a change hears of it, with that change first and marked.
    [word_notice] = notices(database, WORD)
    word_changes = [line for line in lines_of(word_notice.text) if line.startswith((MARK, "➕", "➖", "✏️"))]
    assert word_changes[0] == f"{MARK} ➕ Nyt punkt <b>4.7</b> Udpegning til Vækstforum <i>(«vækstforum»)</i>"
    assert len(word_changes) == 4
    assert [n.text.split("\n")[0] for n in notices(database, OTHER_WORD)] == ["<b>Ny dagsorden</b>"]


def test_the_same_minutes_rendered_again_notify_nobody(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    store(database, parsed_pdfs, MINUTES)
    word = store(database, parsed_pdfs, f"{MINUTES}-word")
    assert (word.status, word.changes) == ("new_version", ())

    assert fan_out(database, now=WEEK_AFTER_MINUTES) == 1
    assert [n.text.split("\n")[0] for n in notices(database, ALL)] == ["<b>Nyt referat</b>"]
    with database.session() as session:
        assert session.scalar(select(func.count(Event.id)).where(Event.notified_at.is_(None))) == 0


# --- never twice ---


def test_fanning_out_again_creates_nothing(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, ALL)
    follow(database, WORD, "sundhed")
    store(database, parsed_pdfs, AGENDA)
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 2
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 0
    # Even an event fanned out again (a crash after the insert, a second process) adds no row.
    with database.session() as session:
        session.execute(update(Event).values(notified_at=None))
        session.commit()
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 0
    assert count_notices(database) == 2


def test_inactive_and_blocked_members_get_nothing(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, ALL)
    follow(database, WORD)
    with database.session() as session:
        session.execute(update(Member).where(Member.telegram_user_id == ALL).values(is_inactive=True))
        session.execute(update(Member).where(Member.telegram_user_id == WORD).values(is_blocked=True))
        session.commit()
    store(database, parsed_pdfs, AGENDA)
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 0
    assert queue_reminders(database, dt.datetime(2022, 3, 22, 16, 0)) == 0
    assert count_notices(database) == 0


def test_archive_documents_tell_nobody(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, ALL)
    store(database, parsed_pdfs, AGENDA)
    assert fan_out(database, now=dt.datetime(2023, 1, 1)) == 0


def test_an_event_another_process_holds_is_skipped(database: storage.Database, parsed_pdfs: Parsed) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writers take turns")
    follow(database, ALL)
    store(database, parsed_pdfs, AGENDA)
    with database.session() as other_process:
        other_process.scalars(select(Event).with_for_update()).all()
        assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 0
        other_process.rollback()
    assert fan_out(database, now=WEEK_BEFORE_AGENDA) == 1


# --- reminders ---

# 23 March 2022 is in winter time (UTC+1): 16:00 in Copenhagen the day before is 15:00 UTC.
BEFORE_FOUR = dt.datetime(2022, 3, 22, 14, 59)
AT_FOUR = dt.datetime(2022, 3, 22, 15, 0)


def test_reminders_come_at_four_the_day_before_and_once(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    follow(database, ALL)
    follow(database, WORD, "sundhedsklynger")
    follow(database, OTHER_WORD, "Limfjorden")
    stored = store(database, parsed_pdfs, AGENDA)

    assert queue_reminders(database, dt.datetime(2022, 3, 21, 15, 0)) == 0  # two days before
    assert queue_reminders(database, BEFORE_FOUR) == 0
    assert queue_reminders(database, AT_FOUR) == 2
    assert queue_reminders(database, AT_FOUR + dt.timedelta(minutes=1)) == 0
    assert queue_reminders(database, dt.datetime(2022, 3, 23, 8, 0)) == 0  # the meeting day itself

    [everything] = notices(database, ALL)
    assert everything.key == f"reminder:{stored.meeting_id}" and everything.event_id is None
    assert everything.text.startswith("<b>Påmindelse: møde i morgen</b>\n<b>KKR Midtjylland</b>")
    assert "Dagsordenen har 15 punkter." in everything.text and MARK not in everything.text
    assert everything.buttons == [
        [{"text": "Åbn dagsordenen", "callback_data": f"meeting:{stored.meeting_id}"}]
    ]
    [word] = notices(database, WORD)
    assert f"<b>Punkter for dig</b>\n{MARK} <b>3.1</b> Sundhedsklynger" in word.text
    assert notices(database, OTHER_WORD) == []


def test_no_reminder_without_a_published_agenda(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, ALL)
    with database.session() as session:
        storage.writes.meeting_for(session, "KKR Midtjylland", dt.date(2022, 3, 23))
        session.commit()
    assert queue_reminders(database, AT_FOUR) == 0
