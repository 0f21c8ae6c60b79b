"""Telegram HTML building blocks: escaping, Danish dates, callback data, splitting and plain text.

Every text from a document or a user passes through `esc` here, so no handler writes a raw tag
or could let a `<` from a PDF break a message.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date

from handlers.replies import CALLBACK_DATA_MAX_BYTES, Button, Reply

LOCAL_TIME = ZoneInfo("Europe/Copenhagen")  # meetings, and the times members read, are Danish
MESSAGE_MAX_CHARS = 4096  # Telegram's limit for one message's text
PARAGRAPH_SEPARATOR = "\n\n"

_TOKEN_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"</?([a-zA-Z-]+)")
_CUT_RE = re.compile(r"(\s+)")
_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def esc(text: str) -> str:
    """Text as Telegram HTML: `<`, `>` and `&` become entities."""
    return html.escape(text, quote=False)


def bold(text: str) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{esc(text)}</i>"


def link(url: str, label: str) -> str:
    """A link; the URL is an attribute value, so it is quoted and escaped with its quotes."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def is_web_url(url: str | None) -> bool:
    """Only http(s) links are worth a tap on a phone; `file:` sources are not."""
    return bool(url) and str(url).startswith(("https://", "http://"))


def local_time(moment_utc: dt.datetime) -> dt.datetime:
    """A stored naive UTC time as the wall-clock time in Denmark."""
    return moment_utc.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME)


def danish_date(day: dt.date) -> str:
    """`tirsdag den 14. juni 2022`."""
    return str(format_date(day, "EEEE 'den' d. MMMM y", locale="da"))


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


def compact(text: str) -> str:
    """The document's lines kept (the parser ends paragraphs and bullets with one), blank ones dropped,
    every other run of whitespace made one space."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --- callback data: short, ASCII, parsed back by handlers.dispatch ---


def _callback(*parts: object) -> str:
    data = ":".join(str(part) for part in parts)
    if len(data.encode()) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data


def item_callback(meeting_id: int, number: str) -> str:
    """Open item `number` of a meeting as a new message."""
    return _callback("item", meeting_id, number)


def nav_callback(meeting_id: int, number: str) -> str:
    """Show item `number` in place of the message the button sits on (◀ ▶)."""
    return _callback("nav", meeting_id, number)


def case_callback(meeting_id: int, number: str) -> str:
    """Show an item's case presentation (sagsfremstilling)."""
    return _callback("case", meeting_id, number)


def meeting_callback(meeting_id: int) -> str:
    """Show a meeting's agenda."""
    return _callback("meeting", meeting_id)


def proposal_callback(proposal_id: int, verdict: str) -> str:
    """Confirm (`ja`) or reject (`nej`) an appointment proposal."""
    return _callback("prop", proposal_id, verdict)


def forget_callback(verdict: str) -> str:
    """Answer /glemmig's question: `ja` deletes, `nej` keeps everything."""
    return _callback("forget", verdict)


def parse_callback(data: str) -> tuple[str, list[str]]:
    """`item:3:2.1` -> (`item`, [`3`, `2.1`])."""
    kind, _, rest = data.partition(":")
    return kind, rest.split(":") if rest else []


# --- splitting long replies ---


def split_html(chunks: Iterable[str], limit: int = MESSAGE_MAX_CHARS) -> list[str]:
    """Join self-contained HTML paragraphs into messages of at most `limit` characters each.

    Paragraphs are never cut unless one alone is too long; then it is cut at a space or newline,
    with its open tags closed at the end of a piece and opened again at the start of the next.
    """
    messages: list[str] = []
    current = ""
    for chunk in chunks:
        if not chunk.strip():
            continue
        pieces = [chunk] if len(chunk) <= limit else _split_paragraph(chunk, limit)
        for piece in pieces:
            joined = f"{current}{PARAGRAPH_SEPARATOR}{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    pieces: list[str] = []
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the start tag as written)

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def length() -> int:
        return sum(map(len, parts))

    def flush() -> None:
        pieces.append("".join(parts).rstrip() + closing())
        parts[:] = [tag for _, tag in open_tags]

    for token in _TOKEN_RE.split(paragraph):
        if not token:
            continue
        if token.startswith("<"):
            name_match = _TAG_NAME_RE.match(token)
            name = name_match[1].lower() if name_match else ""
            if token.startswith("</"):
                if open_tags:
                    open_tags.pop()
            else:
                if length() + len(token) + len(f"</{name}>") + len(closing()) > limit:
                    flush()
                open_tags.append((name, token))
            parts.append(token)
            continue
        for word in _CUT_RE.split(token):
            while word:
                room = limit - length() - len(closing())
                if len(word) <= room:
                    parts.append(word)
                    break
                if word.isspace():
                    flush()
                    break
                if length() > len("".join(tag for _, tag in open_tags)):
                    flush()
                    continue
                cut = _safe_cut(word, room)  # a single word longer than a message
                parts.append(word[:cut])
                flush()
                word = word[cut:]
    pieces.append("".join(parts).rstrip() + closing())
    return [piece for piece in pieces if _visible(piece).strip()]


def _safe_cut(word: str, room: int) -> int:
    """Where to cut an over-long word without splitting an `&amp;`-style entity."""
    cut = max(room, 1)
    amp = word.rfind("&", max(0, cut - 10), cut)
    if amp > 0 and ";" not in word[amp:cut]:
        cut = amp
    return cut


def _visible(fragment: str) -> str:
    return html.unescape(_TOKEN_RE.sub("", fragment))


def plain_text(html_text: str) -> str:
    """A message for the terminal: links as `label (url)`, tags dropped, entities decoded."""

    def _link(m: re.Match[str]) -> str:
        url, label = html.unescape(m[1]), m[2]
        return label if _visible(label) == url else f"{label} ({url})"

    return _visible(_LINK_RE.sub(_link, html_text))


def to_replies(
    paragraphs: Iterable[str], buttons: Sequence[Sequence[Button]] = (), *, edit: bool = False
) -> list[Reply]:
    """Paragraphs as messages of at most 4096 characters; the buttons go under the last one.

    An edit can only replace one message, so only the first of several is marked as an edit.
    """
    messages = split_html(paragraphs)
    keyboard = tuple(tuple(row) for row in buttons if row)
    return [
        Reply(
            html,
            keyboard if n == len(messages) - 1 else (),
            edit=edit and n == 0,
        )
        for n, html in enumerate(messages)
    ]


def button_rows(buttons: Sequence[Button], per_row: int) -> list[list[Button]]:
    """Buttons laid out several to a row."""
    return [list(buttons[at : at + per_row]) for at in range(0, len(buttons), per_row)]
