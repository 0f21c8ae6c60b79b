"""The outbox's bookkeeping: which notices a sender may take, and what became of each one it tried.

A sender claims a batch by stamping `claimed_at`/`claimed_by` in one statement; on PostgreSQL the
rows are picked with `FOR UPDATE SKIP LOCKED`, so two senders never take the same row, and on
SQLite the single UPDATE is atomic. A claim is a lease: a row still unsent when its claim is older
than the lease (its sender died, e.g. kill -9) may be claimed again, which is the crash recovery;
only rows that were in flight at the crash can thus be sent twice.

States of a row: pending (`sent_at` NULL), sent (`sent_at` set, `last_error` NULL) and given up
(`sent_at` set and `last_error` set: Telegram refused it for good, or the member blocked the bot).
`mark_sent` clears `last_error`, so an earlier transient error never reads as a failure. Every
function here is one transaction and commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from core.time import utcnow
from storage.models import Member, Notification

DEFAULT_LEASE = dt.timedelta(seconds=60)
FIRST_RETRY_DELAY = dt.timedelta(seconds=5)
MAX_RETRY_DELAY = dt.timedelta(minutes=10)
MAX_ERROR_CHARS = 500
MEMBER_GONE = "modtageren kan ikke nås"  # prefix of last_error on notices stopped with their member


@dataclass(frozen=True)
class ClaimedNotice:
    """A notice a sender has claimed: everything needed to send it, detached from any session."""

    id: int
    member_id: int
    chat_id: int
    text: str
    buttons: list[Any] | None
    attempts: int
    claimed_at: dt.datetime


def _claimable(now: dt.datetime, lease: dt.timedelta) -> Any:
    """Unsent, due, not held by a live claim, for a member who can still be reached."""
    return and_(
        Notification.sent_at.is_(None),
        or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - lease),
        or_(Notification.not_before.is_(None), Notification.not_before <= now),
        Notification.member_id.in_(
            select(Member.id).where(Member.is_inactive.is_(False), Member.is_blocked.is_(False))
        ),
    )


def claim_batch(
    session: Session,
    worker: str,
    limit: int,
    *,
    lease: dt.timedelta = DEFAULT_LEASE,
    now: dt.datetime | None = None,
) -> list[ClaimedNotice]:
    """Claim up to `limit` due notices for `worker`, oldest first; none is held by another live claim."""
    now = now or utcnow()
    chosen = select(Notification.id).where(_claimable(now, lease)).order_by(Notification.id).limit(limit)
    target: Any
    if session.get_bind().dialect.name == "postgresql":
        locked_ids = list(session.scalars(chosen.with_for_update(skip_locked=True, of=Notification)))
        target = Notification.id.in_(locked_ids)
    else:  # one UPDATE statement holds SQLite's write lock from choosing the rows to stamping them
        target = Notification.id.in_(chosen.scalar_subquery())
    claimed_ids = list(
        session.scalars(
            update(Notification)
            .where(target)
            .values(claimed_at=now, claimed_by=worker)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )
    rows = session.execute(
        select(
            Notification.id,
            Notification.member_id,
            Member.chat_id,
            Notification.text,
            Notification.buttons,
            Notification.attempts,
        )
        .join(Member, Member.id == Notification.member_id)
        .where(Notification.id.in_(claimed_ids))
        .order_by(Notification.id)
    ).all()
    session.commit()
    return [
        ClaimedNotice(row.id, row.member_id, row.chat_id, row.text, row.buttons, row.attempts, now)
        for row in rows
    ]


def _error_text(error: str) -> str:
    return error.strip()[:MAX_ERROR_CHARS] or "ukendt fejl"


def mark_sent(session: Session, notification_id: int, *, now: dt.datetime | None = None) -> None:
    """Telegram accepted the notice: it is done and its claim ends."""
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(sent_at=now or utcnow(), last_error=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def retry_delay(attempts: int, first_delay: dt.timedelta = FIRST_RETRY_DELAY) -> dt.timedelta:
    """Exponential backoff after the `attempts`-th failed try: 5 s, 10 s, 20 s ... at most 10 minutes."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(first_delay * 2**exponent, MAX_RETRY_DELAY)


def retry_later(
    session: Session,
    notification_id: int,
    error: str,
    *,
    first_delay: dt.timedelta = FIRST_RETRY_DELAY,
    now: dt.datetime | None = None,
) -> dt.datetime:
    """A transient failure (network, 5xx): count the attempt, keep the row, and try again after a backoff.

    Returns the moment the row becomes due again.
    """
    now = now or utcnow()
    attempts = session.scalar(select(Notification.attempts).where(Notification.id == notification_id)) or 0
    due = now + retry_delay(attempts + 1, first_delay)
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.sent_at.is_(None))
        .values(
            attempts=Notification.attempts + 1,
            not_before=due,
            last_error=_error_text(error),
            claimed_at=None,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return due


def give_up(session: Session, notification_id: int, error: str, *, now: dt.datetime | None = None) -> None:
    """Telegram refused the notice for good (e.g. HTML it cannot parse): closed with the reason."""
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.sent_at.is_(None))
        .values(
            sent_at=now or utcnow(),
            attempts=Notification.attempts + 1,
            last_error=_error_text(error),
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def deactivate_member(session: Session, member_id: int, error: str, *, now: dt.datetime | None = None) -> int:
    """The member blocked the bot or the chat is gone: mark them inactive and close their pending notices.

    Returns how many pending notices were closed. Sending resumes for new notices only once the member
    is active again.
    """
    now = now or utcnow()
    session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(is_inactive=True)
        .execution_options(synchronize_session=False)
    )
    closed = session.execute(
        update(Notification)
        .where(Notification.member_id == member_id, Notification.sent_at.is_(None))
        .values(sent_at=now, last_error=_error_text(f"{MEMBER_GONE}: {error}"), claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(getattr(closed, "rowcount", 0) or 0)


def release(session: Session, notification_ids: Sequence[int], worker: str) -> None:
    """Give back claimed rows that were not tried (a sender stopping), so any sender may take them at once."""
    if not notification_ids:
        return
    session.execute(
        update(Notification)
        .where(
            Notification.id.in_(list(notification_ids)),
            Notification.claimed_by == worker,
            Notification.sent_at.is_(None),
        )
        .values(claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
