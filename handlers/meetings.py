"""/naestemoede, /moeder, /dagsorden and /indstillinger: a meeting chosen by date, shown as a whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.dates import parse_danish_date
from handlers.appointments import items_concerning_sender
from handlers.context import HandlerContext, Sender
from storage import Meeting, queries
from texts import help
from texts import meetings as texts
from texts.callbacks import item_callback, meeting_callback
from texts.replies import Button, Reply, button_rows, to_replies

ITEM_BUTTONS_PER_ROW = 4
MEETING_BUTTONS_PER_ROW = 2
UPCOMING_LIMIT = 10
LATEST_LIMIT = 5
NEAREST_EACH_SIDE = 2


def find_meeting(session: Session, ctx: HandlerContext, date_text: str, command: str) -> Meeting | list[str]:
    """The meeting on the date typed (the next one when none is typed), or the Danish answer why not."""
    today = ctx.today()
    if not date_text.strip():
        meeting = queries.next_meeting(session, today)
        return meeting if meeting is not None else help.no_meeting(today)
    day = parse_danish_date(date_text, today)
    if day is None:
        return help.bad_date(date_text.strip(), command)
    meeting = queries.meeting_on(session, day)
    if meeting is not None:
        return meeting
    return help.no_meeting_on(day, nearest_meetings(session, day), command)


def nearest_meetings(session: Session, day: dt.date) -> list[Meeting]:
    """A couple of meetings on either side of `day`, in date order."""
    before = queries.latest_meetings(session, NEAREST_EACH_SIDE, before=day)
    after = queries.upcoming_meetings(session, day, limit=NEAREST_EACH_SIDE)
    return [*reversed(before), *after]


def agenda_replies(
    session: Session, ctx: HandlerContext, meeting: Meeting, sender: Sender | None, *, edit: bool = False
) -> list[Reply]:
    """A meeting's agenda with a button per item; what concerns the sender first and marked."""
    items = queries.items_of(session, meeting)
    documents = queries.documents_of(session, meeting)
    concerning = items_concerning_sender(session, ctx, sender, items)
    ordered = [i for i in items if i.id in concerning] + [i for i in items if i.id not in concerning]
    buttons = [
        Button(
            texts.item_button_label(item.number, concerns_you=item.id in concerning),
            item_callback(meeting.id, item.number),
        )
        for item in ordered
    ]
    return to_replies(
        texts.agenda(meeting, items, documents, concerning),
        button_rows(buttons, ITEM_BUTTONS_PER_ROW),
        edit=edit,
    )


def _agenda_of(ctx: HandlerContext, date_text: str, sender: Sender | None, command: str) -> list[Reply]:
    with ctx.db.session() as session:
        found = find_meeting(session, ctx, date_text, command)
        if not isinstance(found, Meeting):
            return to_replies(found)
        return agenda_replies(session, ctx, found, sender)


def next_meeting(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/naestemoede: the next meeting from today on, with every item."""
    return _agenda_of(ctx, "", sender, "naestemoede")


def agenda(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/dagsorden [dato]: a meeting's agenda, the next one by default."""
    return _agenda_of(ctx, args, sender, "dagsorden")


def meetings(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/moeder: upcoming meetings and the five latest, each a button to its agenda."""
    today = ctx.today()
    with ctx.db.session() as session:
        upcoming = queries.upcoming_meetings(session, today, limit=UPCOMING_LIMIT)
        latest = queries.latest_meetings(session, LATEST_LIMIT, before=today)
        buttons = [
            Button(texts.meeting_button_label(m), meeting_callback(m.id)) for m in [*upcoming, *latest]
        ]
        return to_replies(
            texts.meeting_lists(upcoming, latest), button_rows(buttons, MEETING_BUTTONS_PER_ROW)
        )


def recommendations(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/indstillinger [dato]: every item's indstilling for a meeting in one overview."""
    with ctx.db.session() as session:
        found = find_meeting(session, ctx, args, "indstillinger")
        if not isinstance(found, Meeting):
            return to_replies(found)
        items = queries.items_of(session, found)
        buttons = [Button(item.number, item_callback(found.id, item.number)) for item in items]
        return to_replies(texts.recommendations(found, items), button_rows(buttons, ITEM_BUTTONS_PER_ROW))


def meeting_pressed(ctx: HandlerContext, meeting_id: int, sender: Sender | None = None) -> list[Reply]:
    """The button of a meeting (from /moeder or a bilag hit): its agenda."""
    with ctx.db.session() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return to_replies(help.gone())
        return agenda_replies(session, ctx, meeting, sender)
