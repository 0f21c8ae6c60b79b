"""/abonner, /afmeld and /abonnementer: what a member hears about, and the "Fjern" buttons.

Storage (storage.subscriptions) decides what a subscription is; this module passes on who writes and
turns the outcome into Danish replies (texts.members). What is sent is delivery's business.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.context import HandlerContext, Sender
from handlers.understanding import split_council
from storage import queries
from storage.subscriptions import subscribe, subscriptions_of, unsubscribe, unsubscribe_id
from texts import help, members
from texts.replies import Reply, to_replies


def subscribe_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/abonner (alt nyt), /abonner ORD (punkter om et ord) or /abonner mine (punkter der vedrører mig)."""
    assert sender is not None  # the command table: only from Telegram or the terminal
    with ctx.db.session() as session:
        council = _council_only(session, args)
        result = subscribe(session, sender.user_id, sender.chat_id, sender.name, args, council=council)
    return to_replies(members.subscribed(result))


def unsubscribe_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/afmeld ORD (ét abonnement), /afmeld alt (alle); a bare /afmeld (it is in the menu) asks first."""
    assert sender is not None
    if not args.strip():
        with ctx.db.session() as session:
            subscriptions = subscriptions_of(session, sender.user_id)
        if not subscriptions:
            return to_replies(members.nothing_to_unsubscribe())
        return to_replies(members.unsubscribe_all_question(subscriptions), members.unsubscribe_all_buttons())
    with ctx.db.session() as session:
        removed = unsubscribe(session, sender.user_id, args, council=_council_only(session, args))
        left = subscriptions_of(session, sender.user_id)
    if not removed:
        return to_replies(members.not_subscribed(args))
    if not left:
        return to_replies(members.nothing_left())
    return to_replies(members.subscription_list(left, removed), members.subscription_buttons(left))


def _council_only(session: Session, args: str) -> str | None:
    """The council the words are, when they name one and nothing else ("nordjylland", "KD-Net")."""
    named, rest = split_council(args, queries.nameable_councils(session))
    return named if named is not None and not rest.strip() else None


def subscriptions_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/abonnementer: every subscription with a button to remove it."""
    assert sender is not None
    with ctx.db.session() as session:
        subscriptions = subscriptions_of(session, sender.user_id)
    return to_replies(members.subscription_list(subscriptions), members.subscription_buttons(subscriptions))


def remove_all_pressed(ctx: HandlerContext, verdict: str, sender: Sender | None) -> list[Reply]:
    """The answer to a bare /afmeld's question; the question is replaced by what was done."""
    if sender is None:
        return to_replies(help.telegram_only())
    if verdict != "ja":
        return to_replies(members.unsubscriptions_kept(), edit=True)
    with ctx.db.session() as session:
        removed = unsubscribe(session, sender.user_id, "")
    return to_replies(members.subscription_list([], removed), edit=True)


def remove_pressed(ctx: HandlerContext, subscription_id: int, sender: Sender | None) -> list[Reply]:
    """A "Fjern" button: the subscription goes, the list is shown again in place."""
    if sender is None:
        return to_replies(help.telegram_only())
    with ctx.db.session() as session:
        removed = unsubscribe_id(session, sender.user_id, subscription_id)
        left = subscriptions_of(session, sender.user_id)
    return to_replies(members.subscription_list(left, removed), members.subscription_buttons(left), edit=True)
