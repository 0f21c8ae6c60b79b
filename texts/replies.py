"""What the bot says, independent of Telegram: messages of HTML text with rows of buttons.

The same replies go to Telegram (bot/app.py) and to the terminal (`kkrbot chat`), so handlers
never touch python-telegram-bot objects and can be tested with plain function calls. Notices keep
their buttons in the outbox as Telegram's JSON (`keyboard_json`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from texts.callbacks import CALLBACK_DATA_MAX_BYTES
from texts.html import split_html


@dataclass(frozen=True)
class Button:
    """An inline button: either a callback (`callback_data`) or a link (`url`)."""

    label: str
    callback_data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.callback_data is None) == (self.url is None):
            raise ValueError("a button has either callback_data or a url")
        if self.callback_data is not None and len(self.callback_data.encode()) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"callback_data over {CALLBACK_DATA_MAX_BYTES} bytes: {self.callback_data!r}")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (sendDocument), e.g. the .ics file of /kalender."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    """One message: Telegram HTML (at most 4096 characters of text) and its inline keyboard.

    With a `document` the message is that file, the text its caption (or, when longer than a caption
    may be, a message of its own just before the file).
    """

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False  # replace the message the pressed button sits on, instead of sending a new one
    document: Attachment | None = None


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


def keyboard_json(buttons: Sequence[Sequence[Button]]) -> list[list[dict[str, Any]]]:
    """Rows of buttons as Telegram's inline keyboard JSON, as the outbox stores them."""
    return [
        [
            {"text": b.label, "callback_data": b.callback_data}
            if b.url is None
            else {"text": b.label, "url": b.url}
            for b in row
        ]
        for row in buttons
    ]
