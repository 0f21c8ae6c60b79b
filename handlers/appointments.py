"""/mineudpegninger, what concerns a member, and the administrator's /forslag with its Godkend/Afvis taps.

A member's view needs their Telegram account linked to a person (handlers.members); an unlinked user
is told how to get linked and shown nothing else. Proposals read from documents change the register
only through `storage.proposals.decide`, after an administrator's tap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.time import utcnow
from handlers.context import HandlerContext, Sender
from storage import AgendaItem, Appointment, Person, queries
from storage.proposals import ProposalGone, decide, pending_proposals
from storage.relevance import Reason, items_concerning
from texts import admin, help, members
from texts.replies import Reply, to_replies

VERDICTS = {"ja": True, "nej": False}


def linked_person(session: Session, sender: Sender | None) -> Person | None:
    """The person the sender's Telegram account is linked to, if any."""
    if sender is None:
        return None
    member = queries.member_for_user(session, sender.user_id)
    return member.person if member is not None else None


def items_concerning_sender(
    session: Session, ctx: HandlerContext, sender: Sender | None, items: Sequence[AgendaItem]
) -> dict[int, list[Reason]]:
    """Item id -> why it concerns the sender (their name, their organizations); empty if unlinked."""
    person = linked_person(session, sender)
    if person is None or not items:
        return {}
    return items_concerning(session, person.id, items, ctx.today())


def _current_and_past(
    appointments: Sequence[Appointment], today: dt.date
) -> tuple[list[Appointment], list[Appointment]]:
    """Seats held today or later, and seats that ended before today."""
    past = [a for a in appointments if a.end_date is not None and a.end_date < today]
    return [a for a in appointments if a not in past], past


def my_appointments(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/mineudpegninger: the linked person's current appointments; the past ones behind a button."""
    today = ctx.today()
    with ctx.db.session() as session:
        person = linked_person(session, sender)
        if person is None:
            return to_replies(members.not_linked())
        current, past = _current_and_past(queries.appointments_of(session, person), today)
        return to_replies(
            members.my_appointments(person.name, current, len(past), today), members.past_buttons(len(past))
        )


def past_pressed(ctx: HandlerContext, sender: Sender | None) -> list[Reply]:
    """The "Tidligere udpegninger" button: always the presser's own, whoever's message it sits on."""
    today = ctx.today()
    with ctx.db.session() as session:
        person = linked_person(session, sender)
        if person is None:
            return to_replies(members.not_linked())
        _current, past = _current_and_past(queries.appointments_of(session, person), today)
        return to_replies(members.past_appointments(person.name, past, today))


def proposals(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/forslag (administrators): each waiting proposal as its own message with Godkend and Afvis."""
    if not ctx.is_admin(sender):
        return to_replies(admin.admins_only())
    with ctx.db.session() as session:
        waiting = pending_proposals(session)
        if not waiting:
            return to_replies(members.no_proposals())
        replies = to_replies(members.proposals_heading(len(waiting)))
        for proposal in waiting:
            replies += to_replies(members.proposal(proposal), members.proposal_buttons(proposal.id))
        return replies


def proposal_pressed(
    ctx: HandlerContext, proposal_id: int, verdict: str, sender: Sender | None
) -> list[Reply]:
    """Godkend or Afvis under a proposal: decided once, the message edited to say how."""
    if not ctx.is_admin(sender) or verdict not in VERDICTS:
        return to_replies(admin.admins_only())
    with ctx.db.session() as session:
        try:
            decision = decide(
                session,
                proposal_id,
                confirm=VERDICTS[verdict],
                user_id=sender.user_id if sender else None,
                now=utcnow(),
            )
        except ProposalGone:
            return to_replies(help.gone())
        return to_replies(members.proposal_decided(decision.proposal, now=decision.decided_now), edit=True)
