"""/naestemoede, /moeder, /dagsorden and /indstillinger: a meeting chosen by date, shown as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.dates import DateWish, pick_meeting_date, read_date
from handlers.appointments import items_concerning_sender
from handlers.context import HandlerContext, Sender
from handlers.councils import Scope, scope_of
from storage import Meeting, queries
from storage.queries import Councils
from texts import councils as council_texts
from texts import help
from texts import meetings as texts
from texts.callbacks import item_callback, meeting_callback
from texts.replies import Button, Reply, button_rows, to_replies

ITEM_BUTTONS_PER_ROW = 4
MEETING_BUTTONS_PER_ROW = 2
UPCOMING_LIMIT = 10
LATEST_LIMIT = 5
NEAREST_EACH_SIDE = 2


@dataclass(frozen=True)
class Chosen:
    """The meeting a command is about, what the reply says first about why this one, and the other
    councils' meetings on the same day (the member's own council comes first)."""

    meeting: Meeting
    preface: tuple[str, ...] = ()
    others: tuple[Meeting, ...] = ()


def find_meeting(
    session: Session, ctx: HandlerContext, scope: Scope, command: str, *, or_latest: bool = True
) -> Chosen | list[str]:
    """The meeting on the date in the scope's arguments, or the Danish answer why not. Without a date:
    the next meeting of the scope's councils, or when none is planned (and `or_latest`) the latest one,
    saying it was held. A date is looked up among every council's meetings, the member's first, unless
    the member named a council."""
    today, councils, date_text = ctx.today(), scope.councils, scope.args
    if not date_text.strip():
        meeting = queries.next_meeting(session, today, councils=councils)
        if meeting is not None:
            return Chosen(meeting)
        held = queries.latest_meetings(session, 1, councils=councils, before=today) if or_latest else []
        if not held:
            return help.no_meeting(
                today, scope.councils or (), chosen=not scope.named and bool(scope.councils)
            )
        return Chosen(held[0], (texts.meeting_held(held[0], council_asked=scope.named),))
    wish = read_date(date_text, today)
    if wish is None:
        return help.bad_date(date_text.strip(), command)
    day = pick_meeting_date(wish, today, queries.meeting_dates(session, councils=councils))
    if day is None and councils is not None and not scope.named:  # "juni": another council met then
        day = pick_meeting_date(wish, today, queries.meeting_dates(session))
    if day is None:
        return _no_meeting_for(session, wish, today, command, councils, _named(scope))
    met = queries.meetings_on(session, day, councils=councils if scope.named else None)
    if not met:
        return help.no_meeting_on(day, nearest_meetings(session, day, councils), command)
    own = [m for m in met if councils is None or m.body.name in councils]
    ordered = own + [m for m in met if m not in own]
    return Chosen(ordered[0], others=tuple(ordered[1:]))


def _named(scope: Scope) -> str | None:
    """The council the member named, for answers that must say whose meetings are missing."""
    return scope.councils[0] if scope.named and scope.councils else None


def _no_meeting_for(
    session: Session, wish: DateWish, today: dt.date, command: str, councils: Councils, named: str | None
) -> list[str]:
    """No meeting in the month named, or none at all before (`seneste`) or after (`næste`) today."""
    if wish.kind == "next":
        return help.no_meeting(today, [named] if named else [])
    if wish.kind == "latest":
        return help.no_meeting_before(today)
    month = wish.month or today.month
    around = dt.date(wish.year or today.year, month, 1)
    return help.no_meeting_in(month, wish.year, nearest_meetings(session, around, councils), command)


def nearest_meetings(session: Session, day: dt.date, councils: Councils = None) -> list[Meeting]:
    """A couple of meetings on either side of `day`, in date order."""
    before = queries.latest_meetings(session, NEAREST_EACH_SIDE, councils=councils, before=day)
    after = queries.upcoming_meetings(session, day, councils=councils, limit=NEAREST_EACH_SIDE)
    return [*reversed(before), *after]


def same_day_buttons(chosen: Chosen, data: Callable[[Meeting], str]) -> list[list[Button]]:
    """A button per other council that met the same day."""
    return [[Button(texts.same_day_label(other), data(other))] for other in chosen.others]


def agenda_replies(
    session: Session,
    ctx: HandlerContext,
    meeting: Meeting,
    sender: Sender | None,
    *,
    edit: bool = False,
    preface: Sequence[str] = (),
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
        [*preface, *texts.agenda(meeting, items, documents, concerning)],
        button_rows(buttons, ITEM_BUTTONS_PER_ROW),
        edit=edit,
    )


def _agenda_of(
    ctx: HandlerContext,
    args: str,
    sender: Sender | None,
    command: str,
    scope: Scope | None,
    *,
    or_latest: bool = True,
) -> list[Reply]:
    with ctx.db.session() as session:
        found = find_meeting(
            session, ctx, scope or scope_of(session, ctx, sender, args), command, or_latest=or_latest
        )
        if not isinstance(found, Chosen):
            return to_replies(found)
        replies = agenda_replies(session, ctx, found.meeting, sender, preface=found.preface)
        others = same_day_buttons(found, lambda other: meeting_callback(other.id))
        return [*replies, *to_replies(texts.same_day(found.others), others)] if others else replies


def next_meeting(
    ctx: HandlerContext, args: str, sender: Sender | None = None, *, scope: Scope | None = None
) -> list[Reply]:
    """/naestemoede [råd]: the next meeting from today on, with every item (never one already held)."""
    with ctx.db.session() as session:
        scope = scope or scope_of(session, ctx, sender, args)
        if scope.args.strip():  # only a council can follow /naestemoede
            return to_replies(council_texts.unknown_council(scope.args, queries.nameable_councils(session)))
    return _agenda_of(ctx, "", sender, "naestemoede", Scope(scope.councils, "", scope.named), or_latest=False)


def agenda(
    ctx: HandlerContext, args: str, sender: Sender | None = None, *, scope: Scope | None = None
) -> list[Reply]:
    """/dagsorden [dato] [råd]: a meeting's agenda, the next one by default."""
    return _agenda_of(ctx, args, sender, "dagsorden", scope)


def meetings(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/moeder [råd]: upcoming meetings and the five latest of the member's councils, each a button."""
    today = ctx.today()
    with ctx.db.session() as session:
        scope = scope_of(session, ctx, sender, args)
        if scope.args.strip():  # only a council can follow /moeder
            return to_replies(council_texts.unknown_council(scope.args, queries.nameable_councils(session)))
        councils = scope.councils
        upcoming = queries.upcoming_meetings(session, today, councils=councils, limit=UPCOMING_LIMIT)
        latest = queries.latest_meetings(session, LATEST_LIMIT, councils=councils, before=today)
        buttons = [
            Button(texts.meeting_button_label(m), meeting_callback(m.id)) for m in [*upcoming, *latest]
        ]
        return to_replies(
            texts.meeting_lists(upcoming, latest), button_rows(buttons, MEETING_BUTTONS_PER_ROW)
        )


def recommendations(
    ctx: HandlerContext, args: str, sender: Sender | None = None, *, scope: Scope | None = None
) -> list[Reply]:
    """/indstillinger [dato] [råd]: every item's indstilling for a meeting in one overview."""
    with ctx.db.session() as session:
        found = find_meeting(session, ctx, scope or scope_of(session, ctx, sender, args), "indstillinger")
        if not isinstance(found, Chosen):
            return to_replies(found)
        meeting = found.meeting
        items = queries.items_of(session, meeting)
        buttons = [Button(item.number, item_callback(meeting.id, item.number)) for item in items]
        return to_replies(
            [*found.preface, *texts.recommendations(meeting, items)],
            button_rows(buttons, ITEM_BUTTONS_PER_ROW),
        )


def decisions(
    ctx: HandlerContext, args: str, sender: Sender | None = None, *, scope: Scope | None = None
) -> list[Reply]:
    """/beslutninger [dato] [råd]: every decision of a meeting's minutes, the latest minutes by default."""
    with ctx.db.session() as session:
        scope = scope or scope_of(session, ctx, sender, args)
        if scope.args.strip():
            found = find_meeting(session, ctx, scope, "beslutninger")
            if not isinstance(found, Chosen):
                return to_replies(found)
            meeting = found.meeting
        else:
            latest = queries.latest_meeting_with_minutes(session, ctx.today(), councils=scope.councils)
            if latest is None:
                return to_replies(texts.no_minutes_at_all(_named(scope)))
            meeting = latest
        if not texts.has_minutes(queries.documents_of(session, meeting)):
            agenda = [[Button(texts.AGENDA_BUTTON, meeting_callback(meeting.id))]]
            return to_replies(texts.no_minutes_yet(meeting), agenda)
        items = queries.items_of(session, meeting)
        buttons = [Button(item.number, item_callback(meeting.id, item.number)) for item in items]
        return to_replies(texts.decisions(meeting, items), button_rows(buttons, ITEM_BUTTONS_PER_ROW))


def meeting_pressed(ctx: HandlerContext, meeting_id: int, sender: Sender | None = None) -> list[Reply]:
    """The button of a meeting (from /moeder or a bilag hit): its agenda."""
    with ctx.db.session() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return to_replies(help.gone())
        return agenda_replies(session, ctx, meeting, sender)
