"""/abonner, /afmeld and /abonnementer: what a member hears about, and the "Fjern" buttons.

Storage (storage.subscriptions) decides what a subscription is; this module checks who writes and
turns the outcome into Danish replies. What is sent is delivery's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.context import HandlerContext, Sender
from handlers.formatting import bold, esc, parse_callback, to_replies
from handlers.replies import Button, Reply
from storage.models import Subscription
from storage.subscriptions import (
    KEYWORD_MAX_WORDS,
    Subscribed,
    SubscribeOutcome,
    subscribe,
    subscriptions_of,
    unsubscribe,
    unsubscribe_id,
)

REMOVE_CALLBACK = "unsub"
BUTTON_LABEL_MAX_CHARS = 30


def remove_callback(subscription_id: int) -> str:
    """The "Fjern" button under /abonnementer for one subscription."""
    return f"{REMOVE_CALLBACK}:{subscription_id}"


def is_remove_callback(data: str) -> bool:
    kind, parts = parse_callback(data)
    return kind == REMOVE_CALLBACK and len(parts) == 1 and parts[0].isdigit()


# --- texts ---


def label(subscription: Subscription) -> str:
    """What a subscription is called in lists and on buttons."""
    if subscription.kind == "all":
        return "alt nyt"
    if subscription.kind == "mine":
        return "punkter der vedrører dig"
    return subscription.value


def _quoted(subscription: Subscription, *, capitalized: bool = False) -> str:
    if subscription.kind in ("keyword", "body"):
        return bold(label(subscription))
    text = label(subscription)
    return esc(text[:1].upper() + text[1:] if capitalized else text)


def _telegram_only() -> list[str]:
    return ["Abonnementer kan kun bruges fra Telegram."]


def _subscribed_text(result: Subscribed) -> list[str]:
    value = bold(result.value)
    if result.outcome is SubscribeOutcome.NEEDS_LINK:
        return [
            "Din Telegram-konto er ikke knyttet til en person endnu, så jeg ved ikke, hvilke punkter "
            "der vedrører dig. Bed sekretariatet (en administrator) om et link, og åbn det her i Telegram; "
            "skriv så /abonner mine igen.",
            "Indtil da kan du fx skrive /abonner klima, eller /abonner for alt nyt.",
        ]
    if result.outcome is SubscribeOutcome.NO_WORDS:
        return ["Skriv et ord at abonnere på, fx /abonner klima, eller /abonner for alt nyt."]
    if result.outcome is SubscribeOutcome.TOO_LONG:
        return [f"Skriv højst {KEYWORD_MAX_WORDS} ord, fx /abonner sundhedsaftale."]
    if result.outcome is SubscribeOutcome.ALREADY:
        return ["Det abonnerer du allerede på. Se /abonnementer."]
    what = {
        "all": "alt nyt: nye dagsordener, referater og ændringer, og en påmindelse kl. 16 dagen før et møde.",
        "body": f"alt nyt fra {value}.",
        "mine": "punkter, der nævner dig eller en organisation, du er udpeget til.",
        "keyword": f"nye punkter om {value}.",
    }[result.kind or "all"]
    return [f"Du får nu besked om {what}", "Se dine abonnementer med /abonnementer, og stop med /afmeld."]


def _list_text(subscriptions: Sequence[Subscription], removed: Sequence[Subscription] = ()) -> list[str]:
    paragraphs = [f"{_quoted(s, capitalized=True)} er fjernet." for s in removed]
    if not subscriptions:
        paragraphs.append("Du har ingen abonnementer. Skriv fx /abonner klima, /abonner mine eller /abonner.")
        return paragraphs
    lines = "\n".join(f"• {_quoted(s, capitalized=True)}" for s in subscriptions)
    paragraphs.append(f"{bold('Dine abonnementer')}\n{lines}")
    paragraphs.append("Tryk på en knap for at fjerne et abonnement.")
    return paragraphs


def _buttons(subscriptions: Sequence[Subscription]) -> list[list[Button]]:
    def short(text: str) -> str:
        return text if len(text) <= BUTTON_LABEL_MAX_CHARS else text[: BUTTON_LABEL_MAX_CHARS - 1] + "…"

    return [[Button(f"Fjern: {short(label(s))}", callback_data=remove_callback(s.id))] for s in subscriptions]


# --- commands ---


def subscribe_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/abonner (alt nyt), /abonner ORD (punkter om et ord) or /abonner mine (punkter der vedrører mig)."""
    if sender is None:
        return to_replies(_telegram_only())
    with ctx.db.session() as session:
        result = subscribe(session, sender.user_id, sender.chat_id, sender.name, args)
    return to_replies(_subscribed_text(result))


def unsubscribe_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/afmeld (alle abonnementer) or /afmeld ORD (ét)."""
    if sender is None:
        return to_replies(_telegram_only())
    with ctx.db.session() as session:
        removed = unsubscribe(session, sender.user_id, args)
        left = subscriptions_of(session, sender.user_id)
    if not removed:
        named = f"{bold(' '.join(args.split()))}. " if args.strip() else "noget. "
        return to_replies([f"Du abonnerer ikke på {named}Se /abonnementer."])
    if not left:
        return to_replies(["Du abonnerer ikke længere på noget. Skriv /abonner for at starte igen."])
    return to_replies(_list_text(left, removed), _buttons(left))


def subscriptions_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/abonnementer: every subscription with a button to remove it."""
    if sender is None:
        return to_replies(_telegram_only())
    with ctx.db.session() as session:
        subscriptions = subscriptions_of(session, sender.user_id)
    return to_replies(_list_text(subscriptions), _buttons(subscriptions))


def remove_pressed(ctx: HandlerContext, data: str, sender: Sender | None) -> list[Reply]:
    """A "Fjern" button: the subscription goes, the list is shown again in place."""
    if sender is None:
        return to_replies(_telegram_only())
    subscription_id = int(parse_callback(data)[1][0])
    with ctx.db.session() as session:
        removed = unsubscribe_id(session, sender.user_id, subscription_id)
        left = subscriptions_of(session, sender.user_id)
    return to_replies(_list_text(left, removed), _buttons(left), edit=True)
