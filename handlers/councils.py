"""Whose meetings a member sees: their councils (storage.councils), or the one a command names.

`/naestemoede nordjylland`, `/punkt 3.2 kd-net`: a council named in the arguments wins; otherwise the
member's chosen councils, else their appointments' councils, else every council. `/raad` shows and
toggles the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import HandlerContext, Sender
from handlers.understanding import split_council
from storage import Body, queries
from storage.councils import appointment_councils, chosen_councils, councils_of, toggle_council
from texts import councils as texts
from texts import help
from texts.callbacks import council_callback
from texts.replies import Button, Reply, to_replies


@dataclass(frozen=True)
class Scope:
    """The councils a command is about (None: every council), what is left of its arguments, and
    whether the member named the council (then only it counts)."""

    councils: list[str] | None
    args: str
    named: bool = False


def scope_of(session: Session, ctx: HandlerContext, sender: Sender | None, args: str) -> Scope:
    """The council named in `args`, else the member's councils."""
    named, rest = split_council(args, queries.nameable_councils(session))
    if named is not None:
        return Scope([named], rest, named=True)
    member = councils_of(session, sender.user_id, ctx.today()) if sender is not None else None
    return Scope(member, args)


def council_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/raad: the councils the bot knows, each a toggle; /raad NAVN toggles that one."""
    assert sender is not None  # the command table: only from Telegram or the terminal
    with ctx.db.session() as session:
        if args.strip():
            nameable = queries.nameable_councils(session)
            named, rest = split_council(args, nameable)
            if named is None or rest.strip():
                return to_replies(texts.unknown_council(args, nameable))
            on = toggle_council(session, sender.user_id, sender.chat_id, sender.name, named)
            return [*to_replies(texts.toggled(named, on)), *_overview(session, ctx, sender)]
        return _overview(session, ctx, sender)


def council_pressed(ctx: HandlerContext, body_id: int, sender: Sender | None) -> list[Reply]:
    """A council's toggle button: followed or not, and the overview again in place."""
    if sender is None:
        return to_replies(help.telegram_only())
    with ctx.db.session() as session:
        body = session.get(Body, body_id)
        if body is None:
            return to_replies(help.gone())
        toggle_council(session, sender.user_id, sender.chat_id, sender.name, body.name)
        return _overview(session, ctx, sender, edit=True)


def _overview(session: Session, ctx: HandlerContext, sender: Sender, *, edit: bool = False) -> list[Reply]:
    """The councils with material or a member's choice (each a toggle), the chosen ones marked."""
    known = queries.council_names(session)
    chosen = chosen_councils(session, sender.user_id)
    defaults = [] if chosen else appointment_councils(session, sender.user_id, ctx.today())
    ids = {body.name: body.id for body in session.scalars(select(Body))}
    shown = set(chosen or defaults)
    buttons = [
        [Button(texts.toggle_label(name, name in shown), council_callback(ids[name]))] for name in known
    ]
    return to_replies(texts.overview(known, chosen, defaults), buttons, edit=edit)
