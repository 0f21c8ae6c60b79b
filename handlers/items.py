"""/punkt and the item buttons: one agenda item in full, its neighbours and its case presentation."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from handlers.context import HandlerContext, Sender
from handlers.meetings import find_meeting
from storage import AgendaItem, Meeting, queries
from texts import help
from texts import meetings as texts
from texts.callbacks import case_callback, nav_callback
from texts.replies import Button, Reply, to_replies

ITEM_NUMBER_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.?$")


def item(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/punkt N.N [dato]: one item of the next meeting or of the meeting on that date."""
    typed, _, date_text = args.strip().partition(" ")
    number = typed.replace(",", ".")  # "3,2" on a Danish keyboard
    if not ITEM_NUMBER_RE.match(number):
        return to_replies(help.bad_item_number(typed))
    number = number.rstrip(".")
    with ctx.db.session() as session:
        found = find_meeting(session, ctx, date_text, f"punkt {number}")
        if not isinstance(found, Meeting):
            return to_replies(found)
        return _item_replies(session, found, number)


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


def _item_replies(session: Session, meeting: Meeting, number: str, *, edit: bool = False) -> list[Reply]:
    found = queries.item(session, meeting, number)
    if found is None:
        return to_replies(help.no_such_item(number, meeting, queries.items_of(session, meeting)))
    return to_replies(texts.item_detail(found, meeting), _item_buttons(session, found), edit=edit)


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
