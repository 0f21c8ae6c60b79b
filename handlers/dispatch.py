"""The one table of commands, and the entry points that turn a message or a button press into replies.

bot/app.py (Telegram) and `kkrbot chat` (terminal) both call `answer` and `answer_callback`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from handlers import (
    admin,
    appointments,
    calendar,
    help,
    items,
    meetings,
    members,
    search,
    subscriptions,
    texts,
)
from handlers.context import HandlerContext, Sender
from handlers.formatting import parse_callback, to_replies
from handlers.replies import Reply

Handler = Callable[[HandlerContext, str], list[Reply]]
SenderHandler = Callable[[HandlerContext, str, Sender | None], list[Reply]]

COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


# (command, Danish description) in menu order, as setMyCommands takes them
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Hvad botten kan"),
    ("hjaelp", "Alle kommandoer med eksempler"),
    ("naestemoede", "Det næste møde med alle punkter"),
    ("moeder", "Kommende møder og de fem seneste"),
    ("dagsorden", "Dagsordenen for et møde, fx /dagsorden 23. marts 2022"),
    ("punkt", "Et punkt fra det næste møde, fx /punkt 3.2"),
    ("indstillinger", "Alle indstillinger til et møde i én oversigt"),
    ("soeg", "Søg i alle møder, fx /soeg klimastrategi"),
    ("mineudpegninger", "De bestyrelser og udvalg, du er udpeget til"),
    ("glemmig", "Slet din kobling, dine abonnementer og ventende beskeder"),
    ("kalender", "Kommende møder som kalenderfil (.ics)"),
    ("abonner", "Få besked om nyt: alt, et ord (fx /abonner klima) eller /abonner mine"),
    ("afmeld", "Stop et abonnement (/afmeld klima) eller alle (/afmeld)"),
    ("abonnementer", "Dine abonnementer, med knapper til at fjerne dem"),
)
HANDLERS: dict[str, Handler] = {
    "start": help.help_command,
    "hjaelp": help.help_command,
    "moeder": meetings.meetings,
    "punkt": items.item,
    "indstillinger": meetings.recommendations,
    "soeg": search.search,
    "kalender": calendar.meetings_calendar,
}
# Commands that need to know who writes; these win over HANDLERS. /inviter and /forslag are for
# administrators only, so they are not in the public command list.
SENDER_HANDLERS: dict[str, SenderHandler] = {
    "start": members.start,
    "inviter": members.invite,
    "naestemoede": meetings.next_meeting,
    "dagsorden": meetings.agenda,
    "mineudpegninger": appointments.my_appointments,
    "forslag": appointments.proposals,
    "glemmig": members.forget,
    "hent": admin.fetch,  # administrators only, so not in COMMANDS
    "status": admin.status,
    "abonner": subscriptions.subscribe_command,
    "afmeld": subscriptions.unsubscribe_command,
    "abonnementer": subscriptions.subscriptions_command,
}


def answer(ctx: HandlerContext, text: str, sender: Sender | None = None) -> list[Reply]:
    """The replies to a message from `sender`: a `/command args` (also `/command@botname`) or plain text."""
    text = text.strip()
    if not text.startswith("/"):
        return help.plain_message()
    match = COMMAND_RE.match(text)
    if match is None:
        return help.unknown_command(text[1:].split()[0] if text[1:].split() else "")
    name, args = match[1].lower(), match[2] or ""
    sender_handler = SENDER_HANDLERS.get(name)
    if sender_handler is not None:
        return sender_handler(ctx, args, sender)
    handler = HANDLERS.get(name)
    if handler is None:
        return help.unknown_command(name)
    return handler(ctx, args)


def answer_callback(ctx: HandlerContext, data: str, sender: Sender | None = None) -> list[Reply]:
    """The replies to a button `sender` pressed, from its callback data (see handlers.formatting)."""
    kind, parts = parse_callback(data)
    if data == appointments.PAST_CALLBACK:
        return appointments.past_pressed(ctx, sender)
    if kind == "forget" and len(parts) == 1:
        return members.forget_pressed(ctx, parts[0], sender)
    ids = [int(part) for part in parts[:1] if part.isdigit()]
    if not ids:
        return to_replies(texts.gone())
    if subscriptions.is_remove_callback(data):
        return subscriptions.remove_pressed(ctx, data, sender)
    if kind == "prop" and len(parts) == 2:
        return appointments.proposal_pressed(ctx, ids[0], parts[1], sender)
    if kind == "meeting" and len(parts) == 1:
        return meetings.meeting_pressed(ctx, ids[0], sender)
    if kind in ("item", "nav") and len(parts) == 2:
        return items.item_pressed(ctx, ids[0], parts[1], edit=kind == "nav")
    if kind == "case" and len(parts) == 2:
        return items.case_pressed(ctx, ids[0], parts[1])
    return to_replies(texts.gone())
