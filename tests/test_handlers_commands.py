"""The commands on a database filled from the fixture PDFs: the user's words in, Telegram HTML out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator

import pytest

import storage
from fake_bot_api import MAX_TEXT_LENGTH, format_text
from handlers.commands import BY_NAME, answer, answer_callback, menu
from handlers.context import HandlerContext
from parsing import ParsedDocument
from texts.callbacks import CALLBACK_DATA_MAX_BYTES, case_callback
from texts.html import plain_text
from texts.replies import Reply

AGENDA_DAY = dt.date(2022, 3, 23)  # KKR Midtjylland, dagsorden
MINUTES_DAY = dt.date(2021, 4, 23)  # KKR Midtjylland, referat and bilag
KDNET_DAY = dt.date(2021, 8, 20)  # KD-Net, referat
PAGE_ONLY_DAY = dt.date(2022, 6, 14)  # known only from a meeting page
LONG_DAY = dt.date(2022, 9, 1)  # the agenda again with long indstillinger
BEFORE_MINUTES = dt.date(2021, 4, 1)
BEFORE_AGENDA = dt.date(2022, 3, 1)
PDF_URL = "https://www.kl.dk/media/{name}.pdf"


@pytest.fixture(scope="module")
def bot_database(
    tmp_path_factory: pytest.TempPathFactory, parsed_pdfs: dict[str, tuple[ParsedDocument, str]]
) -> Iterator[storage.Database]:
    """Every fixture PDF stored with a web address, and one meeting with no documents yet."""
    path = tmp_path_factory.mktemp("handlers") / "kkrbot.sqlite3"
    db = storage.open_database(f"sqlite:///{path}")
    with db.session() as session:
        for name, (parsed, digest) in parsed_pdfs.items():
            storage.store_document(session, parsed, sha256=digest, source_url=PDF_URL.format(name=name))
        body = session.scalars(
            storage.queries.select(storage.Body).where(storage.Body.name == "KKR Midtjylland")
        ).one()
        session.add(storage.Meeting(body=body, date=PAGE_ONLY_DAY, state="planned"))
        session.commit()
        storage.store_document(session, _longer(parsed_pdfs["kkr-dagsorden-2022-03-23"][0]), sha256="0" * 64)
    yield db
    db.dispose()


def _longer(agenda: ParsedDocument) -> ParsedDocument:
    """The agenda again, later, with every indstilling twelve times as long and full of `<&>`."""
    items = tuple(
        dataclasses.replace(i, recommendation=f"{i.recommendation} <&> " * 12) for i in agenda.items
    )
    return dataclasses.replace(agenda, meeting_date=LONG_DAY, items=items)


def context(db: storage.Database, today: dt.date) -> HandlerContext:
    return HandlerContext(db=db, today=lambda: today)


def valid(replies: list[Reply]) -> list[Reply]:
    """Every reply is one Telegram accepts: parsable HTML, not empty, short enough, short callback data."""
    assert replies, "never silence"
    for reply in replies:
        shown = format_text(reply.html, "HTML").text
        assert shown.strip()
        assert len(reply.html) <= MAX_TEXT_LENGTH and len(shown) <= MAX_TEXT_LENGTH
        for row in reply.buttons:
            for button in row:
                data = button.callback_data
                assert data is None or len(data.encode()) <= CALLBACK_DATA_MAX_BYTES
    return replies


def said(replies: list[Reply]) -> str:
    """What the user reads, all messages together."""
    return "\n".join(plain_text(reply.html) for reply in valid(replies))


def callbacks(replies: list[Reply]) -> list[str]:
    return [b.callback_data for r in replies for row in r.buttons for b in row if b.callback_data]


def ask(db: storage.Database, today: dt.date, text: str) -> list[Reply]:
    return valid(answer(context(db, today), text))


def press(db: storage.Database, today: dt.date, data: str) -> list[Reply]:
    return valid(answer_callback(context(db, today), data))


def test_the_command_table_is_what_setmycommands_needs() -> None:
    names = [command.name for command in menu()]
    core = ["start", "hjaelp", "naestemoede", "moeder", "dagsorden", "punkt", "indstillinger", "soeg"]
    assert names[: len(core)] == core
    assert {"mineudpegninger", "glemmig"} <= set(names)
    assert len(set(names)) == len(names)
    assert set(names) <= set(BY_NAME)
    assert not {"inviter", "forslag", "hent", "status"} & set(names)  # administrators' commands stay hidden
    for name, description in ((command.name, command.description) for command in menu()):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name) and 3 <= len(description) <= 256


@pytest.mark.parametrize("text", ["/start", "/hjaelp", "/hjaelp@kkr_bot"])
def test_help_names_every_command_with_an_example(bot_database: storage.Database, text: str) -> None:
    shown = said(ask(bot_database, BEFORE_AGENDA, text))
    for command in ("/naestemoede", "/moeder", "/dagsorden 23. marts 2022", "/punkt 3.2", "/indstillinger"):
        assert command in shown
    assert "/soeg klimastrategi" in shown


def test_next_meeting_shows_time_place_items_link_and_buttons(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, "/naestemoede")
    shown = said(replies)
    assert "KKR Midtjylland" in shown
    assert "onsdag den 23. marts 2022 kl. 10.00" in shown
    assert "Comwell Klostergaarden" in shown
    assert "3.1 Sundhedsklynger" in shown and "4.6 Samlet oversigt over KKR's udpegninger" in shown
    assert 'href="https://www.kl.dk/media/kkr-dagsorden-2022-03-23.pdf"' in replies[0].html
    data = callbacks(replies)
    assert len(data) == 15 and all(d.startswith("item:") for d in data)
    assert max(len(row) for r in replies for row in r.buttons) > 1  # several buttons per row


def test_next_meeting_of_minutes_and_of_kdnet(bot_database: storage.Database) -> None:
    shown = said(ask(bot_database, BEFORE_MINUTES, "/naestemoede"))
    assert "fredag den 23. april 2021 kl. 9.00" in shown and "Referat" in shown
    shown = said(ask(bot_database, dt.date(2021, 8, 1), "/naestemoede"))
    assert "KD-Net" in shown and "kl. 10.00-12.00" in shown and "11 Eventuelt" in shown


def test_a_meeting_known_only_from_its_page_says_so(bot_database: storage.Database) -> None:
    shown = said(ask(bot_database, dt.date(2022, 4, 1), "/naestemoede"))
    assert "tirsdag den 14. juni 2022" in shown
    assert "ikke offentliggjort" in shown
    shown = said(ask(bot_database, dt.date(2022, 4, 1), "/punkt 1.1"))
    assert "ikke offentliggjort" in shown and "/punkt 3.2 23. marts 2022" in shown


def test_no_next_meeting(bot_database: storage.Database) -> None:
    shown = said(ask(bot_database, dt.date(2030, 1, 1), "/naestemoede"))
    assert "ingen kommende møder" in shown and "/moeder" in shown


def test_meetings_lists_upcoming_and_latest(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, "/moeder")
    shown = said(replies)
    upcoming, latest = shown.split("Seneste møder")
    assert "onsdag den 23. marts 2022" in upcoming and "tirsdag den 14. juni 2022" in upcoming
    assert "fredag den 20. august 2021" in latest and "fredag den 23. april 2021" in latest
    assert len(callbacks(replies)) == 5
    agenda = press(bot_database, BEFORE_AGENDA, callbacks(replies)[-1])
    assert "fredag den 23. april 2021" in said(agenda)


@pytest.mark.parametrize(
    ("today", "date_text", "expected"),
    [
        (BEFORE_AGENDA, "", "onsdag den 23. marts 2022"),
        (BEFORE_AGENDA, "23. marts 2022", "onsdag den 23. marts 2022"),
        (BEFORE_AGENDA, "23-03-2022", "onsdag den 23. marts 2022"),
        (BEFORE_AGENDA, "23. marts", "onsdag den 23. marts 2022"),
        (dt.date(2022, 3, 22), "i morgen", "onsdag den 23. marts 2022"),
        (BEFORE_AGENDA, "20. august 2021", "fredag den 20. august 2021"),
    ],
)
def test_agenda_by_danish_date(
    bot_database: storage.Database, today: dt.date, date_text: str, expected: str
) -> None:
    shown = said(ask(bot_database, today, f"/dagsorden {date_text}"))
    assert expected in shown
    assert "Dagsorden" in shown or "Referat" in shown


def test_agenda_of_an_impossible_date(bot_database: storage.Database) -> None:
    shown = said(ask(bot_database, BEFORE_AGENDA, "/dagsorden 31. februar"))
    assert "31. februar" in shown and "/dagsorden 23. marts 2022" in shown


def test_agenda_of_a_day_without_meeting_names_the_nearest(bot_database: storage.Database) -> None:
    shown = said(ask(bot_database, BEFORE_AGENDA, "/dagsorden 1. maj 2021"))
    assert "intet møde lørdag den 1. maj 2021" in shown
    assert "fredag den 23. april 2021" in shown and "fredag den 20. august 2021" in shown


def test_item_in_full_with_neighbour_and_case_buttons(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_MINUTES, "/punkt 3.2")
    shown = said(replies)
    assert shown.startswith("3.2 Klimahandlingsplan for KKR Midtjylland")
    assert "SAG-2021-00857" in shown
    assert "Indstilling" in shown and "vedtager handlingsplanen" in shown
    assert "Baggrund" in shown and "Beslutning" in shown and "Handlingsplanen for KKR Midtjyllands" in shown
    assert "Klimahandlingsplan for KKR Midtjyllands klimastrategi" in shown  # its bilag
    labels = [b.label for r in replies for row in r.buttons for b in row]
    assert labels == ["◀ 3.1", "3.3 ▶", "Sagsfremstilling", "Åbn PDF, side 13"]  # the minutes' page 13
    [page] = [b.url for r in replies for row in r.buttons for b in row if b.url]
    assert page == "https://www.kl.dk/media/kkr-referat-2021-04-23.pdf#page=13"


def test_item_of_a_meeting_on_a_date_and_its_links(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_MINUTES, "/punkt 3.1 23. marts 2022")
    shown = said(replies)
    assert "3.1 Sundhedsklynger" in shown and "onsdag den 23. marts 2022" in shown
    assert "ikke et referat" in shown
    assert 'href="https://sum.dk/"' in "".join(r.html for r in replies)
    assert said(ask(bot_database, BEFORE_MINUTES, "/punkt 3,2")).startswith("3.2 Klimahandlingsplan")
    kdnet = said(ask(bot_database, BEFORE_MINUTES, "/punkt 5 20-08-2021"))
    assert "5 Orientering om SOSU-lærepraktikpladsaftalen" in kdnet and "Lars Møller" in kdnet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/punkt", "Skriv et punktnummer"),
        ("/punkt abc", "abc er ikke et punktnummer"),
        ("/punkt <script>", "<script> er ikke et punktnummer"),
        ("/punkt 99.9", "intet punkt 99.9"),
        ("/punkt 3.2 31. februar", "31. februar"),
        ("/punkt 3.2 <b>&", "<b>& som en dato"),
        ("/punkt 3.2 1. maj 2021", "intet møde lørdag den 1. maj 2021"),
        ("/punkt " + "<x>" * 3000, "<x><x>"),
    ],
)
def test_item_with_wrong_arguments(bot_database: storage.Database, text: str, expected: str) -> None:
    replies = ask(bot_database, BEFORE_MINUTES, text)
    assert len(replies) == 1 and len(replies[0].html) < 500  # a short answer, whatever was typed
    shown = said(replies)
    assert expected in shown
    assert "/punkt" in shown


def test_item_buttons_navigate_and_show_the_case(bot_database: storage.Database) -> None:
    first = ask(bot_database, BEFORE_MINUTES, "/punkt 3.2")
    previous, following, case = callbacks(first)
    moved = press(bot_database, BEFORE_MINUTES, following)
    assert moved[0].edit and said(moved).startswith("3.3 Rammeaftale")
    back = press(bot_database, BEFORE_MINUTES, previous)
    assert said(back).startswith("3.1 Et sammenhængende Danmark")
    shown = said(press(bot_database, BEFORE_MINUTES, case))
    assert "sagsfremstilling" in shown and "fem overordnede spor" in shown
    opened = press(
        bot_database, BEFORE_MINUTES, callbacks(ask(bot_database, BEFORE_MINUTES, "/naestemoede"))[0]
    )
    assert not opened[0].edit and said(opened).startswith("1.1 Godkendelse af referat")


def test_first_and_last_item_have_one_neighbour(bot_database: storage.Database) -> None:
    first = ask(bot_database, dt.date(2021, 8, 1), "/punkt 1")
    assert [b.label for r in first for row in r.buttons for b in row][0] == "2 ▶"
    last = ask(bot_database, dt.date(2021, 8, 1), "/punkt 11")
    assert [b.label for r in last for row in r.buttons for b in row][0] == "◀ 10"


@pytest.mark.parametrize("data", ["bogus", "item:999999:1.1", "case:2:77.7", "meeting:abc", "nav:", ""])
def test_stale_or_foreign_buttons_get_an_answer(bot_database: storage.Database, data: str) -> None:
    assert "findes ikke længere" in said(press(bot_database, BEFORE_MINUTES, data))


def test_recommendations_overview(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, "/indstillinger")
    shown = said(replies)
    assert "Indstillinger" in shown
    assert (
        shown.index("3.1 Sundhedsklynger") < shown.index("3.2 Sundhedsprofil") < shown.index("6.1 Foreløbige")
    )
    assert "Det indstilles" in shown
    assert "Udpegning til bestyrelsen for FGU Danmark" in said(
        ask(bot_database, BEFORE_AGENDA, "/indstillinger 23/3 2022")
    )


def test_search_gives_hits_with_date_number_and_buttons(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, "/soeg klimastrategi")
    shown = said(replies)
    assert "Klimahandlingsplan for KKR Midtjylland" in shown
    assert "fredag den 23. april 2021, punkt 3.2" in shown
    data = callbacks(replies)
    assert data and len(data) <= 10
    assert said(press(bot_database, BEFORE_AGENDA, data[0])).startswith("3.2 Klimahandlingsplan")


def test_search_bilag_hit_opens_its_page(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, "/soeg Passagerpulsen")
    assert "Bilag: " in said(replies) and ", 23.04.2021" in said(replies)
    page_buttons = [d for d in callbacks(replies) if d.startswith("page:")]
    assert page_buttons
    page = said(press(bot_database, BEFORE_AGENDA, page_buttons[0]))
    assert "fredag den 23. april 2021" in page and "Passagerpulsen" in page


@pytest.mark.parametrize("text", ["/soeg", "/soeg   ", "/soeg <b>", "/soeg &amp; <i>x</i>", "/soeg zzqqxx"])
def test_search_with_hostile_or_empty_words(bot_database: storage.Database, text: str) -> None:
    shown = said(ask(bot_database, BEFORE_AGENDA, text))
    words = text.removeprefix("/soeg").strip()
    if words:
        assert " ".join(words.split()) in shown  # echoed as text, not as markup
    assert "/soeg" in shown or "resultater" in shown


@pytest.mark.parametrize(
    "text", ["/ukendt", "/ukendt@kkr_bot noget", "/", "/æøå", "hej bot", "  ", "/" + "x" * 5000]
)
def test_unknown_commands_and_plain_text_get_an_example(bot_database: storage.Database, text: str) -> None:
    shown = said(ask(bot_database, BEFORE_AGENDA, text))
    assert "/naestemoede" in shown


def test_a_long_reply_is_split_into_valid_messages(bot_database: storage.Database) -> None:
    replies = ask(bot_database, BEFORE_AGENDA, f"/indstillinger {LONG_DAY.day}. september {LONG_DAY.year}")
    assert len(replies) >= 3
    assert callbacks(replies[-1:]) and not any(r.buttons for r in replies[:-1])
    shown = said(replies)
    assert all(f"{number} " in shown for number in ("1.1", "3.6", "4.6", "6.1"))
    assert "<&>" in shown


def test_a_long_case_presentation_is_split(bot_database: storage.Database) -> None:
    with bot_database.session() as session:
        meeting = storage.queries.meeting_on(session, AGENDA_DAY)
        assert meeting is not None
    replies = press(bot_database, BEFORE_AGENDA, case_callback(meeting.id, "3.5"))
    assert len(replies) >= 2
    assert "Forslag til udviklingsområder" in said(replies)
