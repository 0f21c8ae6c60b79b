"""The reads the bot needs: meetings by date, their items, appointments. Plain selects, no writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.bodies import KDNET, KKRS
from core.kinds import DocumentKind
from storage.models import (
    AgendaItem,
    Appointment,
    Body,
    Document,
    ItemChange,
    Meeting,
    Member,
    Organization,
    Person,
    Section,
)

# Which councils (bodies) a read is about: one name, several, or None for every council.
Councils = str | Collection[str] | None


def _names(councils: Councils) -> list[str] | None:
    return [councils] if isinstance(councils, str) else None if councils is None else list(councils)


def _meetings(councils: Councils) -> Select[tuple[Meeting]]:
    query = select(Meeting).join(Meeting.body)
    names = _names(councils)
    return query.where(Body.name.in_(names)) if names is not None else query


def council_names(session: Session) -> list[str]:
    """Every body (council) with a stored meeting, by name."""
    return list(session.scalars(select(Body.name).order_by(Body.name)))


def nameable_councils(session: Session) -> list[str]:
    """What a member's words may name: the stored councils, and the five KKRs and KD-Net before any
    of their material has come in (so `/abonner nordjylland` follows the council from the start)."""
    return sorted({*council_names(session), *KKRS, KDNET})


def next_meeting(session: Session, today: dt.date, councils: Councils = None) -> Meeting | None:
    """The first meeting on or after `today` that is not cancelled."""
    meetings = upcoming_meetings(session, today, councils=councils, limit=1)
    return meetings[0] if meetings else None


def upcoming_meetings(
    session: Session, today: dt.date, councils: Councils = None, limit: int = 10
) -> list[Meeting]:
    """Meetings on or after `today` that are not cancelled, soonest first."""
    query = (
        _meetings(councils)
        .where(Meeting.date >= today, Meeting.state != "cancelled")
        .order_by(Meeting.date, Body.name)
        .limit(limit)
    )
    return list(session.scalars(query))


def latest_meetings(
    session: Session, n: int = 5, councils: Councils = None, before: dt.date | None = None
) -> list[Meeting]:
    """The `n` most recent meetings (before `before` when given), newest first."""
    query = _meetings(councils)
    if before is not None:
        query = query.where(Meeting.date < before)
    return list(session.scalars(query.order_by(Meeting.date.desc(), Body.name).limit(n)))


def meeting_dates(session: Session, councils: Councils = None) -> list[dt.date]:
    """Every date a meeting is stored on, for reading a member's "marts" or "23. april" against."""
    query = select(Meeting.date).join(Meeting.body)
    names = _names(councils)
    if names is not None:
        query = query.where(Body.name.in_(names))
    return sorted(set(session.scalars(query)))


def meetings_on(session: Session, day: dt.date, councils: Councils = None) -> list[Meeting]:
    """Every council's meeting on `day` (of `councils` when given), by council name."""
    return list(session.scalars(_meetings(councils).where(Meeting.date == day).order_by(Body.name)))


def latest_meeting_with_minutes(
    session: Session, today: dt.date, councils: Councils = None
) -> Meeting | None:
    """The most recent meeting up to `today` whose minutes (referat) are stored."""
    has_minutes = select(Document.id).where(
        Document.meeting_id == Meeting.id, Document.kind == DocumentKind.REFERAT, Document.is_current
    )
    query = _meetings(councils).where(Meeting.date <= today, has_minutes.exists())
    return session.scalars(query.order_by(Meeting.date.desc(), Body.name).limit(1)).first()


def meeting_on(session: Session, day: dt.date, councils: Councils = None) -> Meeting | None:
    """The meeting of `councils` on `day`; the first by council name when several met."""
    return session.scalars(_meetings(councils).where(Meeting.date == day).order_by(Body.name)).first()


def items_of(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's current items in agenda order."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.is_current)
            .order_by(AgendaItem.sort_key, AgendaItem.id)
        )
    )


def sections_of(session: Session, meeting: Meeting) -> list[Section]:
    """The meeting's current sections in agenda order."""
    return list(
        session.scalars(
            select(Section)
            .where(Section.meeting_id == meeting.id, Section.is_current)
            .order_by(Section.sort_key, Section.id)
        )
    )


def item(session: Session, meeting: Meeting, number: str) -> AgendaItem | None:
    """The current item `number` ("3.2", or "5" for KD-Net) of the meeting."""
    wanted = number.strip().rstrip(".")
    return session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.is_current, AgendaItem.number == wanted)
        .order_by(AgendaItem.id.desc())
    ).first()


@dataclass(frozen=True)
class Neighbours:
    """The items before and after one item of the same meeting, for "forrige/næste" buttons."""

    previous: AgendaItem | None
    next: AgendaItem | None


def neighbours(session: Session, current: AgendaItem) -> Neighbours:
    """The current items on either side of `current` in agenda order."""
    items = items_of(session, current.meeting)
    ids = [i.id for i in items]
    if current.id not in ids:
        return Neighbours(None, None)
    at = ids.index(current.id)
    return Neighbours(items[at - 1] if at > 0 else None, items[at + 1] if at + 1 < len(items) else None)


def documents_of(session: Session, meeting: Meeting) -> list[Document]:
    """Every stored document of the meeting, each kind's versions oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.meeting_id == meeting.id)
            .order_by(Document.kind, Document.version)
        )
    )


def changes_of(session: Session, document: Document) -> list[ItemChange]:
    """What this document version changed compared with the version before it."""
    return list(
        session.scalars(
            select(ItemChange).where(ItemChange.document_id == document.id).order_by(ItemChange.id)
        )
    )


def document_with_sha256(session: Session, sha256: str) -> Document | None:
    """The stored document with these exact bytes, if any."""
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def current_document(session: Session, council: str, day: dt.date, kind: DocumentKind) -> Document | None:
    """The current version of the council's `kind` document for its meeting on `day`, if one is stored."""
    return session.scalar(
        _documents_of_meeting(council, day).where(Document.kind == kind, Document.is_current)
    )


def _documents_of_meeting(council: str, day: dt.date) -> Select[tuple[Document]]:
    return (
        select(Document)
        .join(Document.meeting)
        .join(Meeting.body)
        .where(Body.name == council, Meeting.date == day)
    )


def is_known_source_url(session: Session, url: str) -> bool:
    """Whether a document was already stored from this URL (so a poller need not download it again)."""
    return session.scalar(select(Document.id).where(Document.source_url == url).limit(1)) is not None


def appointments_of(session: Session, person: Person, on: dt.date | None = None) -> list[Appointment]:
    """The person's appointments, those in force on `on` when given; by organization name."""
    query = select(Appointment).join(Appointment.organization).where(Appointment.person_id == person.id)
    if on is not None:
        query = query.where(
            (Appointment.start_date.is_(None)) | (Appointment.start_date <= on),
            (Appointment.end_date.is_(None)) | (Appointment.end_date >= on),
        )
    return list(session.scalars(query.order_by(Organization.name, Appointment.start_date, Appointment.id)))


def member_for_user(session: Session, user_id: int) -> Member | None:
    """The bot's member row for a Telegram user, if they have written to the bot before."""
    return session.scalar(select(Member).where(Member.telegram_user_id == user_id))
