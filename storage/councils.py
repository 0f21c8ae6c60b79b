"""Which councils a member sees: the ones they chose with /raad, else the councils their appointments
belong to, else every council. One installation serves all five KKRs and their networks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.names import name_key
from storage.db import committing
from storage.members import member_for
from storage.models import Appointment, Body, MemberCouncil
from storage.queries import member_for_user
from storage.writes import body_for


def chosen_councils(session: Session, user_id: int) -> list[str]:
    """The councils the member chose, by name; empty when they chose none."""
    member = member_for_user(session, user_id)
    if member is None:
        return []
    query = (
        select(Body.name)
        .join(MemberCouncil, MemberCouncil.body_id == Body.id)
        .where(MemberCouncil.member_id == member.id)
        .order_by(Body.name)
    )
    return list(session.scalars(query))


def appointment_councils(session: Session, user_id: int, today: dt.date) -> list[str]:
    """The councils that appointed the member's linked person to a seat held today (`appointed_by`)."""
    member = member_for_user(session, user_id)
    if member is None or member.person_id is None:
        return []
    bodies = {name_key(name): name for name in session.scalars(select(Body.name))}
    seats = session.scalars(
        select(Appointment).where(
            Appointment.person_id == member.person_id,
            (Appointment.end_date.is_(None)) | (Appointment.end_date >= today),
        )
    )
    found = {
        bodies[name_key(seat.appointed_by)]
        for seat in seats
        if seat.appointed_by and name_key(seat.appointed_by) in bodies
    }
    return sorted(found)


def councils_of(session: Session, user_id: int, today: dt.date) -> list[str] | None:
    """What the member sees: their chosen councils, else their appointments' councils; None for all."""
    return chosen_councils(session, user_id) or appointment_councils(session, user_id, today) or None


def toggle_council(session: Session, user_id: int, chat_id: int, name: str | None, council: str) -> bool:
    """Follow the council if the member does not, stop if they do; commits. True when now followed."""
    with committing(session):
        member = member_for(session, user_id, chat_id, name)
        body = body_for(session, council)  # a KKR whose material has not come in yet
        chosen = session.get(MemberCouncil, (member.id, body.id))
        if chosen is not None:
            session.delete(chosen)
            return False
        session.add(MemberCouncil(member_id=member.id, body_id=body.id))
        return True


def clear_councils(session: Session, user_id: int) -> None:
    """Back to every council; commits."""
    with committing(session):
        member = member_for_user(session, user_id)
        if member is not None:
            session.execute(delete(MemberCouncil).where(MemberCouncil.member_id == member.id))
