"""Plain messages, in a member's own words: read by handlers.understanding, answered by the commands'
own callbacks, so "hvad indstilles der i punkt 3.4?" gets what `/punkt 3.4` gives, indstilling first.

A question about a decision is answered with the decision of the best matching item from minutes;
anything not recognised is searched, and the reply says what was searched for.
"""

from __future__ import annotations

from core.dates import find_date_phrase, read_date
from handlers import items, meetings, search
from handlers.context import HandlerContext, Sender
from handlers.councils import Scope
from handlers.understanding import Intent, understand
from storage import AgendaItem, queries
from storage import search as search_meetings
from texts import conversation, help
from texts.callbacks import item_callback
from texts.replies import Button, Reply, to_replies

DECISION_CANDIDATES = 10  # search hits looked through for one with a decision


def answer_text(ctx: HandlerContext, text: str, sender: Sender | None) -> list[Reply]:
    """The replies to a message that is not a command."""
    with ctx.db.session() as session:
        councils = queries.nameable_councils(session)
    intent = understand(text, councils)
    match intent.kind:
        case "greeting":
            return to_replies(conversation.greeting(sender.name if sender else None))
        case "thanks":
            return to_replies(conversation.thanks())
        case "help":
            return to_replies(conversation.what_to_ask())
        case "next_meeting":
            return _meeting(ctx, intent, sender)
        case "item":
            date = _date_words(ctx, intent.words)
            return items.item(
                ctx, f"{intent.number} {date}", sender, focus=intent.focus, council=intent.council
            )
        case "decision":
            return _decision(ctx, intent)
    return _search(ctx, intent, sender)


def _date_words(ctx: HandlerContext, words: str) -> str:
    """The date phrase in what is left of a question ("på mødet i april"), or nothing."""
    if not words or read_date(words, ctx.today()) is not None:
        return words
    found = find_date_phrase(words, ctx.today())
    return words[found[1] : found[2]] if found else ""


def _meeting(ctx: HandlerContext, intent: Intent, sender: Sender | None) -> list[Reply]:
    """ "Hvornår er næste møde?", "hvad er indstillingerne til mødet i juni": the meeting (of the
    council named), its agenda, or what the question's focus asks of it."""
    date = _date_words(ctx, intent.words)
    scope = None
    if intent.council is not None:
        scope = Scope([intent.council], date, named=True)
    if intent.focus == "recommendation":
        return meetings.recommendations(ctx, date, sender, scope=scope)
    if intent.focus == "decision":
        return meetings.decisions(ctx, date, sender, scope=scope)
    return meetings.agenda(ctx, date, sender, scope=scope)  # no date: the next, or the one just held


def _decision(ctx: HandlerContext, intent: Intent) -> list[Reply]:
    """ "Hvad blev besluttet om klimahandlingsplanen?": the decision of the best matching item."""
    words = intent.words
    with ctx.db.session() as session:
        hits = search_meetings(session, words, limit=DECISION_CANDIDATES)
        decided = [
            item
            for hit in hits
            if hit.item_id is not None
            and (item := session.get(AgendaItem, hit.item_id)) is not None
            and item.decision
            and (intent.council is None or item.meeting.body.name == intent.council)
        ]
        if not decided:
            return to_replies(conversation.no_decision_found(words, bool(hits)))
        best, others = decided[0], decided[1:3]
        buttons = [[Button(conversation.item_button(best), item_callback(best.meeting_id, best.number))]]
        buttons += [
            [Button(conversation.item_button(o), item_callback(o.meeting_id, o.number))] for o in others
        ]
        return to_replies(conversation.decision_found(words, best, best.meeting, others), buttons)


def _search(ctx: HandlerContext, intent: Intent, sender: Sender | None) -> list[Reply]:
    """Anything else: a search, saying what was searched for."""
    if not intent.words.strip():
        return to_replies(help.plain_message())
    replies = search.search(ctx, intent.words, sender)
    return to_replies(conversation.searched_for(intent.words)) + replies
