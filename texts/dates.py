"""Dates and times as members and operators read them, in one style for chat, notices and the CLI.

A meeting's day in a sentence is `tirsdag den 14. juni 2022`; in a one-line report it is
`14. juni 2022`; on a button or in a list `14.06.2022`; a time is `9.30`, as Danes write it.
Times arrive already in local time (core.time.local_time turns stored UTC into it).
"""

from __future__ import annotations

import datetime as dt


def format_date(day: dt.date, pattern: str, locale: str = "da") -> str:
    """babel's format_date, imported when first used: `kkrbot parse` formats no date and starts faster."""
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(day, pattern, locale=locale))


def danish_date(day: dt.date) -> str:
    """`tirsdag den 14. juni 2022`."""
    return str(format_date(day, "EEEE 'den' d. MMMM y", locale="da"))


def month_name(month: int) -> str:
    """`juni`."""
    return str(format_date(dt.date(2000, month, 1), "MMMM", locale="da"))


def plain_date(day: dt.date) -> str:
    """`14. juni 2022`, for one-line reports (`ny dagsorden: KKR Midtjylland 14. juni 2022, …`)."""
    return str(format_date(day, "d. MMMM y", locale="da"))


def short_date(day: dt.date) -> str:
    """`14.06.2022`, for buttons and lists."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def danish_time(time: dt.time) -> str:
    """`9.30`, as Danes write a time."""
    return f"{time.hour}.{time.minute:02d}"


def when(day: dt.date, start: dt.time | None, end: dt.time | None = None) -> str:
    """`tirsdag den 14. juni 2022 kl. 9.30-12.00` (time left out when unknown)."""
    text = danish_date(day)
    if start is not None:
        text += f" kl. {danish_time(start)}"
        if end is not None:
            text += f"-{danish_time(end)}"
    return text


def local_moment(moment: dt.datetime) -> str:
    """`24.11.2026 kl. 21.03` (already in local time)."""
    return f"{short_date(moment.date())} kl. {danish_time(moment.time())}"


def operator_moment(moment: dt.datetime) -> str:
    """`2026-11-24 21:03` (already in local time), as an operator's log and status read it."""
    return f"{moment:%Y-%m-%d %H:%M}"
