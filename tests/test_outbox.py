"""The outbox's claims and outcomes (storage.outbox), on an SQLite file and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from storage import Database, Member, Notification
from storage.outbox import (
    DEFAULT_LEASE,
    MAX_RETRY_DELAY,
    claim_batch,
    deactivate_member,
    give_up,
    mark_sent,
    release,
    retry_delay,
    retry_later,
)
from tests.outbox_counts import outbox_counts

NOW = dt.datetime(2026, 3, 20, 12, 0, 0)


def add_notices(db: Database, chats: int, per_chat: int = 1, **member_flags: bool) -> list[int]:
    """`chats` members, each with `per_chat` notices; returns the notices' ids in order."""
    with db.session() as session:
        ids = []
        start = session.scalar(select(Member.id).order_by(Member.id.desc()).limit(1)) or 0
        for number in range(start + 1, start + chats + 1):
            member = Member(telegram_user_id=10_000 + number, chat_id=10_000 + number, **member_flags)
            session.add(member)
            session.flush()
            for key in range(per_chat):
                notice = Notification(member_id=member.id, key=f"event:{key}", text=f"<b>Nyt</b> {key}")
                session.add(notice)
                session.flush()
                ids.append(notice.id)
        session.commit()
        return ids


def row(db: Database, notification_id: int) -> Notification:
    with db.session() as session:
        notice = session.get(Notification, notification_id)
        assert notice is not None
        return notice


def claim(db: Database, worker: str, limit: int = 100, now: dt.datetime = NOW) -> list[int]:
    with db.session() as session:
        return [notice.id for notice in claim_batch(session, worker, limit, now=now)]


def test_a_claim_takes_due_rows_oldest_first_with_what_sending_needs(database: Database) -> None:
    ids = add_notices(database, 3)
    with database.session() as session:
        claimed = claim_batch(session, "a", 2, now=NOW)
    assert [notice.id for notice in claimed] == ids[:2]
    assert claimed[0].chat_id == 10_001 and claimed[0].text == "<b>Nyt</b> 0"
    assert row(database, ids[0]).claimed_by == "a" and row(database, ids[0]).claimed_at == NOW
    assert claim(database, "b") == ids[2:]
    assert claim(database, "c") == []


def test_a_claim_older_than_the_lease_is_taken_again_that_is_the_crash_recovery(database: Database) -> None:
    ids = add_notices(database, 2)
    assert claim(database, "dead") == ids
    assert claim(database, "alive", now=NOW + DEFAULT_LEASE - dt.timedelta(seconds=1)) == []
    assert claim(database, "alive", now=NOW + DEFAULT_LEASE + dt.timedelta(seconds=1)) == ids
    assert row(database, ids[0]).claimed_by == "alive"


def test_sent_rows_are_never_claimed_again(database: Database) -> None:
    ids = add_notices(database, 2)
    claim(database, "a")
    with database.session() as session:
        mark_sent(session, ids[0], now=NOW)
    later = NOW + DEFAULT_LEASE * 2
    assert claim(database, "b", now=later) == [ids[1]]
    assert row(database, ids[0]).sent_at == NOW and row(database, ids[0]).last_error is None


def test_released_rows_are_claimable_at_once_by_anyone(database: Database) -> None:
    ids = add_notices(database, 2)
    claim(database, "a")
    with database.session() as session:
        release(session, ids, "someone else")  # not theirs: nothing happens
    assert claim(database, "b") == []
    with database.session() as session:
        release(session, ids, "a")
    assert claim(database, "b") == ids


def test_a_transient_failure_keeps_the_row_and_backs_off(database: Database) -> None:
    [notice_id] = add_notices(database, 1)
    claim(database, "a")
    with database.session() as session:
        due = retry_later(session, notice_id, "NetworkError: Bad Gateway", now=NOW)
    stored = row(database, notice_id)
    assert (stored.attempts, stored.sent_at, stored.claimed_at) == (1, None, None)
    assert stored.last_error == "NetworkError: Bad Gateway" and stored.not_before == due > NOW
    assert claim(database, "a", now=due - dt.timedelta(seconds=1)) == []
    assert claim(database, "a", now=due) == [notice_id]
    with database.session() as session:
        second_due = retry_later(session, notice_id, "TimedOut", now=due)
        mark_sent(session, notice_id, now=second_due)
    assert second_due - due > due - NOW  # the wait grows
    stored = row(database, notice_id)
    assert stored.attempts == 2 and stored.last_error is None  # sent after all: no error left


def test_the_backoff_doubles_and_stops_growing_at_its_cap() -> None:
    delays = [retry_delay(attempt) for attempt in range(1, 12)]
    assert delays[1] == 2 * delays[0] and delays[2] == 2 * delays[1]
    assert delays[-1] == MAX_RETRY_DELAY and all(d <= MAX_RETRY_DELAY for d in delays)


def test_a_permanent_refusal_closes_the_row_with_the_reason(database: Database) -> None:
    ids = add_notices(database, 2)
    claim(database, "a")
    with database.session() as session:
        give_up(session, ids[0], "Bad Request: can't parse entities", now=NOW)
        mark_sent(session, ids[1], now=NOW)
        counts = outbox_counts(session)
    stored = row(database, ids[0])
    assert stored.sent_at == NOW and stored.last_error == "Bad Request: can't parse entities"
    assert (counts.pending, counts.sent, counts.given_up) == (0, 1, 1)


def test_a_member_who_blocked_the_bot_becomes_inactive_and_their_pending_notices_stop(
    database: Database,
) -> None:
    blocked = add_notices(database, 1, per_chat=3)
    others = add_notices(database, 1, per_chat=1)
    claim(database, "a", limit=1)
    member_id = row(database, blocked[0]).member_id
    with database.session() as session:
        closed = deactivate_member(session, member_id, "Forbidden: bot was blocked by the user", now=NOW)
    assert closed == 3
    with database.session() as session:
        member = session.get(Member, member_id)
        assert member is not None and member.is_inactive
    assert all("blocked by the user" in (row(database, i).last_error or "") for i in blocked)
    assert claim(database, "b", now=NOW + DEFAULT_LEASE * 2) == others


def test_members_inactive_or_blocked_by_an_admin_get_nothing(database: Database) -> None:
    add_notices(database, 1, is_inactive=True)
    add_notices(database, 1, is_blocked=True)
    reachable = add_notices(database, 1)
    assert claim(database, "a") == reachable


def test_two_claimers_at_once_never_get_the_same_row(database: Database) -> None:
    """On PostgreSQL FOR UPDATE SKIP LOCKED, on SQLite one atomic UPDATE: each row goes to one worker."""
    ids = add_notices(database, 300)
    got: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    start = threading.Barrier(len(got))

    def work(worker: str) -> None:
        start.wait()
        while batch := claim(database, worker, limit=7):
            got[worker].extend(batch)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [notice_id for batch in got.values() for notice_id in batch]
    assert sorted(everything) == ids  # every row once, none twice
    with database.session() as session:
        owners = {n.id: n.claimed_by for n in session.scalars(select(Notification))}
    assert all(owners[notice_id] == worker for worker, batch in got.items() for notice_id in batch)


@pytest.mark.parametrize("limit", [1, 50])
def test_a_claim_never_takes_more_than_asked(database: Database, limit: int) -> None:
    add_notices(database, 60)
    assert len(claim(database, "a", limit=limit)) == limit
