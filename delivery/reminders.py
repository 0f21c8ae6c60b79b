"""Reminders: from 16:00 (Europe/Copenhagen) the day before a meeting with a published agenda, one
message to each member who follows everything, the meeting's body, or something on its agenda.

Meant to run every minute: the outbox key `reminder:<meeting id>` is unique per member, so a
reminder is queued once however often this runs, and also by two processes at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.kinds import AGENDA_KINDS
from core.time import as_utc, local_time
from delivery.fanout import Notice, insert_notifications, interest_of, subscribers
from storage import Database, queries
from storage.models import Document, Meeting, Notification
from texts import notices

REMINDER_TIME = dt.time(16, 0)


def reminder_key(meeting_id: int) -> str:
    return f"reminder:{meeting_id}"


def meetings_to_remind(session: Session, day: dt.date) -> list[Meeting]:
    """The meetings on `day` that are not cancelled and have a published agenda."""
    has_agenda = exists().where(
        Document.meeting_id == Meeting.id, Document.kind.in_(sorted(AGENDA_KINDS)), Document.is_current
    )
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.date == day, Meeting.state != "cancelled", has_agenda)
            .order_by(Meeting.id)
        )
    )


def queue_reminders(db: Database, now: dt.datetime | None = None) -> int:
    """Queue the reminders due at `now` (naive UTC or aware); returns how many outbox rows were created."""
    moment = as_utc(now)
    local = local_time(moment)
    if local.time() < REMINDER_TIME:
        return 0
    created = 0
    with db.session() as session:
        meetings = meetings_to_remind(session, local.date() + dt.timedelta(days=1))
        if not meetings:
            return 0
        members = subscribers(session)
        for meeting in meetings:
            key = reminder_key(meeting.id)
            reminded = set(session.scalars(select(Notification.member_id).where(Notification.key == key)))
            waiting = [m for m in members if m.id not in reminded]
            if not waiting:
                continue
            items = queries.items_of(session, meeting)
            built = []
            for member in waiting:
                interest = interest_of(session, member, meeting, items, local.date())
                if interest is not None:
                    text = notices.reminder(meeting, items, interest.marks)
                    built.append(Notice(member.id, text, notices.meeting_button(meeting)))
            created += insert_notifications(session, built, key, None, moment)
        session.commit()
    return created
