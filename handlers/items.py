"""/punkt and the item buttons: one agenda item in full, its neighbours and its case presentation."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from handlers.context import HandlerContext, Sender
from handlers.councils import Scope, scope_of
from handlers.documents import bilag_for, document_buttons
from handlers.meetings import Chosen, find_meeting, same_day_buttons
from storage import AgendaItem, Meeting, queries
from texts import help
from texts import meetings as texts
from texts.callbacks import case_callback, item_callback, nav_callback
from texts.replies import Button, Reply, to_replies

# "3.2", "3,2" (a Danish keyboard), "3 2", "5", "3.2." ; a second number followed by "." or "/" is a date's
ITEM_NUMBER_RE = re.compile(
    r"^(\d{1,2})(?:\s*[.,]\s*(\d{1,2})(?![\d/-])\.?|\s+(\d{1,2})(?![\d./-]))?\.?(?=\s|$)"
)


def read_item_number(text: str) -> tuple[str, str] | None:
    """The item number at the start of `text` ("3.2") and what follows it (a date, perhaps)."""
    match = ITEM_NUMBER_RE.match(text.strip())
    if match is None:
        return None
    second = match[2] or match[3]
    number = f"{match[1]}.{second}" if second else match[1]
    return number, text.strip()[match.end() :].strip()


def item(
    ctx: HandlerContext,
    args: str,
    sender: Sender | None = None,
    *,
    focus: str = "all",
    council: str | None = None,
) -> list[Reply]:
    """/punkt N.N [dato] [råd]: one item of the next meeting or of the meeting on that date; `focus`
    puts what a member asked about first (the presenter, the decision); `council` one named in words."""
    read = read_item_number(args)
    if read is None:
        return to_replies(help.bad_item_number(args.strip().partition(" ")[0]))
    number, rest = read
    with ctx.db.session() as session:
        scope = Scope([council], rest, named=True) if council else scope_of(session, ctx, sender, rest)
        found = find_meeting(session, ctx, scope, f"punkt {number}")
        if not isinstance(found, Chosen):
            return to_replies(found)
        replies = _item_replies(session, found.meeting, number, preface=found.preface, focus=focus)
        others = same_day_buttons(found, lambda other: item_callback(other.id, number))
        return [*replies, *to_replies(texts.same_day(found.others), others)] if others else replies


def item_pressed(ctx: HandlerContext, meeting_id: int, number: str, *, edit: bool = False) -> list[Reply]:
    """An item button (new message) or ◀ ▶ (`edit`: in place of the shown item)."""
    with ctx.db.session() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return to_replies(help.gone())
        return _item_replies(session, meeting, number, edit=edit)


def case_pressed(ctx: HandlerContext, meeting_id: int, number: str) -> list[Reply]:
    """The "Sagsfremstilling" button: the item's case presentation as new messages."""
    with ctx.db.session() as session:
        meeting = session.get(Meeting, meeting_id)
        found = queries.item(session, meeting, number) if meeting is not None else None
        if meeting is None or found is None:
            return to_replies(help.gone())
        return to_replies(texts.case_presentation(found, meeting))


def _item_replies(
    session: Session,
    meeting: Meeting,
    number: str,
    *,
    edit: bool = False,
    preface: Sequence[str] = (),
    focus: str = "all",
) -> list[Reply]:
    found = queries.item(session, meeting, number)
    if found is None:
        return to_replies([*preface, *help.no_such_item(number, meeting, queries.items_of(session, meeting))])
    bilag = bilag_for(session, found)
    paragraphs = [*preface, *texts.item_detail(found, meeting, focus, bilag)]
    buttons = [*_item_buttons(session, found), *document_buttons(session, found, bilag)]
    return to_replies(paragraphs, buttons, edit=edit)


def _item_buttons(session: Session, shown: AgendaItem) -> list[list[Button]]:
    around = queries.neighbours(session, shown)
    row = [
        Button(label(neighbour.number), nav_callback(shown.meeting_id, neighbour.number))
        for neighbour, label in (
            (around.previous, texts.previous_item_label),
            (around.next, texts.next_item_label),
        )
        if neighbour is not None
    ]
    case = [Button(texts.CASE_BUTTON, case_callback(shown.meeting_id, shown.number))]
    return [row, case] if shown.case_presentation else [row]
