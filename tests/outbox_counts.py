"""How the outbox stands, counted in the database: what the sender tests check after a run."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from storage.models import Notification


@dataclass(frozen=True)
class OutboxCounts:
    """Pending, sent and given-up notices."""

    pending: int
    sent: int
    given_up: int


def outbox_counts(session: Session) -> OutboxCounts:
    """Pending, sent and given-up notices, counted in the database."""
    is_pending = Notification.sent_at.is_(None)
    is_given_up = and_(Notification.sent_at.is_not(None), Notification.last_error.is_not(None))
    total, pending, given_up = session.execute(
        select(
            func.count(),
            func.count(case((is_pending, 1))),
            func.count(case((is_given_up, 1))),
        ).select_from(Notification)
    ).one()
    return OutboxCounts(pending=pending, sent=total - pending - given_up, given_up=given_up)
