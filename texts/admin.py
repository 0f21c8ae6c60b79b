"""What administrators read: /hent, /status and the answers to PDFs sent to the bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit
from urllib.request import url2pathname

from texts.dates import local_moment
from texts.html import bold, esc


def source_name(url: str) -> str:
    """How a source is named to people: its URL, or `Indbakken /path` for the inbox's `file:` URL."""
    if url.startswith("file:"):
        return f"Indbakken {url2pathname(urlsplit(url).path)}"
    return url


def admins_only() -> list[str]:
    return ["Kun for administratorer"]


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
    source_lines = (
        "\n".join(sources) if sources else "Ingen kilder er sat op (KKRBOT_SOURCE_URLS, KKRBOT_INBOX)."
    )
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


def reading_scan(file_name: str, pages: int) -> list[str]:
    sides = "1 side" if pages == 1 else f"{pages} sider"
    return [f"{bold(file_name)} er en scanning ({sides}). Jeg læser den … og skriver, når den er læst."]


def document_read(file_name: str, outcome: str) -> list[str]:
    """What became of a PDF an administrator sent, e.g. `ny dagsorden: KKR Midtjylland 23. marts 2022`."""
    return [f"{bold(file_name)}: {esc(outcome)}"]


def document_failed(file_name: str, reason: str) -> list[str]:
    return [f"Jeg kunne ikke bruge {bold(file_name)}: {esc(reason)}."]
