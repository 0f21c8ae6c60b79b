"""What members read about meetings: agendas, items, indstillinger, meeting lists, search hits, calendars.

Every function returns self-contained HTML paragraphs (or one line), built with texts.html so every
text from a document or a user is escaped; handlers query storage, hand the rows here, and split the
paragraphs into messages (texts.replies.to_replies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from core.kinds import DocumentKind
from storage import AgendaItem, Bilag, Document, Meeting, SearchHit
from storage.relevance import Reason
from texts import body
from texts.body import REFERENCE_MARK
from texts.dates import danish_date, danish_time, plain_date, short_date, when
from texts.html import bold, esc, is_web_url, italic, link
from texts.marks import DIFFERS_MARK, MARK, concerns_you, concerns_you_heading, decision_differs

EXAMPLE_DATE = "23. marts 2022"
# the PDF a meeting links to: the first of these kinds that has a web address
LINKED_KINDS = (DocumentKind.TILLAEGSDAGSORDEN, DocumentKind.DAGSORDEN, DocumentKind.REFERAT)
CASE_BUTTON = "Sagsfremstilling"
ECHO_MAX_CHARS = 60  # what we repeat of a user's input: enough to recognise it, never a wall of text


def echo(text: str) -> str:
    """The user's own words in bold, shortened when long."""
    text = " ".join(text.split())
    return bold(text if len(text) <= ECHO_MAX_CHARS else text[: ECHO_MAX_CHARS - 1] + "…")


def has_minutes(documents: Sequence[Document]) -> bool:
    return any(d.kind == DocumentKind.REFERAT for d in documents)


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
    for kind in LINKED_KINDS:
        for document in current:
            if document.kind == kind:
                return document
    return None


def meeting_link(documents: Sequence[Document]) -> str | None:
    """A link to that PDF (see agenda_document)."""
    document = agenda_document(documents)
    if document is None or not document.source_url:
        return None
    label = "Referat (PDF)" if document.kind == DocumentKind.REFERAT else "Dagsorden (PDF)"
    return link(document.source_url, label)


def agenda(
    meeting: Meeting,
    items: Sequence[AgendaItem],
    documents: Sequence[Document],
    concerning: Mapping[int, Sequence[Reason]] | None = None,
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
            f"{MARK} {bold(item.number)} {esc(_title(item))} {concerns_you(concerning[item.id])}"
            for item in items
            if item.id in concerning
        ]
        if mine:
            paragraphs.append("\n".join([concerns_you_heading(), *mine]))
        lines = [f"{bold(item.number)} {esc(_title(item))}" for item in items if item.id not in concerning]
        if lines:
            heading = "Referat" if has_minutes(documents) else "Dagsorden"
            paragraphs.append("\n".join([bold(heading + (", øvrige punkter" if mine else "")), *lines]))
    pdf = meeting_link(documents)
    if pdf:
        paragraphs.append(pdf)
    if items:
        paragraphs.append(f"Se et punkt med fx /punkt {esc(items[0].number)} {esc(plain_date(meeting.date))}")
    return [p for p in paragraphs if p]


def recommendations(meeting: Meeting, items: Sequence[AgendaItem]) -> list[str]:
    """Every item's indstilling, number and title first: what is to be decided."""
    paragraphs = [f"{meeting_heading(meeting)}\n{bold('Indstillinger')}"]
    if not items:
        paragraphs.append("Der er ingen punkter registreret for mødet endnu.")
    for item in items:
        text = body.html(item.recommendation) if item.recommendation else italic("Ingen indstilling.")
        paragraphs.append(f"{bold(f'{item.number} {_title(item)}')}\n{text}")
    return paragraphs


def item_detail(
    item: AgendaItem,
    meeting: Meeting,
    focus: str = "all",
    bilag: Mapping[str, Bilag] | None = None,
) -> list[str]:
    """One item in full, but the case presentation (a button shows that). The indstilling comes first;
    asked who presents it (`focus` "presenter") or what was decided ("decision"), that comes first."""
    heading = [
        bold(f"{item.number} {_title(item)}"),
        esc(f"{meeting.body.name}, {danish_date(meeting.date)}"),
    ]
    if item.case_number:
        heading.append(f"Sagsnr.: {esc(item.case_number)}")
    if item.presenter:
        heading.append(f"Fremlægges af: {esc(' '.join(item.presenter.split()))}")
    paragraphs = ["\n".join(heading)]
    if focus == "presenter":
        paragraphs.insert(0, _presenter_answer(item))
    decision = _decision_paragraph(item, meeting)
    if focus == "decision" and decision:
        paragraphs.append(decision)
    for label, value in (("Indstilling", item.recommendation), ("Baggrund", item.background)):
        if value:
            paragraphs.append(f"{bold(label)}\n{body.html(value)}")
    if focus != "decision" and decision:
        paragraphs.append(decision)
    if item.attachments:
        paragraphs.append(
            "\n".join(_attachment_line(title, (bilag or {}).get(title)) for title in item.attachments)
        )
    if item.links:
        lines = "\n".join(f"• {link(url, url)}" for url in item.links if is_web_url(url))
        if lines:
            paragraphs.append(f"{bold('Links')}\n{lines}")
    return paragraphs


def pages(first: int, last: int) -> str:
    """`s. 3–17`, or `s. 3` for one page."""
    return f"s. {first}" if first == last else f"s. {first}–{last}"


def _attachment_line(title: str, found: Bilag | None) -> str:
    """`📎 Bilag: TITLE (s. 3–17)`: a `./.` title under an item, with its pages where the bundle holds it."""
    written = f"{REFERENCE_MARK} {bold('Bilag:')} {esc(' '.join(title.split()))}"
    return f"{written} ({pages(found.first_page, found.last_page)})" if found is not None else written


BUTTON_TITLE_CHARS = 36  # of a bilag's title on its button: a phone shows about this much


def bilag_button_label(title: str) -> str:
    """A bilag's button under its item: the item's `./.` title, shortened."""
    title = " ".join(title.split())
    short = title if len(title) <= BUTTON_TITLE_CHARS else title[: BUTTON_TITLE_CHARS - 1].rstrip() + "…"
    return f"{REFERENCE_MARK} {short}"


def pdf_page_label(page: int) -> str:
    return f"Åbn PDF, side {page}"


def bilag_caption(found: Bilag, item: AgendaItem | None, meeting: Meeting) -> str:
    """The caption of a bilag sent as its own PDF: the bilag, the item it belongs to, the meeting."""
    lines = [f"{REFERENCE_MARK} {bold(' '.join(found.title.split()))}"]
    if item is not None:
        lines.append(esc(f"Bilag til punkt {item.number} {' '.join(item.title.split())}"))
    lines.append(esc(f"{meeting.body.name}, {danish_date(meeting.date)}"))
    lines.append(esc(f"{pages(found.first_page, found.last_page)} af bilagssamlingen"))
    return "\n".join(lines)


def item_pages_caption(item: AgendaItem, meeting: Meeting, first: int, last: int) -> str:
    """The caption of an item's own pages, cut from its agenda or minutes."""
    return "\n".join(
        [
            bold(f"{item.number} {' '.join(item.title.split())}"),
            esc(f"{meeting.body.name}, {danish_date(meeting.date)}, {pages(first, last)}"),
        ]
    )


def page_caption(meeting: Meeting, page: int, title: str | None) -> str:
    """The caption of one page of a bilag bundle sent as a PDF."""
    where = f"Bilag: {title}, s. {page}" if title else f"Bilagssamlingen, s. {page}"
    return "\n".join([esc(where), esc(f"{meeting.body.name}, {danish_date(meeting.date)}")])


def page_text(meeting: Meeting, page: int, text: str, title: str | None) -> list[str]:
    """One page of a bilag bundle as text: where it is, then its lines."""
    where = f"Bilag: {title}, s. {page}" if title else f"Bilagssamlingen, s. {page}"
    heading = f"{bold(where)}\n{esc(f'{meeting.body.name}, {danish_date(meeting.date)}')}"
    lines = body.lines(text)
    return [heading, *(lines or [italic("Siden har ingen tekst.")])]


def no_pdf_kept() -> list[str]:
    """A document stored before kkrbot kept the PDFs themselves."""
    return ["PDF'en er ikke gemt i botten. Bed sekretariatet hente dokumentet igen, eller se /moeder."]


def _presenter_answer(item: AgendaItem) -> str:
    if item.presenter:
        return f"Punkt {esc(item.number)} fremlægges af {bold(' '.join(item.presenter.split()))}."
    return f"Dagsordenen siger ikke, hvem der fremlægger punkt {esc(item.number)}."


def _decision_paragraph(item: AgendaItem, meeting: Meeting) -> str | None:
    if item.decision:
        return f"{bold('Beslutning')}\n{body.html(item.decision)}"
    if not has_minutes(meeting.documents):
        return italic("Der er endnu ikke et referat med beslutningen.")
    return None


def decisions(meeting: Meeting, items: Sequence[AgendaItem]) -> list[str]:
    """/beslutninger: every item's decision from the minutes, those departing from the indstilling marked."""
    differing = [item for item in items if decision_differs(item.recommendation, item.decision)]
    heading = f"{meeting_heading(meeting)}\n{bold('Beslutninger')}"
    if differing:
        heading += f"\n{DIFFERS_MARK} = beslutningen afviger fra indstillingen ({len(differing)})"
    paragraphs = [heading]
    for item in items:
        mark = f"{DIFFERS_MARK} " if item in differing else ""
        text = body.html(item.decision) if item.decision else italic("Ingen beslutning i referatet.")
        paragraphs.append(f"{mark}{bold(f'{item.number} {_title(item)}')}\n{text}")
    return paragraphs


def no_minutes_yet(meeting: Meeting) -> list[str]:
    """/beslutninger for a meeting whose minutes are not in yet: say so, the agenda is a button away."""
    return [
        f"Referatet fra mødet {esc(danish_date(meeting.date))} ({esc(meeting.body.name)}) er ikke kommet "
        "endnu, så der er ingen beslutninger at vise. Dagsordenen kan du se her:"
    ]


def no_minutes_at_all(council: str | None = None) -> list[str]:
    """No minutes stored at all (of the council the member named)."""
    whose = f"{esc(council)} har ingen referater" if council else "Der er ingen referater"
    return [f"{whose} endnu. Se /naestemoede eller /moeder."]


AGENDA_BUTTON = "Se dagsordenen"


def meeting_held(meeting: Meeting, *, council_asked: bool = False) -> str:
    """Before a meeting shown because no later one is known (of the council asked about)."""
    if council_asked:
        return (
            f"{esc(meeting.body.name)} har ingen kommende møder. Mødet {esc(danish_date(meeting.date))} "
            "er holdt; her er det:"
        )
    return (
        f"Der er ingen kommende møder. Mødet {esc(danish_date(meeting.date))} ({esc(meeting.body.name)}) "
        "er holdt; her er det:"
    )


def case_presentation(item: AgendaItem, meeting: Meeting) -> list[str]:
    """An item's sagsfremstilling, paragraph by paragraph."""
    heading = f"{bold(f'{item.number} {_title(item)}')}\n{esc(danish_date(meeting.date))}: sagsfremstilling"
    if not item.case_presentation:
        return [heading, "Punktet har ingen sagsfremstilling."]
    return [heading, *body.paragraphs(item.case_presentation)]


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


def search_results(
    words: str, hits: Sequence[SearchHit], bilag_titles: Mapping[int, str] | None = None
) -> list[str]:
    """The hits with date, body and item number; a bilag page as `Bilag: TITLE, s. 4, 23.04.2021`
    (`bilag_titles`: hit number -> the title of the bilag the page belongs to)."""
    if not hits:
        return [f"Ingen punkter matcher {echo(words)}. Prøv et andet ord, fx /soeg klimastrategi."]
    paragraphs = [f"De bedste resultater for {echo(words)}:"]
    for n, hit in enumerate(hits, 1):
        if hit.kind == "item":
            where = f"{hit.body}, {danish_date(hit.meeting_date)}, punkt {hit.item_number}"
            head = f"{n}. {bold(hit.title)}\n{esc(where)}"
        else:
            title = (bilag_titles or {}).get(n) or hit.title
            name = f"Bilag: {' '.join(title.split())}, s. {hit.page}, {short_date(hit.meeting_date)}"
            head = f"{n}. {bold(name)}\n{esc(hit.body)}"
        paragraphs.append(f"{head}\n{_hit_text(hit)}" if hit.snippet else head)
    return paragraphs


def search_button_label(n: int, hit: SearchHit) -> str:
    where = hit.item_number if hit.kind == "item" else f"bilag s. {hit.page}"
    return f"{n}. {where} ({short_date(hit.meeting_date)})"


def item_button_label(number: str, *, concerns_you: bool = False) -> str:
    """An item's button under an agenda: its number, starred when it concerns the reader."""
    return f"{MARK} {number}" if concerns_you else number


def previous_item_label(number: str) -> str:
    return f"◀ {number}"


def next_item_label(number: str) -> str:
    return f"{number} ▶"


def same_day(others: Sequence[Meeting]) -> list[str]:
    """Under a meeting: the other councils that met the same day."""
    names = ", ".join(esc(m.body.name) for m in others)
    return [f"Samme dag holdt også {names} møde:"]


def same_day_label(meeting: Meeting) -> str:
    return meeting.body.name


def meeting_button_label(meeting: Meeting) -> str:
    """A meeting's button in /moeder: `23.03.2022 KKR Midtjylland`."""
    return f"{short_date(meeting.date)} {meeting.body.name}"


# --- /kalender ---


def calendar_name(councils: Sequence[str]) -> str:
    """The calendar's name in the member's calendar app: the councils whose meetings it holds."""
    if len(councils) == 1:
        return f"{councils[0]}: møder"
    return "KKR-møder" if not councils or len(councils) > 2 else f"{' og '.join(councils)}: møder"


def calendar_event_title(meeting: Meeting) -> str:
    return f"{meeting.body.name}: møde"


def calendar_description(meeting: Meeting, item_count: int, agenda_url: str | None, end_assumed: bool) -> str:
    """The text of a meeting's event in the calendar file (plain text, no HTML)."""
    lines = []
    if item_count:
        lines.append(f"Dagsorden med {item_count} {'punkt' if item_count == 1 else 'punkter'}.")
    else:
        lines.append("Dagsordenen er ikke offentliggjort endnu.")
    if agenda_url:
        lines.append(f"Dagsorden (PDF): {agenda_url}")
    lines.append(f"I Telegram: /dagsorden {meeting.date:%d-%m-%Y}")
    if end_assumed:
        lines.append("Sluttidspunktet er ikke oplyst; der er sat to timer af.")
    return "\n".join(lines)


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
