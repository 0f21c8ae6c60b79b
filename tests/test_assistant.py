"""The assistant (issue 12): members ask in their own words and with everyday dates, on the fixture PDFs.

Each test is a member's words in and what they read out, through the same entry point Telegram and
`kkrbot chat` use (handlers.commands.answer / answer_callback).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import storage
from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from parsing import ParsedDocument
from tests.conftest import copy_sqlite
from texts.html import plain_text
from texts.marks import DIFFERS_MARK
from texts.replies import Reply

SUNDAY_BEFORE = dt.date(2022, 3, 20)  # three days before the agenda's meeting (Wednesday 23 March 2022)
DAY_AFTER = dt.date(2022, 3, 24)  # the agenda's meeting is held, no later one is known
MEMBER = Sender(user_id=77, chat_id=77, name="Mette Frederiksen")


@pytest.fixture(scope="module")
def db(ingested_copy: Callable[[], str]) -> Iterator[storage.Database]:
    """The fixture PDFs ingested: KKR minutes and bilag of 23 April 2021, KD-Net minutes of 20 August
    2021 and the KKR agenda of 23 March 2022."""
    database = storage.open_database(ingested_copy())
    yield database
    database.dispose()


def ask(db: storage.Database, text: str, today: dt.date = SUNDAY_BEFORE) -> list[Reply]:
    return answer(HandlerContext(db=db, today=lambda: today), text, MEMBER)


def said(replies: list[Reply]) -> str:
    assert replies, "never silence"
    return "\n".join(plain_text(reply.html) for reply in replies)


def press(db: storage.Database, data: str, today: dt.date = SUNDAY_BEFORE) -> list[Reply]:
    return answer_callback(HandlerContext(db=db, today=lambda: today), data, MEMBER)


def button(replies: list[Reply], label: str) -> str:
    data = [b.callback_data for r in replies for row in r.buttons for b in row if label in b.label]
    assert data and data[0] is not None, [b.label for r in replies for row in r.buttons for b in row]
    return data[0]


# --- 1. free text ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hvornår er næste møde?", ["onsdag den 23. marts 2022 kl. 10.00", "3.1 Sundhedsklynger"]),
        ("hvad skal vi på næste møde", ["Dagsorden", "4.3 Udpegning til bestyrelsen for CDEU"]),
        ("hvornår mødes KD-Net?", ["KD-Net har ingen kommende møder", "fredag den 20. august 2021 er holdt"]),
        ("punkt 3.2", ["3.2 Sundhedsprofil og sundhedsaftaler", "SAG-2022-00501"]),
        ("3.2", ["3.2 Sundhedsprofil og sundhedsaftaler"]),
        ("3,2", ["3.2 Sundhedsprofil og sundhedsaftaler"]),
        ("hvad står der i punkt 3.2?", ["3.2 Sundhedsprofil og sundhedsaftaler", "Indstilling"]),
        ("punkt 3.2 den 23. april 2021", ["3.2 Klimahandlingsplan for KKR Midtjylland"]),
        ("hvad står der i punkt 3.2 på mødet i april", ["3.2 Klimahandlingsplan for KKR Midtjylland"]),
        ("punkt 5 i KD-Net", ["5 Orientering om SOSU-lærepraktikpladsaftalen", "KD-Net"]),
        ("hvem fremlægger punkt 4 i KD-Net?", ["Punkt 4 fremlægges af Thomas Lindberg."]),
        (
            "hvad blev besluttet om klimahandlingsplanen?",
            [
                "beslutninger om klimahandlingsplanen",
                "Handlingsplanen for KKR Midtjyllands klimastrategi blev vedtaget",
            ],
        ),
        ("sygeplejersker", ["Jeg har søgt efter sygeplejersker", "sygeplejerskeuddannelsen"]),
        ("hvad ved du om sygeplejersker?", ["Jeg har søgt efter sygeplejersker", "punkt 3.4"]),
        ("hej", ["Hej Mette!", "næste møde", "/hjaelp"]),
        ("tak", ["Selv tak"]),
        ("mange tak for hjælpen", ["Selv tak"]),
        ("hvad kan du?", ["egne ord", "/hjaelp"]),
    ],
)
def test_free_text_is_understood(db: storage.Database, text: str, expected: list[str]) -> None:
    shown = said(ask(db, text))
    for part in expected:
        assert part in shown, (text, shown[:600])
    assert "Jeg svarer på kommandoer" not in shown


def test_the_indstilling_comes_first_when_asked_for(db: storage.Database) -> None:
    shown = said(ask(db, "hvad indstilles der i punkt 3.4?"))
    assert shown.startswith("3.4 Øget dimensionering af sygeplejerskeuddannelsen")
    assert shown.index("Indstilling") < shown.index("Baggrund")


def test_a_decision_question_puts_the_decision_first(db: storage.Database) -> None:
    shown = said(ask(db, "hvad blev besluttet på punkt 3.2 den 23. april 2021"))
    assert shown.index("Beslutning") < shown.index("Indstilling")


def test_a_decision_no_minutes_hold_is_said_so(db: storage.Database) -> None:
    shown = said(ask(db, "hvad blev besluttet om pædagoguddannelsen?"))
    assert "ingen beslutning i et referat endnu" in shown and "/soeg pædagoguddannelsen" in shown


# --- 2. everyday Danish dates ---


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("/dagsorden i morgen", dt.date(2022, 3, 22), "onsdag den 23. marts 2022"),
        ("/dagsorden i dag", dt.date(2022, 3, 23), "onsdag den 23. marts 2022"),
        ("/dagsorden i går", dt.date(2022, 3, 24), "onsdag den 23. marts 2022"),
        ("/dagsorden i overmorgen", dt.date(2022, 3, 21), "onsdag den 23. marts 2022"),
        ("/dagsorden næste onsdag", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),
        ("/dagsorden på onsdag", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),
        ("/dagsorden onsdag", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),
        ("/dagsorden sidste onsdag", dt.date(2022, 3, 27), "onsdag den 23. marts 2022"),
        ("/dagsorden marts 2022", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),  # never 20 March
        ("/dagsorden marts", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),
        ("/dagsorden april", SUNDAY_BEFORE, "fredag den 23. april 2021"),
        ("/dagsorden august 2021", SUNDAY_BEFORE, "fredag den 20. august 2021"),
        ("/dagsorden 23. april", SUNDAY_BEFORE, "fredag den 23. april 2021"),  # the nearest with a meeting
        ("/dagsorden 20. august", SUNDAY_BEFORE, "fredag den 20. august 2021"),
        ("/dagsorden næste", SUNDAY_BEFORE, "onsdag den 23. marts 2022"),
        ("/dagsorden seneste", SUNDAY_BEFORE, "fredag den 20. august 2021"),
        ("/dagsorden forrige", SUNDAY_BEFORE, "fredag den 20. august 2021"),
        ("/punkt 3.2 april", SUNDAY_BEFORE, "Klimahandlingsplan for KKR Midtjylland"),
        ("/indstillinger seneste", DAY_AFTER, "onsdag den 23. marts 2022"),
    ],
)
def test_everyday_dates_find_their_meeting(
    db: storage.Database, text: str, today: dt.date, expected: str
) -> None:
    shown = said(ask(db, text, today))
    assert expected in shown, shown[:400]
    assert "intet møde" not in shown


@pytest.mark.parametrize(
    ("text", "missing", "nearest"),
    [
        (
            "/dagsorden juni 2021",
            "intet møde i juni 2021",
            ["fredag den 23. april 2021", "fredag den 20. august 2021"],
        ),
        ("/dagsorden i går", "intet møde lørdag den 19. marts 2022", ["fredag den 20. august 2021"]),
        ("/dagsorden 1. maj 2021", "intet møde lørdag den 1. maj 2021", ["fredag den 23. april 2021"]),
    ],
)
def test_a_date_without_a_meeting_names_the_nearest(
    db: storage.Database, text: str, missing: str, nearest: list[str]
) -> None:
    shown = said(ask(db, text))
    assert missing in shown
    assert all(day in shown for day in nearest)


def test_a_month_alone_never_takes_todays_day(db: storage.Database) -> None:
    for day in range(1, 32):
        shown = said(ask(db, "/dagsorden marts 2022", dt.date(2022, 3, day)))
        assert "onsdag den 23. marts 2022" in shown and "intet møde" not in shown


# --- 3. the meeting just held ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/punkt 3.2", "3.2 Sundhedsprofil og sundhedsaftaler"),
        ("/dagsorden", "3.1 Sundhedsklynger"),
        ("/indstillinger", "Indstillinger"),
    ],
)
def test_the_day_after_a_meeting_it_is_shown_as_held(db: storage.Database, text: str, expected: str) -> None:
    shown = said(ask(db, text, DAY_AFTER))
    assert shown.startswith(
        "Der er ingen kommende møder. Mødet onsdag den 23. marts 2022 (KKR Midtjylland) er holdt"
    )
    assert expected in shown


def test_next_meeting_never_shows_one_held(db: storage.Database) -> None:
    shown = said(ask(db, "/naestemoede", DAY_AFTER))
    assert "ingen kommende møder" in shown and "Sundhedsklynger" not in shown


def test_the_hint_under_an_agenda_names_that_meetings_date(db: storage.Database) -> None:
    listed = ask(db, "/moeder")
    kdnet = press(db, button(listed, "KD-Net"))
    assert "Se et punkt med fx /punkt 1 20. august 2021" in said(kdnet)
    assert "1 Godkendelse af dagsorden" in said(ask(db, "/punkt 1 20. august 2021"))


# --- 4. /beslutninger ---


def test_decisions_of_the_latest_minutes(db: storage.Database) -> None:
    replies = ask(db, "/beslutninger")
    shown = said(replies)
    assert "KD-Net" in shown and "fredag den 20. august 2021" in shown and "Beslutninger" in shown
    assert "2 Godkendelse af referatet fra mødet den 21. maj 2021\nReferatet blev godkendt." in shown
    assert len([b for r in replies for row in r.buttons for b in row]) == 11


def test_decisions_of_a_meeting_by_date(db: storage.Database) -> None:
    shown = said(ask(db, "/beslutninger 23. april 2021"))
    assert (
        "3.2 Klimahandlingsplan for KKR Midtjylland\nHandlingsplanen for KKR Midtjyllands klimastrategi"
        in shown
    )


def test_decisions_before_the_minutes_offer_the_agenda(db: storage.Database) -> None:
    replies = ask(db, "/beslutninger 23. marts 2022")
    assert "Referatet fra mødet onsdag den 23. marts 2022 (KKR Midtjylland) er ikke kommet endnu" in said(
        replies
    )
    agenda = press(db, button(replies, "Se dagsordenen"))
    assert "3.1 Sundhedsklynger" in said(agenda)


def test_decisions_that_depart_from_the_indstilling_are_marked(
    database: storage.Database, parsed_pdfs: dict[str, tuple[ParsedDocument, str]]
) -> None:
    minutes, digest = parsed_pdfs["kkr-referat-2021-04-23"]
    postponed = dataclasses.replace(minutes.items[1], decision="Punktet blev udsat til næste møde.")
    changed = dataclasses.replace(minutes, items=(minutes.items[0], postponed, *minutes.items[2:]))
    with database.session() as session:
        storage.store_document(session, changed, sha256=digest)
    shown = said(ask(database, "/beslutninger", dt.date(2021, 5, 1)))
    assert f"{DIFFERS_MARK} = beslutningen afviger fra indstillingen (1)" in shown
    assert f"{DIFFERS_MARK} {postponed.number} " in shown
    assert shown.count(DIFFERS_MARK) == 2


# --- 5. forgiving input ---


@pytest.mark.parametrize(
    ("typed", "ascii_name"),
    [
        ("/søg klimastrategi", "/soeg klimastrategi"),
        ("/hjælp", "/hjaelp"),
        ("/næstemøde", "/naestemoede"),
        ("/møder", "/moeder"),
        ("/Næstemøde", "/naestemoede"),
    ],
)
def test_commands_typed_with_danish_letters(db: storage.Database, typed: str, ascii_name: str) -> None:
    assert said(ask(db, typed)) == said(ask(db, ascii_name))


@pytest.mark.parametrize("typed", ["/punkt 3 2", "/punkt 3,2", "/punkt 3.2.", "/punkt  3 , 2"])
def test_item_numbers_typed_otherwise(db: storage.Database, typed: str) -> None:
    assert said(ask(db, typed)) == said(ask(db, "/punkt 3.2"))


def test_a_bare_afmeld_asks_before_removing_everything(database: storage.Database) -> None:
    assert "ingen abonnementer" in said(ask(database, "/afmeld"))
    ask(database, "/abonner klima")
    ask(database, "/abonner")
    question = ask(database, "/afmeld")
    assert "Skal jeg stoppe alle dine 2 abonnementer?" in said(question)
    kept = press(database, button(question, "Nej"))
    assert kept[0].edit and "som før" in said(kept)
    assert "klima" in said(ask(database, "/abonnementer"))
    done = press(database, button(question, "Ja"))
    assert done[0].edit and "er fjernet" in said(done)
    assert "ingen abonnementer" in said(ask(database, "/abonnementer"))


# --- the same through `kkrbot chat` ---


def test_a_conversation_in_plain_danish_through_kkrbot_chat(tmp_path: Path, ingested_template: Path) -> None:
    copy_sqlite(ingested_template, tmp_path / "kkrbot.sqlite3")
    lines = [
        "Hvornår er næste møde?",
        "hvad indstilles der i punkt 3.4?",
        "hvad blev besluttet om klimahandlingsplanen?",
        "sundhedsaftaler",
        "/dagsorden næste onsdag",
        "/beslutninger",
        "/søg FGU",
        "tak",
    ]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}",
        "KKRBOT_TODAY": "2022-03-20",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in (
        "onsdag den 23. marts 2022 kl. 10.00",
        "3.4 Øget dimensionering af sygeplejerskeuddannelsen",
        "Handlingsplanen for KKR Midtjyllands klimastrategi blev vedtaget",
        "Jeg har søgt efter sundhedsaftaler",
        "Beslutninger",
        "FGU",
        "Selv tak",
    ):
        assert expected in out, expected
    assert "Jeg svarer på kommandoer" not in out
