"""The one table of commands, and the entry points that turn a message or a button press into replies.

A command is one `Command` row: its name, the description Telegram's menu shows, an example for
/hjaelp, the callback, and whether it is for administrators or needs to know who writes. The menu
(setMyCommands), the help text and the dispatch are all read off this table; a new command is one
more row here and one callback in the module of its topic. bot/app.py (Telegram) and `kkrbot chat`
(terminal) both call `answer` and `answer_callback`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers import (
    admin,
    appointments,
    calendar,
    conversation,
    councils,
    documents,
    items,
    meetings,
    members,
    search,
    subscriptions,
)
from handlers.context import HandlerContext, Sender
from storage import queries
from texts import help
from texts.callbacks import Action, parse_callback
from texts.replies import Reply, to_replies

Callback = Callable[[HandlerContext, str, Sender | None], list[Reply]]

COMMAND_RE = re.compile(r"^/(\w+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
# Telegram's menu takes only a-z, so the names are ASCII; members also type them with æ, ø and å
ASCII_SPELLINGS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


@dataclass(frozen=True)
class Command:
    """One command: `/name args` calls `callback(ctx, args, sender)`."""

    name: str
    description: str  # Telegram's menu and /hjaelp; at most 256 characters
    callback: Callback
    example: str | None = None  # what /hjaelp shows to type, `/name` when None
    admin_only: bool = False  # kept out of the menu and the help; the callback refuses others
    needs_sender: bool = False  # only from Telegram (or the terminal), where someone is writing


def help_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/hjaelp: what the bot does, for which councils, and every command with an example."""
    with ctx.db.session() as session:
        councils = queries.council_names(session)
    return to_replies(help.help_text([(c.example or f"/{c.name}", c.description) for c in menu()], councils))


def start_command(ctx: HandlerContext, args: str, sender: Sender | None) -> list[Reply]:
    """/start: the help; /start CODE (from an invitation link) links the account to its person."""
    code = args.strip()
    return members.redeem(ctx, code, sender) if code else help_command(ctx, args, sender)


# In menu order.
COMMANDS: tuple[Command, ...] = (
    Command("start", "Hvad botten kan", start_command),
    Command("hjaelp", "Alle kommandoer med eksempler", help_command),
    Command("naestemoede", "Det næste møde med alle punkter", meetings.next_meeting),
    Command("moeder", "Kommende møder og de fem seneste", meetings.meetings),
    Command(
        "dagsorden",
        "Dagsordenen for et møde på en dato (uden dato: det næste)",
        meetings.agenda,
        example="/dagsorden 23. marts 2022",
    ),
    Command(
        "punkt",
        "Et punkt med indstilling og beslutning (med en dato: fra det møde)",
        items.item,
        example="/punkt 3.2",
    ),
    Command("indstillinger", "Alle indstillinger til et møde i én oversigt", meetings.recommendations),
    Command("soeg", "Søg i punkter og bilag fra alle møder", search.search, example="/soeg klimastrategi"),
    Command(
        "beslutninger",
        "Alle beslutninger fra et referat i én oversigt (uden dato: det seneste)",
        meetings.decisions,
    ),
    Command("kalender", "Kommende møder som kalenderfil (.ics)", calendar.meetings_calendar),
    Command(
        "raad",
        "De råd, du ser møder fra (alle KKR'er og netværk); /raad nordjylland vælger til eller fra",
        councils.council_command,
        needs_sender=True,
    ),
    Command(
        "abonner",
        "Få besked om alt nyt, om punkter med et ord, eller om dine egne (/abonner mine)",
        subscriptions.subscribe_command,
        example="/abonner klima",
        needs_sender=True,
    ),
    Command(
        "afmeld",
        "Stop et abonnement (uden ord: dem alle)",
        subscriptions.unsubscribe_command,
        example="/afmeld klima",
        needs_sender=True,
    ),
    Command(
        "abonnementer",
        "Dine abonnementer, med knapper til at fjerne dem",
        subscriptions.subscriptions_command,
        needs_sender=True,
    ),
    Command("mineudpegninger", "De bestyrelser og udvalg, du er udpeget til", appointments.my_appointments),
    Command("glemmig", "Slet din kobling, dine abonnementer og ventende beskeder", members.forget),
    Command(
        "inviter", "En engangskode, der kobler en persons Telegram-konto", members.invite, admin_only=True
    ),
    Command("forslag", "Forslag til udpegninger fra dokumenterne", appointments.proposals, admin_only=True),
    Command("hent", "Hent fra mødesiderne og indbakken nu", admin.fetch, admin_only=True),
    Command("status", "Kildernes seneste hentning og udbakken", admin.status, admin_only=True),
)
BY_NAME = {command.name: command for command in COMMANDS}


def menu() -> list[Command]:
    """The commands everyone sees in Telegram's menu and in /hjaelp, in order."""
    return [command for command in COMMANDS if not command.admin_only]


def answer(ctx: HandlerContext, text: str, sender: Sender | None = None) -> list[Reply]:
    """The replies to a message from `sender`: a `/command args` (also `/command@botname`) or plain text."""
    text = text.strip()
    if not text.startswith("/"):
        return conversation.answer_text(ctx, text, sender)
    match = COMMAND_RE.match(text)
    if match is None:
        return to_replies(help.unknown_command(text[1:].split()[0] if text[1:].split() else ""))
    name = match[1].lower()
    command = BY_NAME.get(name.translate(ASCII_SPELLINGS))
    if command is None:
        return to_replies(help.unknown_command(name))
    if command.needs_sender and sender is None:
        return to_replies(help.telegram_only())
    return command.callback(ctx, match[2] or "", sender)


def answer_callback(ctx: HandlerContext, data: str, sender: Sender | None = None) -> list[Reply]:
    """The replies to a button `sender` pressed, from its callback data (texts.callbacks)."""
    pressed = parse_callback(data)
    if pressed is None:
        return to_replies(help.gone())
    ident, value = pressed.id or 0, pressed.value or ""
    match pressed.action:
        case Action.PAST_APPOINTMENTS:
            return appointments.past_pressed(ctx, sender)
        case Action.FORGET:
            return members.forget_pressed(ctx, value, sender)
        case Action.UNSUBSCRIBE:
            return subscriptions.remove_pressed(ctx, ident, sender)
        case Action.UNSUBSCRIBE_ALL:
            return subscriptions.remove_all_pressed(ctx, value, sender)
        case Action.PROPOSAL:
            return appointments.proposal_pressed(ctx, ident, value, sender)
        case Action.MEETING:
            return meetings.meeting_pressed(ctx, ident, sender)
        case Action.ITEM | Action.NAV:
            return items.item_pressed(ctx, ident, value, edit=pressed.action is Action.NAV)
        case Action.CASE:
            return items.case_pressed(ctx, ident, value)
        case Action.COUNCIL:
            return councils.council_pressed(ctx, ident, sender)
        case Action.INVITE | Action.INVITE_NEW:
            return members.invite(ctx, value, sender, new_person=pressed.action is Action.INVITE_NEW)
        case Action.BILAG:
            return documents.bilag_pressed(ctx, ident, int(value) if value.isdigit() else 0)
        case Action.PDF:
            return documents.pdf_pressed(ctx, ident, value)
        case Action.PAGE:
            return documents.page_pressed(ctx, ident, value)
    return to_replies(help.gone())
