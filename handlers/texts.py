"""Every Danish message the commands send, as lists of self-contained HTML paragraphs.

Built only from handlers.formatting's helpers, so every text from a document or a user is escaped;
handlers query storage and hand the rows here, then split the paragraphs into messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

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
from storage import AgendaItem, Appointment, AppointmentProposal, Document, Meeting, SearchHit

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


def agenda_document(documents: Sequence[Document]) -> Document | None:
    """The PDF people would open: the newest agenda or minutes with a web address."""
    current = [d for d in documents if d.is_current and is_web_url(d.source_url)]
    for kind in AGENDA_KINDS:
        for document in current:
            if document.kind == kind:
                return document
    return None


def meeting_link(documents: Sequence[Document]) -> str | None:
    """A link to that PDF (see agenda_document)."""
    document = agenda_document(documents)
    if document is None or not document.source_url:
        return None
    label = "Referat (PDF)" if document.kind == "referat" else "Dagsorden (PDF)"
    return link(document.source_url, label)


def agenda(
    meeting: Meeting,
    items: Sequence[AgendaItem],
    documents: Sequence[Document],
    concerning: Mapping[int, Sequence[str]] | None = None,
) -> list[str]:
    """A meeting with every item's number and title, and a link to its PDF; the items that concern
    the reader (`concerning`: item id -> why) first, marked "vedrører dig"."""
    paragraphs = [meeting_heading(meeting)]
    if not documents:
        paragraphs.append("Mødet kendes kun fra KL's mødeside: dagsordenen er ikke offentliggjort endnu.")
        return paragraphs
    concerning = concerning or {}
    if not items:
        paragraphs.append("Der er ingen punkter registreret for mødet.")
    else:
        mine = [
            f"⭐ {bold(item.number)} {esc(_title(item))} {concerns_you(concerning[item.id])}"
            for item in items
            if item.id in concerning
        ]
        if mine:
            paragraphs.append("\n".join([concerns_you_heading(), *mine]))
        has_minutes = any(d.kind in MINUTES_KINDS for d in documents)
        lines = [f"{bold(item.number)} {esc(_title(item))}" for item in items if item.id not in concerning]
        if lines:
            heading = "Referat" if has_minutes else "Dagsorden"
            paragraphs.append("\n".join([bold(heading + (", øvrige punkter" if mine else "")), *lines]))
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
    ("/kalender", "de kommende møder som kalenderfil (.ics) til din kalender"),
    ("/abonner klima", "besked om nye punkter om klima; /abonner: alt nyt, /abonner mine: dine punkter"),
    ("/abonnementer", "dine abonnementer; /afmeld klima stopper ét, /afmeld dem alle"),
    ("/mineudpegninger", "de bestyrelser og udvalg, du er udpeget til (når din konto er koblet på)"),
    ("/glemmig", "slet din kobling, dine abonnementer og ventende beskeder"),
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


def calendar_caption(count: int) -> str:
    """The caption of the /kalender file."""
    if count == 1:
        return "1 kommende møde som kalenderfil. Åbn filen for at lægge mødet i din kalender."
    return f"{count} kommende møder som kalenderfil. Åbn filen for at lægge møderne i din kalender."


def no_meetings_for_calendar(today: dt.date) -> list[str]:
    return [
        f"Der er ingen kommende møder registreret fra {esc(danish_date(today))}, "
        "så der er ingen kalenderfil at sende. Se /moeder."
    ]


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


# --- administrators: /hent, /status and PDFs sent to the bot (handlers.admin) ---


def local_moment(moment: dt.datetime) -> str:
    """`24.11.2026 kl. 21.03` (already in local time)."""
    return f"{short_date(moment.date())} kl. {danish_time(moment.time())}"


def fetch_unavailable() -> list[str]:
    return [
        "Der er ingen kilder at hente fra her. Botten henter, når den kører med kkrbot run og "
        "KKRBOT_SOURCE_URLS eller KKRBOT_INBOX er sat; ellers brug kkrbot ingest."
    ]


def fetch_started() -> list[str]:
    return ["Henter nu fra mødesiderne og indbakken. Jeg skriver, hvad jeg fandt, når jeg er færdig."]


def fetch_queued() -> list[str]:
    return ["Der hentes allerede. Jeg henter igen, når den hentning er færdig, og skriver, hvad jeg fandt."]


def fetch_report(new: Sequence[str], failed: Sequence[str], unchanged: int) -> list[str]:
    """The outcome of /hent: each new or changed document and each failure on a line of its own."""
    counts = (
        f"{len(new)} {'nyt' if len(new) == 1 else 'nye'}, "
        f"{unchanged} {'uændret' if unchanged == 1 else 'uændrede'}, {len(failed)} fejl"
    )
    paragraphs = [f"{bold('Hentning færdig')}: {esc(counts)}."]
    if new:
        paragraphs.append("\n".join(f"• {esc(line)}" for line in new))
    if failed:
        paragraphs.append("\n".join(f"• {esc(line)}" for line in failed))
    if not new and not failed:
        paragraphs.append("Intet nyt.")
    return paragraphs


def source_status(
    name: str, last_poll: dt.datetime | None, last_success: dt.datetime | None, last_error: str | None
) -> str:
    """One source in /status (times already local): when it was polled and how that went."""
    if last_poll is None:
        return f"• {esc(name)}: ikke hentet endnu"
    line = f"• {esc(name)}: hentet {local_moment(last_poll)}"
    if last_error is None:
        return line + ", ok"
    since = local_moment(last_success) if last_success is not None else "aldrig"
    return line + f", {bold('fejl')}: {esc(last_error)} (sidst uden fejl: {since})"


def status(sources: Sequence[str], unsent: int, oldest_unsent: dt.datetime | None) -> list[str]:
    """/status: the sources' lines (from source_status) and the outbox backlog."""
    source_lines = "\n".join(sources) if sources else "Ingen kilder er hentet endnu."
    if unsent == 0 or oldest_unsent is None:
        backlog = "Ingen beskeder venter."
    else:
        waiting = "1 besked venter" if unsent == 1 else f"{unsent} beskeder venter"
        backlog = f"{waiting} på at blive sendt; den ældste er fra {local_moment(oldest_unsent)}."
    return [f"{bold('Kilder')}\n{source_lines}", f"{bold('Udbakken')}\n{backlog}"]


def document_not_pdf(file_name: str) -> list[str]:
    return [f"{bold(file_name)} er ikke en PDF. Send mødemateriale som PDF-fil."]


def document_too_big(file_name: str, megabytes: int, limit_megabytes: int) -> list[str]:
    return [
        f"{bold(file_name)} er for stor ({megabytes} MB): botten kan kun hente filer op til "
        f"{limit_megabytes} MB fra Telegram. Læg den i indbakken, eller brug kkrbot ingest."
    ]


def document_download_failed(file_name: str) -> list[str]:
    return [f"Jeg kunne ikke hente {bold(file_name)} fra Telegram. Prøv at sende den igen om lidt."]


def document_read(file_name: str, outcome: str) -> list[str]:
    """What became of a PDF an administrator sent, e.g. `ny dagsorden: KKR Midtjylland 23. marts 2022`."""
    return [f"{bold(file_name)}: {esc(outcome)}"]


def document_failed(file_name: str, reason: str) -> list[str]:
    return [f"Jeg kunne ikke bruge {bold(file_name)}: {esc(reason)}."]


# --- appointments (/mineudpegninger), proposals from documents (/forslag) and /glemmig ---


def not_linked() -> list[str]:
    """An unlinked user sees how to get linked, and nothing else."""
    return [
        "Din Telegram-konto er ikke knyttet til en person endnu, så jeg ved ikke, hvor du er udpeget.",
        "Bed sekretariatet (en administrator) om et link: de sender dig et link, som du åbner her i "
        "Telegram. Så er du koblet på, og /mineudpegninger viser dine udpegninger.",
    ]


def _period(appointment: Appointment, today: dt.date) -> str:
    start, end = appointment.start_date, appointment.end_date
    if end is not None and end < today:
        return f"{short_date(start)}–{short_date(end)}" if start else f"til {short_date(end)}"
    if start is not None and start > today:
        return f"fra {short_date(start)}"
    text = f"siden {short_date(start)}" if start else "løbende"
    return f"{text}, til {short_date(end)}" if end else text


def _source(appointment: Appointment) -> str:
    item = appointment.source_item
    if item is not None:
        meeting = item.meeting
        decision = f"{meeting.body.name} {short_date(meeting.date)}, punkt {item.number} {item.title}"
        return f"besluttet: {esc(decision)} (/punkt {esc(item.number)} {short_date(meeting.date)})"
    return f"kilde: {esc(appointment.source)}" if appointment.source else ""


def appointment_paragraph(appointment: Appointment, today: dt.date) -> str:
    """One seat: organization, role, period, who appointed and the decision it came from."""
    lines = [f"{bold(appointment.organization.name)}: {esc(appointment.role)}, {_period(appointment, today)}"]
    if appointment.appointed_by:
        lines.append(f"udpeget af {esc(appointment.appointed_by)}")
    source = _source(appointment)
    if source:
        lines.append(source)
    return "\n".join(lines)


def my_appointments(name: str, current: Sequence[Appointment], past: int, today: dt.date) -> list[str]:
    heading = bold(f"Udpegninger for {name}")
    if not current:
        none = "Du har ingen aktuelle udpegninger i registret."
        return [heading, none + (" Se de tidligere med knappen." if past else "")]
    return [heading, *(appointment_paragraph(a, today) for a in current)]


def past_appointments(name: str, past: Sequence[Appointment], today: dt.date) -> list[str]:
    if not past:
        return [f"{esc(name)} har ingen tidligere udpegninger i registret."]
    return [bold(f"Tidligere udpegninger for {name}"), *(appointment_paragraph(a, today) for a in past)]


def past_button(count: int) -> str:
    return f"Tidligere udpegninger ({count})"


def _proposed_change(proposal: AppointmentProposal) -> str:
    person = proposal.person_name + (f" ({proposal.party})" if proposal.party else "")
    role = f" som {proposal.role}" if proposal.role else ""
    if proposal.replaces_name:
        return (
            f"{bold(person)} overtager {esc(proposal.replaces_name)}s plads{esc(role)} i "
            f"{bold(proposal.organization_name)}"
        )
    return f"{bold(person)} udpeges{esc(role)} til {bold(proposal.organization_name)}"


def proposal(proposal: AppointmentProposal) -> list[str]:
    """A change read from a document, for an administrator to confirm or reject."""
    meeting = proposal.meeting
    item = proposal.item
    where = f"{meeting.body.name} {short_date(meeting.date)}, punkt {proposal.item_number}"
    if item is not None:
        where += f" {item.title}"
    return [
        f"{bold('Forslag til udpegning')}\n{esc(where)}",
        _proposed_change(proposal),
        f"Fra dokumentet: {italic(proposal.sentence)}",
    ]


def proposal_decided(proposal: AppointmentProposal, *, now: bool) -> list[str]:
    verdict = "godkendt og skrevet i registret" if proposal.state == "confirmed" else "afvist"
    prefix = "" if now else "Forslaget var allerede afgjort: "
    return [f"{prefix}{_proposed_change(proposal)}: {esc(verdict)}."]


def no_proposals() -> list[str]:
    return ["Der er ingen forslag til udpegninger, der venter på en afgørelse."]


def proposals_heading(count: int) -> list[str]:
    return [
        f"{count} forslag til udpegninger fra dagsordener og referater venter. Intet skrives i "
        "registret, før du trykker Godkend."
    ]


def forget_question() -> list[str]:
    return [
        "Skal jeg glemme dig? Jeg sletter koblingen til din person, dine abonnementer og de "
        "beskeder, der venter på at blive sendt til dig."
    ]


def forgotten(had_link: bool, subscriptions: int, notices: int) -> list[str]:
    what = [
        "koblingen til din person" if had_link else "",
        f"{subscriptions} abonnement{'er' if subscriptions != 1 else ''}",
        f"{notices} ventende besked{'er' if notices != 1 else ''}",
    ]
    deleted = ", ".join(w for w in what if w)
    return [f"Du er glemt. Slettet: {esc(deleted)}. Du kan altid starte forfra med /start."]


def not_forgotten() -> list[str]:
    return ["Godt, jeg har ikke slettet noget."]


def concerns_you_heading() -> str:
    return bold("Vedrører dig")


def concerns_you(reasons: Sequence[str]) -> str:
    """`(vedrører dig: Uddannelsesstyregruppen)` after an item's title."""
    return f"({italic('vedrører dig: ' + ', '.join(reasons))})"
