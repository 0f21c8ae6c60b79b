"""Appointment changes read from documents, kept as proposals until an administrator decides.

Storing a document records what its "Udpegninger" items propose (ParsedItem.appointments, read by
parsing.appointments); nothing reaches the
register until someone confirms it. Confirming ends the replaced person's seat the day before the
meeting and gives the new person the seat from the meeting's date, with the item as its source.
The same change read again (the minutes after the agenda, a new version) is the same proposal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.names import name_key, normalize_party
from parsing.model import AppointmentChange
from storage.db import committing
from storage.models import AgendaItem, Appointment, AppointmentProposal, Meeting, Organization, Person
from storage.register import people_named
from storage.relevance import organization_pattern


class ProposalGone(Exception):
    """The proposal does not exist (any more)."""


@dataclass(frozen=True)
class Decision:
    """What became of a proposal: its state now, and whether this call decided it."""

    proposal: AppointmentProposal
    decided_now: bool


def fingerprint(change: AppointmentChange) -> str:
    """Who, where and in whose place, ignoring case and spacing: the same change read twice is one."""
    key = "|".join(name_key(part or "") for part in (change.person, change.organization, change.replaces))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def record_proposals(
    session: Session,
    meeting: Meeting,
    proposed: Iterable[tuple[AgendaItem, Sequence[AppointmentChange]]],
    now: dt.datetime,
) -> int:
    """Store the changes each item proposes that this meeting has not recorded yet; how many are new."""
    known = set(
        session.scalars(
            select(AppointmentProposal.fingerprint).where(AppointmentProposal.meeting_id == meeting.id)
        )
    )
    new = 0
    for item, changes in proposed:
        for change in changes:
            key = fingerprint(change)
            if key in known:
                continue
            known.add(key)
            session.add(
                AppointmentProposal(
                    meeting_id=meeting.id,
                    item_id=item.id,
                    item_number=item.number,
                    fingerprint=key,
                    person_name=change.person[:200],
                    party=normalize_party(change.party or ""),
                    replaces_name=change.replaces[:200] if change.replaces else None,
                    organization_name=change.organization[:300],
                    role=change.role,
                    sentence=change.sentence,
                    created_at=now,
                )
            )
            new += 1
    return new


def pending_proposals(session: Session) -> list[AppointmentProposal]:
    """Proposals nobody has decided, oldest meeting first."""
    query = (
        select(AppointmentProposal)
        .join(AppointmentProposal.meeting)
        .where(AppointmentProposal.state == "pending")
        .order_by(Meeting.date, AppointmentProposal.item_number, AppointmentProposal.id)
    )
    return list(session.scalars(query))


def _person(session: Session, name: str, party: str | None) -> Person:
    """The stored person of that name (the one of the same party if several), or a new one."""
    people = people_named(session, name)
    same_party = [p for p in people if party and p.party == party]
    if same_party or people:
        return (same_party or people)[0]
    person = Person(name=name, municipality="", party=party)
    session.add(person)
    session.flush()
    return person


def _replaced(session: Session, name: str) -> list[Person]:
    """The people a document means by `name`; a genitive may have lost or kept its s."""
    return people_named(session, name) or people_named(session, name + "s")


def _organization(session: Session, name: str) -> Organization:
    organizations = list(session.scalars(select(Organization).order_by(Organization.id)))
    for organization in organizations:
        if name_key(organization.name) == name_key(name):
            return organization
    for organization in organizations:
        if organization_pattern(organization.name).fullmatch(name):
            return organization
    organization = Organization(name=name)
    session.add(organization)
    session.flush()
    return organization


def _current_seats(
    session: Session, people: list[Person], organization: Organization, day: dt.date
) -> list[Appointment]:
    if not people:
        return []
    query = select(Appointment).where(
        Appointment.person_id.in_([p.id for p in people]),
        Appointment.organization_id == organization.id,
        or_(Appointment.end_date.is_(None), Appointment.end_date >= day),
    )
    return list(session.scalars(query))


def _apply(session: Session, proposal: AppointmentProposal) -> None:
    meeting = proposal.meeting
    organization = _organization(session, proposal.organization_name)
    person = _person(session, proposal.person_name, proposal.party)
    replaced = _current_seats(
        session, _replaced(session, proposal.replaces_name), organization, meeting.date
    ) if proposal.replaces_name else []  # fmt: skip
    for seat in replaced:
        seat.end_date = meeting.date - dt.timedelta(days=1)
    role = proposal.role or (replaced[0].role if replaced else "medlem")
    held = _current_seats(session, [person], organization, meeting.date)
    if any(seat.role == role for seat in held):
        return  # already holds the seat (e.g. the register said so first)
    for seat in held:  # a move within the group (næstformand to medlem): the old seat ends
        seat.end_date = meeting.date - dt.timedelta(days=1)
    session.add(
        Appointment(
            person_id=person.id,
            organization_id=organization.id,
            role=role,
            start_date=meeting.date,
            appointed_by=meeting.body.name,
            source_item_id=proposal.item_id,  # the decision it came from (an imported list sets `source`)
        )
    )


def decide(
    session: Session, proposal_id: int, *, confirm: bool, user_id: int | None, now: dt.datetime
) -> Decision:
    """Confirm (apply to the register) or reject a pending proposal and commit; a decided one stays."""
    with committing(session):
        proposal = session.get(AppointmentProposal, proposal_id, with_for_update=True)
        if proposal is None:
            raise ProposalGone(proposal_id)
        if proposal.state != "pending":
            return Decision(proposal, decided_now=False)
        if confirm:
            _apply(session, proposal)
        proposal.state = "confirmed" if confirm else "rejected"
        proposal.decided_at = now
        proposal.decided_by_user_id = user_id
    return Decision(proposal, decided_now=True)
