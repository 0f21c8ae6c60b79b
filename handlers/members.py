"""/inviter, /start CODE and /glemmig: an administrator invites a person, the person's Telegram account is
linked, and the member can have it all forgotten again.

The storage side (codes, hashes, the lock after wrong codes) is storage.linking; this module only checks
who may ask and turns the outcome into Danish replies.
"""

from __future__ import annotations

from core.time import local_time
from handlers.context import HandlerContext, Sender
from storage.linking import (
    LinkError,
    RedeemOutcome,
    UnknownPerson,
    create_link_code,
    forget_member,
    redeem_link_code,
)
from texts import admin, members
from texts.replies import Reply, to_replies


def invite(ctx: HandlerContext, args: str, sender: Sender | None, *, new_person: bool = False) -> list[Reply]:
    """/inviter Fornavn Efternavn (administrators only): a one-time code and its deep link. A name nobody
    in the register has gets the closest names as buttons, and a button to create the person."""
    if not ctx.is_admin(sender):
        return to_replies(admin.admins_only())
    if not args.strip():
        return to_replies(members.invite_usage())
    try:
        with ctx.db.session() as session:
            issued = create_link_code(
                session, args, created_by_user_id=sender.user_id if sender else None, new_person=new_person
            )
    except UnknownPerson as err:
        return to_replies(
            members.unknown_person(err.name, err.closest),
            members.unknown_person_buttons(err.name, err.closest),
        )
    except LinkError as err:
        return to_replies(members.invite_unclear(str(err)))
    url = members.deep_link(ctx.bot_username, issued.code)
    return to_replies(
        members.invitation(issued.person_name, issued.code, url, local_time(issued.expires_at).date())
    )


def redeem(ctx: HandlerContext, code: str, sender: Sender | None) -> list[Reply]:
    """/start CODE (from an invitation's deep link): links the sender to the code's person."""
    if sender is None:
        return to_replies(members.link_needs_a_user())
    with ctx.db.session() as session:
        result = redeem_link_code(
            session, code, user_id=sender.user_id, chat_id=sender.chat_id, display_name=sender.name
        )
    if result.outcome is RedeemOutcome.LINKED and result.person_name is not None:
        return to_replies(members.linked(result.person_name))
    if result.outcome is RedeemOutcome.LOCKED and result.locked_until is not None:
        return to_replies(members.link_locked(local_time(result.locked_until)))
    reply = members.link_refused(result.outcome)
    if result.locked_until is not None:  # this wrong code was the fifth
        reply += members.link_locked(local_time(result.locked_until))
    return to_replies(reply)


def forget(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/glemmig: asks first; only the "Ja, glem mig" tap deletes anything."""
    return to_replies(members.forget_question(), members.forget_buttons())


def forget_pressed(ctx: HandlerContext, verdict: str, sender: Sender | None) -> list[Reply]:
    """The answer to /glemmig's question; the question is replaced by what was done."""
    if verdict != "ja" or sender is None:
        return to_replies(members.not_forgotten(), edit=True)
    with ctx.db.session() as session:
        forgotten = forget_member(session, sender.user_id)
    return to_replies(
        members.forgotten(forgotten.had_link, forgotten.subscriptions, forgotten.notices), edit=True
    )
