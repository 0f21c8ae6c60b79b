"""What the pollers remember between runs: each source's validators and health, and meetings a page announces.

The caller commits (these rows belong to the poll that wrote them, not to any one document).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.time import utcnow
from storage.models import Meeting, SourceState
from storage.writes import meeting_for


def source_state(session: Session, url: str) -> SourceState:
    """The stored state of `url`, or a blank one (not added to the session) for a new source."""
    state = session.scalar(select(SourceState).where(SourceState.url == url))
    return state if state is not None else SourceState(url=url)


def source_states(session: Session) -> list[SourceState]:
    """Every polled source, for /status."""
    return list(session.scalars(select(SourceState).order_by(SourceState.url)))


def record_poll(
    session: Session,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    error: str | None = None,
    now: dt.datetime | None = None,
) -> SourceState:
    """Remember one poll of `url`. A poll with an error keeps the old validators, so the next poll
    fetches the page in full again and retries what failed."""
    moment = now or utcnow()
    state = source_state(session, url)
    session.add(state)
    state.last_poll = moment
    if error is None:
        state.etag, state.last_modified = etag, last_modified
        state.last_success = moment
        state.last_error = None
    else:
        state.last_error = error
    session.flush()
    return state


def record_planned_meeting(
    session: Session,
    body: str,
    meeting_date: dt.date,
    *,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    location: str | None = None,
) -> Meeting:
    """A meeting a page announces before any document exists; it fills only what is still unknown."""
    meeting = meeting_for(session, body, meeting_date)
    for name, value in (("start_time", start_time), ("end_time", end_time), ("location", location)):
        if getattr(meeting, name) is None and value is not None:
            setattr(meeting, name, value)
    session.flush()
    return meeting
