"""Every Danish message the commands send, as lists of self-contained HTML paragraphs.

Built only from handlers.formatting's helpers, so every text from a document or a user is escaped;
handlers query storage and hand the rows here, then split the paragraphs into messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from handlers.formatting import (
    bold,
    compact,
    danish_date,
    danish_time,
    esc,
    is_web_url,
    italic,
    link,
    short_date,
    when,
)
from storage import AgendaItem, Document, Meeting, SearchHit

EXAMPLE_DATE = "23. marts 2022"
MINUTES_KINDS = ("referat",)
AGENDA_KINDS = ("tillaegsdagsorden", "dagsorden", "referat")  # the first with a web link is shown


ECHO_MAX_CHARS = 60  # what we repeat of a user's input: enough to recognise it, never a wall of text


def echo(text: str) -> str:
    """The user's own words in bold, shortened when long."""
    text = " ".join(text.split())
    return bold(text if len(text) <= ECHO_MAX_CHARS else text[: ECHO_MAX_CHARS - 1] + "…")


def _title(item: AgendaItem) -> str:
    return " ".join(item.title.split())


def meeting_heading(meeting: Meeting) -> str:
    """Body, date, time and place."""
    lines = [f"{bold(meeting.body.name)}", esc(when(meeting.date, meeting.start_time, meeting.end_time))]
    if meeting.location:
        lines.append(f"Sted: {esc(meeting.location)}")
    if meeting.state == "cancelled":
        lines.append(bold("Mødet er aflyst."))
    return "\n".join(lines)


def meeting_link(documents: Sequence[Document]) -> str | None:
    """A link to the PDF people would open: the newest agenda or minutes with a web address."""
    current = [d for d in documents if d.is_current and is_web_url(d.source_url)]
    for kind in AGENDA_KINDS:
        for document in current:
            if document.kind == kind and document.source_url:
                label = "Referat (PDF)" if kind == "referat" else "Dagsorden (PDF)"
                return link(document.source_url, label)
    return None


def agenda(meeting: Meeting, items: Sequence[AgendaItem], documents: Sequence[Document]) -> list[str]:
    """A meeting with every item's number and title, and a link to its PDF."""
    paragraphs = [meeting_heading(meeting)]
    if not documents:
        paragraphs.append("Mødet kendes kun fra KL's mødeside: dagsordenen er ikke offentliggjort endnu.")
        return paragraphs
    if not items:
        paragraphs.append("Der er ingen punkter registreret for mødet.")
    else:
        has_minutes = any(d.kind in MINUTES_KINDS for d in documents)
        lines = [f"{bold(item.number)} {esc(_title(item))}" for item in items]
        paragraphs.append("\n".join([bold("Referat" if has_minutes else "Dagsorden"), *lines]))
    pdf = meeting_link(documents)
    if pdf:
        paragraphs.append(pdf)
    paragraphs.append(f"Se et punkt med fx /punkt {esc(items[0].number)}" if items else "")
    return [p for p in paragraphs if p]


def recommendations(meeting: Meeting, items: Sequence[AgendaItem]) -> list[str]:
    """Every item's indstilling, number and title first: what is to be decided."""
    paragraphs = [f"{meeting_heading(meeting)}\n{bold('Indstillinger')}"]
    if not items:
        paragraphs.append("Der er ingen punkter registreret for mødet endnu.")
    for item in items:
        text = esc(compact(item.recommendation)) if item.recommendation else italic("Ingen indstilling.")
        paragraphs.append(f"{bold(f'{item.number} {_title(item)}')}\n{text}")
    return paragraphs


def item_detail(item: AgendaItem, meeting: Meeting) -> list[str]:
    """One item in full, but the case presentation (a button shows that)."""
    heading = [
        bold(f"{item.number} {_title(item)}"),
        esc(f"{meeting.body.name}, {danish_date(meeting.date)}"),
    ]
    if item.case_number:
        heading.append(f"Sagsnr.: {esc(item.case_number)}")
    if item.presenter:
        heading.append(f"Fremlægges af: {esc(' '.join(item.presenter.split()))}")
    paragraphs = ["\n".join(heading)]
    for label, value in (("Indstilling", item.recommendation), ("Baggrund", item.background)):
        if value:
            paragraphs.append(f"{bold(label)}\n{esc(compact(value))}")
    if item.decision:
        paragraphs.append(f"{bold('Beslutning')}\n{esc(compact(item.decision))}")
    elif not any(d.kind in MINUTES_KINDS for d in meeting.documents):
        paragraphs.append(italic("Der er endnu ikke et referat med beslutningen."))
    if item.attachments:
        lines = "\n".join(f"• {esc(' '.join(a.split()))}" for a in item.attachments)
        paragraphs.append(f"{bold('Bilag')}\n{lines}")
    if item.links:
        lines = "\n".join(f"• {link(url, url)}" for url in item.links if is_web_url(url))
        if lines:
            paragraphs.append(f"{bold('Links')}\n{lines}")
    return paragraphs


def case_presentation(item: AgendaItem, meeting: Meeting) -> list[str]:
    """An item's sagsfremstilling, paragraph by paragraph."""
    heading = f"{bold(f'{item.number} {_title(item)}')}\n{esc(danish_date(meeting.date))}: sagsfremstilling"
    if not item.case_presentation:
        return [heading, "Punktet har ingen sagsfremstilling."]
    return [heading, *(esc(p) for p in compact(item.case_presentation).split("\n"))]


def meeting_line(meeting: Meeting) -> str:
    time = f" kl. {danish_time(meeting.start_time)}" if meeting.start_time else ""
    cancelled = " (aflyst)" if meeting.state == "cancelled" else ""
    return f"• {esc(danish_date(meeting.date))}{time}: {esc(meeting.body.name)}{cancelled}"


def meeting_lists(upcoming: Sequence[Meeting], latest: Sequence[Meeting]) -> list[str]:
    """The upcoming meetings and the latest held ones."""
    first = bold("Kommende møder") + "\n"
    first += (
        "\n".join(map(meeting_line, upcoming)) if upcoming else "Der er ingen kommende møder registreret."
    )
    second = bold("Seneste møder") + "\n"
    second += "\n".join(map(meeting_line, latest)) if latest else "Der er ingen tidligere møder registreret."
    return [first, second, "Tryk på et møde for at se dagsordenen, eller skriv fx /dagsorden 23. marts 2022."]


def _hit_text(hit: SearchHit) -> str:
    """The snippet with the matched words in bold."""
    parts, at = [], 0
    for start, end in hit.highlights:
        parts.append(esc(hit.snippet[at:start]))
        parts.append(bold(hit.snippet[start:end]))
        at = end
    parts.append(esc(hit.snippet[at:]))
    return "".join(parts)


def search_results(words: str, hits: Sequence[SearchHit]) -> list[str]:
    """The hits with date, body and item number (or bilag page)."""
    if not hits:
        return [f"Ingen punkter matcher {echo(words)}. Prøv et andet ord, fx /soeg klimastrategi."]
    paragraphs = [f"De bedste resultater for {echo(words)}:"]
    for n, hit in enumerate(hits, 1):
        where = f"punkt {hit.item_number}" if hit.kind == "item" else f"bilag side {hit.page}"
        head = f"{n}. {bold(hit.title)}\n{esc(f'{hit.body}, {danish_date(hit.meeting_date)}, {where}')}"
        paragraphs.append(f"{head}\n{_hit_text(hit)}" if hit.snippet else head)
    return paragraphs


def search_button_label(n: int, hit: SearchHit) -> str:
    where = hit.item_number if hit.kind == "item" else f"bilag s. {hit.page}"
    return f"{n}. {where} ({short_date(hit.meeting_date)})"


# --- help and answers to wrong input ---

COMMAND_EXAMPLES = (
    ("/naestemoede", "det næste møde med alle punkter"),
    ("/moeder", "kommende møder og de fem seneste"),
    (f"/dagsorden {EXAMPLE_DATE}", "dagsordenen for et møde (uden dato: det næste)"),
    ("/punkt 3.2", "et punkt fra det næste møde; /punkt 3.2 23. marts 2022 for et bestemt møde"),
    ("/indstillinger", "alle indstillinger til det næste møde i én oversigt"),
    ("/soeg klimastrategi", "de ti bedste punkter om et emne fra alle møder"),
    ("/hjaelp", "denne hjælp"),
)


def help_text() -> list[str]:
    """What the bot does and every command with an example."""
    intro = (
        "Jeg kender dagsordener, referater og bilag fra KKR Midtjylland og KD-Net, "
        "så du ikke behøver åbne en lang PDF på telefonen."
    )
    lines = "\n".join(f"{esc(command)}: {esc(what)}" for command, what in COMMAND_EXAMPLES)
    dates = "Datoer kan skrives frit, fx 14. juni 2022, 14-06-2022, 23. marts eller i morgen."
    return [intro, f"{bold('Kommandoer')}\n{lines}", esc(dates)]


def unknown_command(command: str) -> list[str]:
    return [f"Kommandoen {echo('/' + command)} kender jeg ikke. Prøv fx /naestemoede, eller se /hjaelp."]


def plain_message() -> list[str]:
    return ["Jeg svarer på kommandoer. Skriv fx /naestemoede, /soeg klimastrategi eller /hjaelp."]


def no_meeting(today: dt.date) -> list[str]:
    return [f"Der er ingen kommende møder registreret fra {esc(danish_date(today))}. Se /moeder."]


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


# --- linking a Telegram user to a person (/inviter, /start CODE) ---

BOT_USERNAME_PLACEHOLDER = "BOTNAVN"  # in `kkrbot chat`, where no Telegram bot is known


def admins_only() -> list[str]:
    return ["Kun for administratorer"]


def invite_usage() -> list[str]:
    return ["Skriv navnet på den, der skal have en kode, fx /inviter Anders Kühnau"]


def invite_unclear(reason: str) -> list[str]:
    return [f"Der er ikke lavet nogen kode: {esc(reason)}."]


def deep_link(bot_username: str | None, code: str) -> str:
    """The link that opens the bot and sends it `/start CODE`."""
    return f"https://t.me/{bot_username or BOT_USERNAME_PLACEHOLDER}?start={code}"


def invitation(person_name: str, code: str, url: str, expires: dt.date) -> list[str]:
    """The one time the administrator sees the code: the code, the link and how long it works."""
    return [
        f"Engangskode til {bold(person_name)}: <code>{esc(code)}</code>",
        f"Send linket til {esc(person_name)}: {link(url, url)}",
        f"Koden virker én gang og udløber {esc(danish_date(expires))}. Den kan også sendes som /start KODE.",
    ]


def linked(person_name: str) -> list[str]:
    return [f"Velkommen, {bold(person_name)}! Din Telegram-konto er nu knyttet til dig. Se /hjaelp."]


def link_refused(reason: str) -> list[str]:
    return [f"{esc(reason)} Bed en administrator om en ny kode."]


def link_locked(until: str) -> list[str]:
    return [f"Der er sendt for mange forkerte koder. Prøv igen efter kl. {esc(until)}."]


def link_needs_a_user() -> list[str]:
    return ["En kode kan kun bruges fra Telegram."]
