"""storage.health: each source's last poll and the outbox backlog, as /status and `kkrbot status` see them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from storage import Member, Notification
from storage.health import OutboxBacklog, outbox_backlog, source_health
from storage.polls import record_poll

PAGE = "https://www.kl.dk/politik/kkr/kkr-midtjylland/moedemateriale/"
INBOX = "file:///srv/kkrbot/indbakke"
MORNING = dt.datetime(2026, 11, 24, 8, 0)
NOON = dt.datetime(2026, 11, 24, 12, 0)


def _member(session: Session, user_id: int, *, inactive: bool = False) -> Member:
    member = Member(telegram_user_id=user_id, chat_id=user_id, is_inactive=inactive)
    session.add(member)
    session.flush()
    return member


def _notice(session: Session, member: Member, key: str, created: dt.datetime, sent: bool = False) -> None:
    session.add(
        Notification(
            member_id=member.id, key=key, text=key, created_at=created, sent_at=created if sent else None
        )
    )
    session.flush()


def test_no_sources_and_an_empty_outbox(db_session: Session) -> None:
    assert source_health(db_session, []) == []
    assert outbox_backlog(db_session) == OutboxBacklog(unsent=0, oldest=None)


def test_each_source_with_its_last_poll_success_and_error(db_session: Session) -> None:
    record_poll(db_session, PAGE, etag='"v1"', last_modified=None, now=MORNING)
    record_poll(db_session, PAGE, etag=None, last_modified=None, error="findes ikke (HTTP 404)", now=NOON)
    record_poll(db_session, INBOX, etag=None, last_modified=None, now=NOON)
    db_session.commit()

    page, inbox = source_health(db_session, [PAGE, INBOX])  # in the configured order

    assert (page.url, page.last_poll, page.last_success) == (PAGE, NOON, MORNING)
    assert page.last_error == "findes ikke (HTTP 404)" and page.failing
    assert (inbox.url, inbox.last_poll, inbox.last_success, inbox.last_error) == (INBOX, NOON, NOON, None)
    assert not inbox.failing


def test_only_the_configured_sources_are_reported_polled_or_not(db_session: Session) -> None:
    """A page fetched once by hand, or no longer configured, is not a source to watch."""
    record_poll(db_session, PAGE, etag=None, last_modified=None, error="findes ikke (HTTP 404)", now=NOON)
    db_session.commit()
    new_page = "https://www.kl.dk/kkr/kkr-nordjylland/moedemateriale/"

    (health,) = source_health(db_session, [new_page])

    assert (health.url, health.last_poll, health.last_error, health.failing) == (new_page, None, None, False)


def test_backlog_counts_unsent_notices_to_reachable_members_and_finds_the_oldest(db_session: Session) -> None:
    reader, gone = _member(db_session, 1001), _member(db_session, 1002, inactive=True)
    _notice(db_session, reader, "sent-long-ago", MORNING - dt.timedelta(days=2), sent=True)
    _notice(db_session, gone, "never-deliverable", MORNING - dt.timedelta(days=1))
    _notice(db_session, reader, "waiting-1", MORNING)
    _notice(db_session, reader, "waiting-2", NOON)
    db_session.commit()

    assert outbox_backlog(db_session) == OutboxBacklog(unsent=2, oldest=MORNING)
