"""Fan-out: the event rows ingestion wrote become outbox rows, one per interested member.

Driven by the watermark `event.notified_at`: every event not yet fanned out is taken in id order,
each in a transaction of its own that inserts its Notification rows and marks it done. On
PostgreSQL the event row is locked with FOR UPDATE SKIP LOCKED, so two processes never fan out
the same event; the unique (member, key) of the outbox makes a repeated insert a no-op either way,
so nobody gets the same event twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from core.time import as_utc, local_time
from storage import Database, queries
from storage.models import AgendaItem, Document, Event, ItemChange, Meeting, Member, Notification
from storage.relevance import items_concerning
from storage.search_index import item_body
from storage.subscriptions import keyword_matches
from texts import notices

log = logging.getLogger(__name__)
# Documents of meetings this long ago are an archive being imported, not news: nobody is told.
ARCHIVE_AGE = dt.timedelta(days=60)
INSERT_BATCH = 500  # outbox rows per INSERT, well below SQLite's limit on bound parameters


@dataclass(frozen=True)
class Interest:
    """What of an event matters to one member: all of it (`everything`), and which items and why."""

    member: Member
    everything: bool
    marks: dict[int, list[str]] = field(default_factory=dict)  # item id -> reasons


@dataclass(frozen=True)
class Notice:
    """One outbox row to be: the member, the text and the inline keyboard."""

    member_id: int
    text: str
    buttons: list[list[dict[str, Any]]]


def subscribers(session: Session) -> list[Member]:
    """Members who may be told anything: active, not blocked, with at least one subscription."""
    return list(
        session.scalars(
            select(Member)
            .where(~Member.is_inactive, ~Member.is_blocked, Member.subscriptions.any())
            .options(selectinload(Member.subscriptions))
            .order_by(Member.id)
        )
    )


def interest_of(
    session: Session, member: Member, meeting: Meeting, items: Sequence[AgendaItem], today: dt.date
) -> Interest | None:
    """Whether and how `items` of `meeting` concern the member's subscriptions, or None if not at all."""
    everything = any(
        s.kind == "all" or (s.kind == "body" and s.value == meeting.body.name) for s in member.subscriptions
    )
    marks: dict[int, list[str]] = {}
    keywords = [s.value for s in member.subscriptions if s.kind == "keyword"]
    if keywords:
        for item in items:
            texts = [item.title, item_body(item)]
            for keyword in keywords:
                if keyword_matches(keyword, texts):
                    marks.setdefault(item.id, []).append(notices.keyword_mark(keyword))
    if member.person_id is not None and any(s.kind == "mine" for s in member.subscriptions):
        for item_id, why in items_concerning(session, member.person_id, items, today).items():
            marks.setdefault(item_id, []).extend(map(notices.appointment_mark, why))
    if not everything and not marks:
        return None
    return Interest(member=member, everything=everything, marks=marks)


def insert_notifications(
    session: Session, notices_to_send: Sequence[Notice], key: str, event_id: int | None, now: dt.datetime
) -> int:
    """Insert the outbox rows, skipping any member who already has one with this key; how many were new."""
    if not notices_to_send:
        return 0
    rows = [
        {
            "member_id": n.member_id,
            "event_id": event_id,
            "key": key,
            "text": n.text,
            "buttons": n.buttons,
            "created_at": now,
            "attempts": 0,
        }
        for n in notices_to_send
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = 0
    for start in range(0, len(rows), INSERT_BATCH):
        statement = insert(Notification).values(rows[start : start + INSERT_BATCH])
        statement = statement.on_conflict_do_nothing(index_elements=["member_id", "key"])
        created += len(session.execute(statement.returning(Notification.id)).all())
    return created


# --- what an event is about ---


def _items_of_document(session: Session, event: Event) -> list[AgendaItem]:
    """The items this agenda or these minutes brought, in agenda order."""
    clause = AgendaItem.document_id == event.document_id
    if event.kind == "new_minutes":
        clause = or_(clause, AgendaItem.decision_document_id == event.document_id)
    return list(
        session.scalars(select(AgendaItem).where(clause).order_by(AgendaItem.sort_key, AgendaItem.id))
    )


def _changed_items(
    session: Session, document: Document, changes: Sequence[ItemChange]
) -> dict[str, AgendaItem]:
    """Each changed number's item: as the new version has it, or for a removed one as it was."""
    numbers = {c.number for c in changes}
    found: dict[str, AgendaItem] = {}
    document_ids = [document.id, *{c.previous_document_id for c in changes}]
    for document_id in document_ids:
        rows = session.scalars(
            select(AgendaItem)
            .where(
                AgendaItem.number.in_(numbers),
                or_(AgendaItem.document_id == document_id, AgendaItem.decision_document_id == document_id),
            )
            .order_by(AgendaItem.id.desc())
        )
        for item in rows:
            found.setdefault(item.number, item)
    return found


def notices_for(session: Session, event: Event, members: Sequence[Member], now: dt.datetime) -> list[Notice]:
    """The notice each interested member gets for this event (none for a version that changed nothing)."""
    meeting = event.meeting
    today = local_time(now).date()
    if meeting.date < today - ARCHIVE_AGE:
        return []
    result: list[Notice] = []
    if event.kind == "new_bilag":
        text = notices.new_bilag(meeting, event.document.pages)
        for member in members:
            interest = interest_of(session, member, meeting, [], today)
            if interest is not None and interest.everything:
                result.append(Notice(member.id, text, notices.meeting_button(meeting)))
        return result
    if event.kind == "new_version":
        return _version_notices(session, event, members, today)
    items = _items_of_document(session, event)
    for member in members:
        interest = interest_of(session, member, meeting, items, today)
        if interest is None:
            continue
        if event.kind == "new_minutes":
            text = notices.new_minutes(meeting, items, interest.marks)
            buttons = notices.minutes_button(meeting)
        else:
            supplementary = event.kind == "new_supplementary_agenda"
            text = notices.new_agenda(meeting, items, interest.marks, supplementary=supplementary)
            buttons = notices.meeting_button(meeting)
        result.append(Notice(member.id, text, buttons))
    return result


def _version_notices(
    session: Session, event: Event, members: Sequence[Member], today: dt.date
) -> list[Notice]:
    changes = queries.changes_of(session, event.document)
    if not changes:  # the same document again, e.g. the minutes rendered from Word: nothing to tell
        return []
    document, meeting = event.document, event.meeting
    by_number = _changed_items(session, document, changes)
    result = []
    for member in members:
        interest = interest_of(session, member, meeting, list(by_number.values()), today)
        if interest is None:
            continue
        marked: Mapping[str, Sequence[str]] = {
            number: interest.marks[item.id] for number, item in by_number.items() if item.id in interest.marks
        }
        text = notices.changed(meeting, document.kind, document.version, changes, marked)
        result.append(Notice(member.id, text, notices.document_button(meeting, document.kind)))
    return result


# --- the loop ---


def _next_event(session: Session, after_id: int) -> Event | None:
    """The oldest event not yet fanned out, locked for this transaction (skipped if another has it)."""
    return session.scalar(
        select(Event)
        .where(Event.notified_at.is_(None), Event.id > after_id)
        .order_by(Event.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Event)
    )


def fan_out(db: Database, now: dt.datetime | None = None) -> int:
    """Fan out every event not yet fanned out; returns how many outbox rows were created.

    An event whose notices cannot be built is logged, left for the next run, and does not hold up
    the events after it.
    """
    moment = as_utc(now)
    created, after_id = 0, 0
    while True:
        with db.session() as session:
            event = _next_event(session, after_id)
            if event is None:
                return created
            after_id = event_id = event.id
            try:
                built = notices_for(session, event, subscribers(session), moment)
                created += insert_notifications(session, built, f"event:{event.id}", event.id, moment)
                event.notified_at = moment
                session.commit()
            except Exception as err:
                session.rollback()
                log.error("kunne ikke sende besked om hændelse %s: %s", event_id, err)
