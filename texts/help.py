"""The help, and the answers to what the bot cannot use: unknown commands, plain text, bad dates and
numbers, and buttons whose meeting is gone.

The commands themselves (name, description, example) come from the one command table in
handlers.commands; `help_text` only puts them into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from storage import AgendaItem, Meeting
from texts.dates import danish_date, month_name
from texts.html import bold, esc
from texts.meetings import EXAMPLE_DATE, echo, meeting_line
from texts.words import listed


def help_text(commands: Sequence[tuple[str, str]], councils: Sequence[str] = ()) -> list[str]:
    """What the bot does, for which councils, and every command (`/example`, description) with an example."""
    whose = listed(councils) if councils else "KKR'erne og deres kommunaldirektørnetværk"
    intro = (
        f"Jeg kender dagsordener, referater og bilag fra {whose}, "
        "så du ikke behøver åbne en lang PDF på telefonen."
    )
    lines = "\n".join(f"{esc(example)}: {esc(_lower_first(what))}" for example, what in commands)
    dates = "Datoer kan skrives frit, fx 14. juni 2022, 14-06-2022, 23. marts eller i morgen."
    return [intro, f"{bold('Kommandoer')}\n{lines}", esc(dates)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def unknown_command(command: str) -> list[str]:
    return [f"Kommandoen {echo('/' + command)} kender jeg ikke. Prøv fx /naestemoede, eller se /hjaelp."]


def plain_message() -> list[str]:
    return ["Jeg svarer på kommandoer. Skriv fx /naestemoede, /soeg klimastrategi eller /hjaelp."]


def no_meeting(today: dt.date, councils: Sequence[str] = (), *, chosen: bool = False) -> list[str]:
    """No meeting from today on (of the councils named, or of those the member has `chosen`)."""
    whose = f"{esc(listed(councils))} har ingen" if councils else "Der er ingen"
    more = " eller vælg råd med /raad" if chosen else ""
    return [f"{whose} kommende møder registreret fra {esc(danish_date(today))}. Se /moeder{more}."]


def bad_date(text: str, command: str) -> list[str]:
    return [
        f"Jeg kan ikke læse {echo(text)} som en dato. Skriv fx /{command} {EXAMPLE_DATE} "
        f"eller /{command} 23-03-2022."
    ]


def no_meeting_on(day: dt.date, nearest: Sequence[Meeting], command: str) -> list[str]:
    text = f"Der er intet møde {esc(danish_date(day))}."
    if nearest:
        text += "\nDe nærmeste møder:\n" + "\n".join(map(meeting_line, nearest))
    return [text, f"Skriv fx /{command} {EXAMPLE_DATE}."]


def no_meeting_before(today: dt.date) -> list[str]:
    return [f"Der er ingen møder registreret før {esc(danish_date(today))}. Se /moeder."]


def no_meeting_in(month: int, year: int | None, nearest: Sequence[Meeting], command: str) -> list[str]:
    """No meeting in the month a member named ("juni 2022", or "marts" in any year), and the nearest ones."""
    when = month_name(month) + (f" {year}" if year else "")
    text = f"Der er intet møde i {esc(when)}."
    if nearest:
        text += "\nDe nærmeste møder:\n" + "\n".join(map(meeting_line, nearest))
    return [text, f"Skriv fx /{command} {EXAMPLE_DATE}."]


def bad_item_number(text: str) -> list[str]:
    given = f"{echo(text)} er ikke et punktnummer. " if text else "Skriv et punktnummer. "
    return [given + "Skriv fx /punkt 3.2, eller /punkt 3.2 23. marts 2022 for et bestemt møde."]


def no_such_item(number: str, meeting: Meeting, items: Sequence[AgendaItem]) -> list[str]:
    text = (
        f"Mødet {esc(danish_date(meeting.date))} ({esc(meeting.body.name)}) har intet punkt {echo(number)}."
    )
    if items:
        numbers = ", ".join(esc(i.number) for i in items)
        text += f"\nPunkterne er: {numbers}.\nSkriv fx /punkt {esc(items[0].number)}."
    else:
        text += "\nDagsordenen er ikke offentliggjort endnu. Se /moeder, "
        text += f"eller skriv fx /punkt 3.2 {EXAMPLE_DATE}."
    return [text]


def missing_search_words() -> list[str]:
    return ["Skriv et eller flere ord at søge efter, fx /soeg klimastrategi eller /soeg sundhedsaftale."]


def gone() -> list[str]:
    return ["Det punkt eller møde findes ikke længere. Se /naestemoede eller /moeder."]


def telegram_only() -> list[str]:
    return ["Den kommando kan kun bruges fra Telegram."]


def sorry() -> str:
    """What a member is told when answering them failed in a way nobody planned for."""
    return "Beklager, der gik noget galt. Prøv igen om lidt."
