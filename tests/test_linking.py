"""Linking a Telegram user to a person: one-time codes, their hashes, expiry, single use and the lock."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import storage
from fake_bot_api import FakeTelegram
from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from storage import LinkCode, Member, Person
from storage.linking import (
    CODE_VALID_FOR,
    LOCK_DURATION,
    MAX_WRONG_CODES,
    RedeemOutcome,
    Redemption,
    create_link_code,
    hash_code,
    redeem_link_code,
    utcnow,
)
from storage.models import Base
from tests.bot_process import running_bot
from tests.conftest import run_kkrbot
from texts.html import plain_text
from texts.replies import Reply

NOW = dt.datetime(2026, 3, 2, 9, 0)
ADMIN, MEMBER, STRANGER = 7001, 7002, 7003
LINK_RE = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")


def redeem(db: storage.Database, code: str, user_id: int, now: dt.datetime) -> Redemption:
    with db.session() as session:
        return redeem_link_code(session, code, user_id=user_id, chat_id=user_id, display_name="Test", now=now)


def issue(db: storage.Database, name: str = "Mette Madsen", now: dt.datetime = NOW) -> str:
    with db.session() as session:
        return create_link_code(session, name, now=now, new_person=True).code


def table_dump(db: storage.Database) -> str:
    with db.engine.connect() as connection:
        return "\n".join(
            repr(row) for table in Base.metadata.sorted_tables for row in connection.execute(table.select())
        )


def test_code_has_at_least_64_random_bits_and_only_its_hash_is_stored(database: storage.Database) -> None:
    codes = [issue(database), issue(database)]
    assert codes[0] != codes[1]
    for code in codes:
        assert len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))) * 8 >= 64
    dump = table_dump(database)
    for code in codes:
        assert code not in dump
        assert hash_code(code) in dump
    with database.session() as session:
        people = session.scalars(select(Person)).all()
        assert [p.name for p in people] == ["Mette Madsen"]  # the second code found the same person


def test_code_is_valid_for_seven_days(database: storage.Database) -> None:
    fresh, stale = issue(database), issue(database)
    assert redeem(database, fresh, MEMBER, NOW + CODE_VALID_FOR - dt.timedelta(seconds=1)).outcome == (
        RedeemOutcome.LINKED
    )
    assert redeem(database, stale, STRANGER, NOW + CODE_VALID_FOR).outcome is RedeemOutcome.EXPIRED


def test_code_works_once(database: storage.Database) -> None:
    code = issue(database)
    linked = redeem(database, code, MEMBER, NOW)
    assert linked.outcome is RedeemOutcome.LINKED and linked.person_name == "Mette Madsen"
    assert redeem(database, code, STRANGER, NOW).outcome is RedeemOutcome.USED
    assert redeem(database, code, MEMBER, NOW).outcome is RedeemOutcome.USED
    with database.session() as session:
        member = session.scalar(select(Member).where(Member.telegram_user_id == MEMBER))
        stranger = session.scalar(select(Member).where(Member.telegram_user_id == STRANGER))
        assert member is not None and member.person is not None and member.person.name == "Mette Madsen"
        assert stranger is not None and stranger.person_id is None
        link = session.scalars(select(LinkCode)).one()
        assert link.used_by_member_id == member.id


def test_five_wrong_codes_lock_the_user_for_an_hour(database: storage.Database) -> None:
    code = issue(database)
    for attempt in range(MAX_WRONG_CODES):
        result = redeem(database, f"forkert{attempt}", STRANGER, NOW)
        assert result.outcome is RedeemOutcome.INVALID
        assert (result.locked_until is not None) == (attempt == MAX_WRONG_CODES - 1)
    locked = redeem(database, code, STRANGER, NOW + LOCK_DURATION - dt.timedelta(seconds=1))
    assert locked.outcome is RedeemOutcome.LOCKED  # even the right code waits
    assert redeem(database, code, MEMBER, NOW).outcome is RedeemOutcome.LINKED  # others are not locked out
    second = issue(database, "Ole Olsen")
    assert redeem(database, second, STRANGER, NOW + LOCK_DURATION).outcome is RedeemOutcome.LINKED


def context(db: storage.Database) -> HandlerContext:
    return HandlerContext(
        db=db, today=lambda: NOW.date(), admins=frozenset({ADMIN}), bot_username="kkr_test_bot"
    )


def say(db: storage.Database, user_id: int, text: str) -> str:
    sender = Sender(user_id=user_id, chat_id=user_id, name="Test")
    return "\n".join(plain_text(reply.html) for reply in answer(context(db), text, sender))


def test_only_admins_may_invite(database: storage.Database) -> None:
    assert say(database, STRANGER, "/inviter Mette Madsen") == "Kun for administratorer"
    assert plain_text(answer(context(database), "/inviter Mette Madsen")[0].html) == "Kun for administratorer"
    with database.session() as session:
        assert session.scalars(select(LinkCode)).all() == []


def create_button(replies: list[Reply]) -> str:
    """The data of the "➕ Opret" button under an /inviter whose name nobody in the register has."""
    data = [
        b.callback_data for r in replies for row in r.buttons for b in row if b.label.startswith("➕ Opret")
    ]
    assert data and data[0] is not None
    return data[0]


def test_admin_invites_and_the_member_is_linked_by_start(database: storage.Database) -> None:
    admin = Sender(user_id=ADMIN, chat_id=ADMIN, name="Test")
    unknown = answer(context(database), "/inviter  mette madsen", admin)
    assert "Ingen i registret hedder mette madsen" in plain_text(unknown[0].html)
    with database.session() as session:
        assert session.scalars(select(Person)).all() == []  # a typo would not have made a stranger
    pressed = answer_callback(context(database), create_button(unknown), admin)
    invitation = "\n".join(plain_text(reply.html) for reply in pressed)
    match = LINK_RE.search(invitation)
    assert match is not None and match[1] == "kkr_test_bot", invitation
    assert "Mette Madsen" in invitation
    assert "Velkommen, Mette Madsen" in say(database, MEMBER, f"/start {match[2]}")
    assert "allerede brugt" in say(database, STRANGER, f"/start {match[2]}")
    assert "ikke gyldig" in say(database, STRANGER, "/start gaet")
    assert say(database, STRANGER, "/start") == say(database, STRANGER, "/hjaelp")


def test_link_code_command_prints_code_and_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert run_kkrbot("link-code", "Anders Kühnau").returncode == 2  # no database yet
    assert run_kkrbot("db", "upgrade").returncode == 0
    unknown = run_kkrbot("link-code", "Anders Kühnau")
    assert unknown.returncode == 2 and "--new" in unknown.stderr.decode("utf-8")
    done = run_kkrbot("link-code", "Anders Kühnau", "--bot", "kkr_test_bot", "--new")
    assert done.returncode == 0, done.stderr
    output = done.stdout.decode("utf-8")
    match = LINK_RE.search(output)
    assert match is not None and match[1] == "kkr_test_bot", output
    assert "Anders Kühnau" in output
    db = storage.open_database(url)
    try:
        assert redeem(db, match[2], MEMBER, utcnow()).person_name == "Anders Kühnau"
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def linking_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeTelegram, str]]:
    """`kkrbot run` with one administrator, polling the fake Bot API, on an empty SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('linking') / 'kkrbot.sqlite3'}"
    with FakeTelegram() as server:
        server.add_user(ADMIN, "Anne")
        server.add_user(MEMBER, "Mette")
        with running_bot(server, DATABASE_URL=url, KKRBOT_ADMINS=str(ADMIN)):
            yield server, url


def test_invite_and_link_through_telegram(linking_bot: tuple[FakeTelegram, str]) -> None:
    telegram, url = linking_bot
    assert telegram.ask(MEMBER, "/inviter Mette Madsen", timeout=30).plain_text == "Kun for administratorer"
    unknown = telegram.ask(ADMIN, "/inviter Mette Madsen", timeout=30)
    telegram.press_button(ADMIN, unknown.message_id, "➕ Opret Mette Madsen")
    invitation = telegram.wait_for(
        lambda: next((m.plain_text for m in telegram.sent_messages(ADMIN) if "t.me/" in m.plain_text), None),
        timeout=30,
    )
    match = LINK_RE.search(invitation)
    assert match is not None and match[1] == "kkr_test_bot", invitation
    welcome = telegram.ask(MEMBER, f"/start {match[2]}", timeout=30).plain_text
    assert "Velkommen, Mette Madsen" in welcome
    db = storage.open_database(url, migrate=False)
    try:
        with db.session() as session:
            member = session.scalar(select(Member).where(Member.telegram_user_id == MEMBER))
            assert member is not None and member.chat_id == MEMBER
            assert member.person is not None and member.person.name == "Mette Madsen"
    finally:
        db.dispose()
    assert telegram.errors() == []
