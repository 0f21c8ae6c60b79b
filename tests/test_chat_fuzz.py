"""Hostile chat input (issue 14): random text, commands with random arguments and random button data
never raise, and every reply is HTML Telegram accepts, within its length and callback-data limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storage
from fake_bot_api import MAX_TEXT_LENGTH, format_text
from handlers.commands import COMMANDS, answer, answer_callback
from handlers.context import HandlerContext, Sender
from texts.callbacks import CALLBACK_DATA_MAX_BYTES, Action
from texts.replies import Reply

ADMIN = Sender(user_id=1, chat_id=1, name="Admin <&>")
MEMBER = Sender(user_id=2, chat_id=2, name=None)
TODAYS = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31))
# Danish letters, markup, digits, separators and a few emoji: what breaks parsers and HTML
ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    list("æøåÆØÅ<>&\"'./:,-–#@ 0123456789\n\t👍⭐")
)
WORDS = st.text(alphabet=ALPHABET, max_size=80)
DANISH = st.sampled_from(
    ["punkt", "3.2", "i morgen", "næste", "marts", "23. april", "KD-Net", "besluttet", "hej", "tak", "mine"]
)


@pytest.fixture(scope="module")
def db(ingested_copy: Callable[[], str]) -> Iterator[storage.Database]:
    database = storage.open_database(ingested_copy())
    yield database
    database.dispose()


def valid(replies: list[Reply]) -> None:
    assert replies, "never silence"
    for reply in replies:
        shown = format_text(reply.html, "HTML").text  # raises where Telegram would refuse the HTML
        assert shown.strip() or reply.document is not None
        assert len(reply.html) <= MAX_TEXT_LENGTH and len(shown) <= MAX_TEXT_LENGTH
        for row in reply.buttons:
            for button in row:
                assert (
                    button.callback_data is None
                    or len(button.callback_data.encode()) <= CALLBACK_DATA_MAX_BYTES
                )


def context(db: storage.Database, today: dt.date) -> HandlerContext:
    return HandlerContext(db=db, today=lambda: today, admins=frozenset({ADMIN.user_id}))


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=st.one_of(WORDS, st.lists(st.one_of(DANISH, WORDS), max_size=5).map(" ".join)), today=TODAYS)
def test_any_text_gets_a_valid_answer(db: storage.Database, text: str, today: dt.date) -> None:
    valid(answer(context(db, today), text, MEMBER))


@FUZZ
@given(
    command=st.sampled_from([c.name for c in COMMANDS] + ["søg", "hjælp", "næstemøde", "ukendt"]),
    args=st.lists(st.one_of(DANISH, WORDS), max_size=4).map(" ".join),
    admin=st.booleans(),
    today=TODAYS,
)
def test_any_command_with_any_arguments_gets_a_valid_answer(
    db: storage.Database, command: str, args: str, admin: bool, today: dt.date
) -> None:
    if command in ("glemmig", "afmeld", "abonner"):
        args = args[:40]  # the database stays usable for the other examples either way
    valid(answer(context(db, today), f"/{command} {args}", ADMIN if admin else MEMBER))


@FUZZ
@given(
    action=st.sampled_from([a.value for a in Action] + ["x", ""]),
    parts=st.lists(
        st.one_of(st.integers(-5, 10**12).map(str), WORDS, st.just("ja"), st.just("1-2")), max_size=3
    ),
    today=TODAYS,
)
def test_any_button_data_gets_a_valid_answer(
    db: storage.Database, action: str, parts: list[str], today: dt.date
) -> None:
    data = ":".join([action, *parts])[:CALLBACK_DATA_MAX_BYTES]
    valid(answer_callback(context(db, today), data, MEMBER))
