"""The outbox sender against the fake Bot API server: Telegram's limits, its refusals, crashes, two senders.

The first tests run delivery.sender.OutboxSender in the test's event loop on an SQLite file; the last
ones run the real `kkrbot run` process (kill -9 in the middle of a broadcast; two processes sharing
one PostgreSQL outbox). Chats are distinct where possible: Telegram allows one message a second per chat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from delivery.pacing import Pacer
from delivery.sender import OutboxSender
from fake_bot_api import NO_LIMITS, FakeTelegram, RateLimits
from storage import Database, Member, Notification, open_database
from tests.bot_process import start_bot_process
from tests.conftest import fresh_database_url
from tests.outbox_counts import outbox_counts

FIRST_CHAT = 700_001
STRICT = RateLimits(messages_per_second=60, chat_messages_per_second=1.0, chat_burst=1)


def add_members(
    db: Database, server: FakeTelegram, chats: int, per_chat: int = 1, text: str = "", first: int = FIRST_CHAT
) -> list[int]:
    """`chats` members with their chats on the server and `per_chat` notices each; returns the chat ids."""
    chat_ids = list(range(first, first + chats))
    with db.session() as session:
        for chat_id in chat_ids:
            server.add_user(chat_id, f"Medlem {chat_id}")
            member = Member(telegram_user_id=chat_id, chat_id=chat_id)
            session.add(member)
            session.flush()
            for key in range(per_chat):
                body = text or f"<b>Ny dagsorden</b> til møde {key} &amp; mere"
                session.add(Notification(member_id=member.id, key=f"agenda:{key}", text=body))
        session.commit()
    return chat_ids


def pending(db: Database) -> int:
    with db.session() as session:
        return outbox_counts(session).pending


def notices_of(db: Database, chat_id: int) -> list[Notification]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Notification).join(Member).where(Member.chat_id == chat_id).order_by(Notification.id)
            )
        )


def member_of(db: Database, chat_id: int) -> Member:
    with db.session() as session:
        member = session.scalar(select(Member).where(Member.chat_id == chat_id))
        assert member is not None
        return member


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield database
    database.dispose()


@asynccontextmanager
async def sending(server: FakeTelegram, db: Database, rate: float = 50) -> AsyncIterator[OutboxSender]:
    """An OutboxSender on its own Bot, running in this event loop until the block ends."""
    async with Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        sender = OutboxSender(
            db, bot, pacer=Pacer(rate), first_retry_delay=dt.timedelta(milliseconds=50), idle_seconds=0.05
        )
        await sender.start()
        try:
            yield sender
        finally:
            await sender.stop()


async def until(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


# --------------------------------------------------------------------- the sender against the fake server


async def test_a_broadcast_reaches_everyone_within_telegrams_limits(db: Database) -> None:
    with FakeTelegram(limits=STRICT) as server:
        single = add_members(db, server, 60)
        with db.session() as session:  # three more chats get three notices each: 1 s apart per chat
            for chat_id in single[:3]:
                member = session.scalar(select(Member).where(Member.chat_id == chat_id))
                assert member is not None
                for key in ("bilag:1", "referat:1"):
                    session.add(Notification(member_id=member.id, key=key, text=f"<i>{key}</i>"))
            session.commit()
        async with sending(server, db, rate=40):
            await until(lambda: pending(db) == 0)
        assert server.rate_limited_count == 0, server.report()
        assert server.errors() == []
        counts = Counter(message.chat_id for message in server.sent_messages())
        assert counts == {chat_id: 3 if chat_id in single[:3] else 1 for chat_id in single}
        message = server.sent_messages(single[-1])[0]
        assert message.plain_text == "Ny dagsorden til møde 0 & mere" and message.link_preview_disabled


async def test_notices_carry_their_buttons(db: Database) -> None:
    with FakeTelegram(limits=STRICT) as server:
        [chat_id] = add_members(db, server, 1)
        with db.session() as session:
            notice = session.scalars(select(Notification)).one()
            notice.buttons = [
                [{"text": "Åbn dagsordenen", "callback_data": "m:1"}],
                [{"text": "KL's side", "url": "https://www.kl.dk/kkr"}],
            ]
            session.commit()
        async with sending(server, db):
            await until(lambda: pending(db) == 0)
        message = server.sent_messages(chat_id)[0]
        assert message.button("Åbn dagsordenen").callback_data == "m:1"
        assert message.button("KL's side").url == "https://www.kl.dk/kkr"


async def test_a_429_makes_the_sender_wait_retry_after_and_then_carry_on(db: Database) -> None:
    """The fake refuses every send until retry_after has passed, as Telegram does, so a sender that did
    not wait would be refused again and again; only a send already under way may share the first 429."""
    with FakeTelegram(limits=STRICT) as server:
        chats = add_members(db, server, 12)
        server.fail_next("sendMessage", retry_after=1)
        async with sending(server, db, rate=10) as sender:
            await until(lambda: pending(db) == 0)
        refused = [error.chat_id for error in server.errors("sendMessage") if error.error_code == 429]
        assert 1 <= len(refused) <= 2 and len(set(refused)) == len(refused), server.report()
        assert sender.retry_after_count == server.rate_limited_count
        assert sorted(message.chat_id for message in server.sent_messages()) == chats
        assert all(n.attempts == 0 and n.last_error is None for c in chats for n in notices_of(db, c))


@pytest.mark.parametrize(
    ("make_unreachable", "error"),
    [
        (FakeTelegram.block_chat, "Forbidden: bot was blocked by the user"),
        (FakeTelegram.delete_chat, "Bad Request: chat not found"),
    ],
    ids=["403-blocked", "400-chat-not-found"],
)
async def test_a_member_who_cannot_be_reached_becomes_inactive_and_gets_nothing_more(
    db: Database, make_unreachable: Callable[[FakeTelegram, int], None], error: str
) -> None:
    with FakeTelegram(limits=STRICT) as server:
        chats = add_members(db, server, 5, per_chat=3)
        gone = chats[2]
        make_unreachable(server, gone)
        async with sending(server, db):
            await until(lambda: pending(db) == 0)
        assert member_of(db, gone).is_inactive
        refused = [e for e in server.errors("sendMessage") if e.chat_id == gone]
        assert [e.description for e in refused] == [error]  # one try, then never again
        reason = error.split(": ", 1)[1].lower()  # PTB drops Telegram's "Bad Request: " prefix
        assert all(n.sent_at and reason in (n.last_error or "").lower() for n in notices_of(db, gone))
        assert Counter(m.chat_id for m in server.sent_messages()) == {c: 3 for c in chats if c != gone}
        assert server.rate_limited_count == 0


async def test_server_errors_and_lost_connections_keep_the_row_for_a_later_try(db: Database) -> None:
    with FakeTelegram(limits=STRICT) as server:
        chats = add_members(db, server, 6)
        server.fail_next("sendMessage", 2, error_code=502, description="Bad Gateway")
        server.drop_next("sendMessage")
        async with sending(server, db):
            await until(lambda: pending(db) == 0)
        assert sorted(message.chat_id for message in server.sent_messages()) == chats
        notices = [n for c in chats for n in notices_of(db, c)]
        assert sum(n.attempts for n in notices) == 3  # three failed tries, each counted
        assert all(n.sent_at is not None and n.last_error is None for n in notices)


async def test_a_notice_telegram_cannot_parse_is_given_up_with_the_reason(db: Database) -> None:
    with FakeTelegram(limits=STRICT) as server:
        [bad] = add_members(db, server, 1, text="<b>Ny dagsorden uden slutmærke")
        with db.session() as session:
            fine = Member(telegram_user_id=bad + 1, chat_id=bad + 1)
            server.add_user(bad + 1)
            session.add(fine)
            session.flush()
            session.add(Notification(member_id=fine.id, key="agenda:1", text="<b>Ny dagsorden</b>"))
            session.commit()
        async with sending(server, db):
            await until(lambda: pending(db) == 0)
        [notice] = notices_of(db, bad)
        assert notice.sent_at is not None and "can't parse entities" in (notice.last_error or "").lower()
        assert not member_of(db, bad).is_inactive
        assert [m.chat_id for m in server.sent_messages()] == [bad + 1]
        with db.session() as session:
            assert outbox_counts(session).given_up == 1


# --------------------------------------------------------------------- the real `kkrbot run` process


def _wait_started(server: FakeTelegram, processes: int) -> None:
    """Until `processes` bots have set their commands (post_init ran, so their senders are running)."""
    server.wait_for(lambda: len(server.calls("setMyCommands")) >= processes, 60, "the bots to start")


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll `condition`: the database changes without the fake server noticing, so no server.wait_for."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _log_is_clean(path: Path, server: FakeTelegram) -> None:
    log = path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log
    assert server.token not in log


def test_kill_9_in_the_middle_of_a_broadcast_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    db = open_database(url)
    log = tmp_path / "bot.log"
    with FakeTelegram(limits=RateLimits(messages_per_second=150, chat_burst=1)) as server:
        chats = add_members(db, server, 300)
        env = {"DATABASE_URL": url, "KKRBOT_SEND_RATE": "100", "KKRBOT_OUTBOX_LEASE": "3"}
        first = start_bot_process(server, str(log), **env)
        try:
            server.wait_for(lambda: len(server.sent_messages()) >= 100, 60, "a third of the broadcast")
        finally:
            first.kill()  # SIGKILL: no shutdown, no release of claims
            first.wait(timeout=30)
        sent_before_restart = len(server.sent_messages())
        assert sent_before_restart < len(chats), "the broadcast finished before the kill"
        with db.session() as session:  # claimed and not marked sent: the only rows that may go twice
            in_flight = set(
                session.scalars(
                    select(Member.chat_id)
                    .join(Notification)
                    .where(Notification.sent_at.is_(None), Notification.claimed_at.is_not(None))
                )
            )
        second = start_bot_process(server, str(log), **env)
        try:
            _wait_until(
                lambda: len({m.chat_id for m in server.sent_messages()}) == len(chats) and pending(db) == 0,
                "every notice after the restart",
            )
        finally:
            second.terminate()
            second.wait(timeout=30)
        counts = Counter(message.chat_id for message in server.sent_messages())
        assert set(counts) == set(chats)
        repeated = {chat for chat, count in counts.items() if count > 1}
        assert repeated <= in_flight and max(counts.values()) <= 2
        assert server.rate_limited_count == 0, server.report()
    db.dispose()
    _log_is_clean(log, server)


def test_two_bots_share_one_postgresql_outbox_without_sending_a_notice_twice(tmp_path: Path) -> None:
    with fresh_database_url("postgresql", tmp_path) as url:  # skips without a PostgreSQL server
        db = open_database(url)
        log = tmp_path / "bots.log"
        with FakeTelegram(limits=NO_LIMITS, terminate_concurrent_polls=False) as server:
            env = {"DATABASE_URL": url, "KKRBOT_SEND_RATE": "50"}  # claims of 50: both bots get some
            bots = [start_bot_process(server, str(log), **env) for _ in range(2)]
            try:
                _wait_started(server, 2)
                chats = add_members(db, server, 200)
                _wait_until(lambda: pending(db) == 0, "the outbox to empty")
            finally:
                for bot in bots:
                    bot.terminate()
                for bot in bots:
                    bot.wait(timeout=30)
            assert Counter(m.chat_id for m in server.sent_messages()) == dict.fromkeys(chats, 1)
            with db.session() as session:
                workers = Counter(session.scalars(select(Notification.claimed_by)))
            assert len(workers) == 2, workers  # both bots sent a share
        db.dispose()
    _log_is_clean(log, server)
