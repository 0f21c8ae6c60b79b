"""How the bot's inputs and outputs are doing, for an administrator: each source's last poll and the
outbox backlog. Read by /status and `kkrbot status`; only reads, never writes.

Times are as stored: naive UTC datetimes. Callers turn them into local time for people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Member, Notification
from storage.polls import source_states


@dataclass(frozen=True)
class SourceHealth:
    """One polled source (a meeting page URL, or the inbox as a `file:` URL) and how its polls went."""

    url: str
    last_poll: dt.datetime | None  # the last poll, successful or not (UTC)
    last_success: dt.datetime | None  # the last poll without an error (UTC)
    last_error: str | None  # the Danish reason the last poll failed; None when it succeeded

    @property
    def failing(self) -> bool:
        """Whether the last poll failed."""
        return self.last_error is not None


@dataclass(frozen=True)
class OutboxBacklog:
    """Notifications still to be sent to members who can receive them."""

    unsent: int
    oldest: dt.datetime | None  # created_at of the oldest unsent one (UTC); None when there are none


def source_health(session: Session, urls: Sequence[str]) -> list[SourceHealth]:
    """The polled sources `urls` (the configured ones, in their order), polled yet or not. A source no
    longer configured, or a page fetched once by hand, is history, not a source to watch."""
    states = {state.url: state for state in source_states(session)}
    health = []
    for url in dict.fromkeys(urls):
        state = states.get(url)
        if state is None:
            health.append(SourceHealth(url=url, last_poll=None, last_success=None, last_error=None))
        else:
            health.append(SourceHealth(url, state.last_poll, state.last_success, state.last_error))
    return health


def outbox_backlog(session: Session) -> OutboxBacklog:
    """The unsent notifications (`sent_at` IS NULL) and the oldest one's age; notifications to members
    who blocked the bot (`is_inactive`) are left out, as they will never be sent."""
    count, oldest = session.execute(
        select(func.count(Notification.id), func.min(Notification.created_at))
        .join(Member, Member.id == Notification.member_id)
        .where(Notification.sent_at.is_(None), Member.is_inactive.is_(False))
    ).one()
    return OutboxBacklog(unsent=int(count), oldest=oldest)
