"""The Danish texts of what members are told: new agendas, minutes, changes, bilag and reminders.

Each notice is one Telegram HTML message of at most 4096 characters, built with texts.html. The
items that matter to the member come first, marked as in the chat (texts.marks) with the reason; an
item list too long for one message ends with how many were left out. Buttons are stored in the
outbox as Telegram's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.kinds import DocumentKind
from storage.models import AgendaItem, ItemChange, Meeting
from storage.relevance import Reason
from texts import body
from texts.callbacks import meeting_callback
from texts.html import MESSAGE_MAX_CHARS, bold, esc, italic
from texts.marks import DIFFERS_MARK, MARK, NAMES_YOU, decision_differs
from texts.meetings import meeting_heading
from texts.replies import Button, keyboard_json

EXCERPT_MAX_CHARS = 280  # a decision or recommendation in a notice: enough to see its gist
ROOM_FOR_TAIL = 80  # kept free for "… og N punkter mere"

Marks = Mapping[int, Sequence[str]]  # item id -> why it matters to the member


def keyword_mark(keyword: str) -> str:
    """Why an item is in a keyword subscriber's notice: `«klima»`."""
    return f"«{keyword}»"


def appointment_mark(reason: Reason) -> str:
    """Why an item is in a `/abonner mine` notice: `nævner dig`, `vedrører Uddannelsesstyregruppen`."""
    return NAMES_YOU if reason is None else f"vedrører {reason}"


def meeting_button(meeting: Meeting, label: str = "Åbn dagsordenen") -> list[list[dict[str, Any]]]:
    """The inline keyboard that opens the meeting's agenda in the bot."""
    return keyboard_json([[Button(label, meeting_callback(meeting.id))]])


def minutes_button(meeting: Meeting) -> list[list[dict[str, Any]]]:
    return meeting_button(meeting, "Åbn referatet")


def document_button(meeting: Meeting, kind: str) -> list[list[dict[str, Any]]]:
    """The button under a notice of a document's new version: its agenda, or its minutes."""
    return minutes_button(meeting) if kind == DocumentKind.REFERAT else meeting_button(meeting)


def _excerpt(text: str) -> str:
    text = body.plain(text)
    return esc(text if len(text) <= EXCERPT_MAX_CHARS else text[: EXCERPT_MAX_CHARS - 1].rstrip() + "…")


def _title(item: AgendaItem) -> str:
    return " ".join(item.title.split())


def _item_line(item: AgendaItem, marks: Marks) -> str:
    line = f"{bold(item.number)} {esc(_title(item))}"
    why = marks.get(item.id)
    return f"{MARK} {line} {italic('(' + ', '.join(why) + ')')}" if why else line


def _marked_first(items: Sequence[AgendaItem], marks: Marks) -> list[AgendaItem]:
    return [i for i in items if i.id in marks] + [i for i in items if i.id not in marks]


def _count(n: int) -> str:
    return "1 punkt" if n == 1 else f"{n} punkter"


def _fit(head: Sequence[str], entries: Sequence[str], title: str = "", separator: str = "\n") -> str:
    """Head, then under `title` as many entries as fit in one message and a line for those left out."""
    room = MESSAGE_MAX_CHARS - len("\n\n".join(head)) - len(title) - ROOM_FOR_TAIL
    shown: list[str] = []
    for entry in entries:
        if len(entry) + len(separator) > room:
            break
        shown.append(entry)
        room -= len(entry) + len(separator)
    body = separator.join(shown)
    if len(shown) < len(entries):
        body += f"{separator}… og {_count(len(entries) - len(shown))} mere. Tryk på knappen for at se alle."
    if title:
        body = f"{title}\n{body}"
    return "\n\n".join(part for part in (*head, body) if part)


def _heading(title: str, meeting: Meeting) -> str:
    return f"{bold(title)}\n{meeting_heading(meeting)}"


def new_agenda(meeting: Meeting, items: Sequence[AgendaItem], marks: Marks, *, supplementary: bool) -> str:
    """A new agenda (or tillægsdagsorden): when and where, how many items, the member's first."""
    title = "Ny tillægsdagsorden" if supplementary else "Ny dagsorden"
    head = [_heading(title, meeting), _count(len(items))]
    if marks:
        head[-1] += f", heraf {len([i for i in items if i.id in marks])} med {MARK} for dig"
    return _fit(head, [_item_line(i, marks) for i in _marked_first(items, marks)])


def new_minutes(meeting: Meeting, items: Sequence[AgendaItem], marks: Marks) -> str:
    """New minutes: every decision; where one departs from the recommendation it is marked ⚠️."""
    differing = [i for i in items if decision_differs(i.recommendation, i.decision)]
    summary = f"Beslutninger på {_count(len(items))}"
    if differing:
        summary += f". {DIFFERS_MARK} = beslutningen afviger fra indstillingen ({len(differing)})"
    entries = []
    for item in _marked_first(items, marks):
        line = _item_line(item, marks)
        if item in differing:
            line = f"{DIFFERS_MARK} {line}"
        decision = _excerpt(item.decision) if item.decision else italic("Ingen beslutning i referatet.")
        entries.append(f"{line}\n{decision}")
    return _fit([_heading("Nyt referat", meeting), summary], entries, separator="\n\n")


def _change_line(change: ItemChange) -> str:
    number = bold(change.number)
    if change.change == "added":
        return f"➕ Nyt punkt {number} {esc(change.new_value or '')}"
    if change.change == "removed":
        return f"➖ Punkt {number} {esc(change.old_value or '')} er taget af dagsordenen"
    if change.change == "retitled":
        return (
            f"✏️ Punkt {number} hedder nu {esc(change.new_value or '')} (før: {esc(change.old_value or '')})"
        )
    if change.change == "recommendation_changed":
        new = _excerpt(change.new_value) if change.new_value else italic("ingen indstilling")
        return f"✏️ Ny indstilling til punkt {number}:\n{new}"
    new = _excerpt(change.new_value) if change.new_value else italic("ingen beslutning")
    return f"✏️ Ny beslutning på punkt {number}:\n{new}"


def changed(
    meeting: Meeting,
    document_kind: str,
    version: int,
    changes: Sequence[ItemChange],
    marked: Mapping[str, Sequence[str]],
) -> str:
    """A re-published agenda or corrected minutes: exactly what changed, item by item;
    `marked` holds the item numbers that matter to the member and why."""
    what: dict[str, str] = {
        DocumentKind.DAGSORDEN: "Ændret dagsorden",
        DocumentKind.TILLAEGSDAGSORDEN: "Ændret tillægsdagsorden",
    }
    title = what.get(document_kind, "Rettet referat")
    ordered = [c for c in changes if c.number in marked] + [c for c in changes if c.number not in marked]
    entries = []
    for change in ordered:
        first, newline, rest = _change_line(change).partition("\n")
        why = marked.get(change.number)
        if why:
            first = f"{MARK} {first} {italic('(' + ', '.join(why) + ')')}"
        entries.append(first + newline + rest)
    count = "1 ændring" if len(changes) == 1 else f"{len(changes)} ændringer"
    return _fit([_heading(title, meeting), f"Version {version}: {count}"], entries)


def new_bilag(meeting: Meeting, pages: int) -> str:
    """New bilag (attachments) for a meeting."""
    return "\n\n".join([_heading("Nye bilag", meeting), f"Bilagssamlingen har {pages} sider."])


def reminder(meeting: Meeting, items: Sequence[AgendaItem], marks: Marks) -> str:
    """The day before a meeting: when and where, how many items, and the member's own."""
    head = [_heading("Påmindelse: møde i morgen", meeting), f"Dagsordenen har {_count(len(items))}."]
    mine = [i for i in items if i.id in marks]
    if not mine:
        return "\n\n".join(head)
    return _fit(head, [_item_line(i, marks) for i in mine], bold("Punkter for dig"))
