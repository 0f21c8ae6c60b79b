"""The real `kkrbot run` process, long-polling a fake Telegram Bot API server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fake_bot_api import FakeTelegram
from tests.bot_process import running_bot

FIXTURES = Path(__file__).parent / "fixtures"
MEMBER, READER, NEWCOMER = 4242, 4343, 4444  # one chat per test: Telegram limits messages per chat


@pytest.fixture(scope="module")
def database_file(ingested_copy: Callable[[], str]) -> str:
    """An SQLite file with the fixture PDFs ingested."""
    return ingested_copy()


@pytest.fixture(scope="module")
def telegram(database_file: str) -> Iterator[FakeTelegram]:
    """The fake Bot API server with `kkrbot run` polling it, stopped after the module."""
    with FakeTelegram() as server:
        for user_id, name in ((MEMBER, "Mette"), (READER, "Rasmus"), (NEWCOMER, "Nina")):
            server.add_user(user_id, name)
        with running_bot(server, DATABASE_URL=database_file, KKRBOT_TODAY="2022-03-20"):
            yield server


def test_bot_registers_its_danish_command_list(telegram: FakeTelegram) -> None:
    names = [command["command"] for command in telegram.commands()]
    assert {"naestemoede", "punkt", "dagsorden", "soeg", "hjaelp"} <= set(names)


def test_next_meeting_lists_the_agenda_with_buttons_to_open_items(telegram: FakeTelegram) -> None:
    reply = telegram.ask(MEMBER, "/naestemoede", timeout=30)
    assert "23. marts 2022" in reply.plain_text
    assert "Sundhedsklynger" in reply.plain_text
    button = next(b for row in reply.buttons for b in row if "3.1" in b.text)
    telegram.press_button(MEMBER, reply.message_id, button.text)

    def item_opened() -> bool:
        later = telegram.sent_messages(MEMBER)[1:]
        shown = [m.plain_text for m in later] + [e.plain_text or "" for e in telegram.edits(MEMBER)]
        return any("SAG-2022-00501" in text for text in shown)

    telegram.wait_for(item_opened, timeout=30)


def test_wrong_arguments_get_a_danish_answer_never_silence(telegram: FakeTelegram) -> None:
    for text in ("/punkt", "/punkt 99.9", "/dagsorden 31. februar", "/ukendt", "hej"):
        reply = telegram.ask(READER, text, timeout=30)
        assert reply.plain_text.strip(), text
    assert telegram.errors() == []


def test_run_without_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_TOKEN"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "TELEGRAM_TOKEN" in done.stderr


EVERY_COMMAND = [
    ("/start", "/naestemoede"),
    ("/hjaelp", "/punkt"),
    ("/moeder", "23. marts 2022"),
    ("/dagsorden 23. marts 2022", "Sundhedsklynger"),
    ("/dagsorden 14-06-2022", "14. juni 2022"),
    ("/punkt 3.2", "SAG-2022-00501"),
    ("/punkt 3.2 23. april 2021", "Klimahandlingsplan"),
    ("/indstillinger", "Det indstilles"),
    ("/soeg sundhedsaftale", "Sundhedsprofil og sundhedsaftaler"),
]


def test_every_command_answers_through_telegram(telegram: FakeTelegram) -> None:
    for offset, (text, expected) in enumerate(EVERY_COMMAND):
        user = 5000 + offset  # a chat of its own: Telegram allows about one message a second per chat
        telegram.add_user(user, f"Medlem {offset}")
        reply = telegram.ask(user, text, timeout=30)
        shown = " ".join(m.plain_text for m in telegram.wait_for_messages(user, 1, timeout=30))
        assert expected in shown or expected in reply.plain_text, (text, shown[:300])
    assert telegram.errors() == []


def test_arrow_buttons_edit_the_item_in_place(telegram: FakeTelegram) -> None:
    telegram.add_user(NEWCOMER + 1, "Ole")
    reply = telegram.ask(NEWCOMER + 1, "/punkt 3.2", timeout=30)
    arrow = next(b.text for row in reply.buttons for b in row if "▶" in b.text)
    telegram.press_button(NEWCOMER + 1, reply.message_id, arrow)
    telegram.wait_for(
        lambda: any("3.3" in (e.plain_text or "") for e in telegram.edits(NEWCOMER + 1)), timeout=30
    )
    assert telegram.answered_callbacks()


# --- the assistant (issue 12) through Telegram ---

PLAIN_DANISH = [
    ("Hvornår er næste møde?", "onsdag den 23. marts 2022 kl. 10.00"),
    ("hvad indstilles der i punkt 3.4?", "Øget dimensionering af sygeplejerskeuddannelsen"),
    ("hvem fremlægger punkt 4 i KD-Net?", "fremlægges af Thomas Lindberg"),
    ("hvad blev besluttet om klimahandlingsplanen?", "klimastrategi blev vedtaget"),
    ("sundhedsaftaler", "Jeg har søgt efter sundhedsaftaler"),
    ("hej", "Hej"),
    ("/dagsorden næste onsdag", "Sundhedsklynger"),
    ("/dagsorden marts", "onsdag den 23. marts 2022"),
    ("/beslutninger", "Referatet blev godkendt"),
    ("/beslutninger 23. marts 2022", "er ikke kommet endnu"),
    ("/søg FGU", "FGU"),
    ("/punkt 3 2", "Sundhedsprofil og sundhedsaftaler"),
]


def test_members_ask_in_plain_danish_through_telegram(telegram: FakeTelegram) -> None:
    for offset, (text, expected) in enumerate(PLAIN_DANISH):
        user = 6000 + offset  # a chat of its own: Telegram allows about one message a second per chat
        telegram.add_user(user, f"Medlem {offset}")
        telegram.ask(user, text, timeout=30)
        shown = " ".join(m.plain_text for m in telegram.wait_for_messages(user, 1, timeout=30))
        assert expected in shown, (text, shown[:300])
    assert telegram.errors() == []


def test_a_bare_afmeld_asks_first_through_telegram(telegram: FakeTelegram) -> None:
    user = 6100
    telegram.add_user(user, "Asta")
    assert "besked" in telegram.ask(user, "/abonner", timeout=30).plain_text
    question = telegram.ask(user, "/afmeld", timeout=30)
    assert "Skal jeg stoppe dit abonnement?" in question.plain_text
    telegram.press_button(user, question.message_id, "Ja, stop dem alle")
    telegram.wait_for(
        lambda: any("er fjernet" in (e.plain_text or "") for e in telegram.edits(user)), timeout=30
    )
    assert "ingen abonnementer" in telegram.ask(user, "/abonnementer", timeout=30).plain_text
