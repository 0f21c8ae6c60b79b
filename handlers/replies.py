"""What a handler answers, independent of Telegram: HTML text and rows of buttons.

The same replies go to Telegram (bot/app.py) and to the terminal (`kkrbot chat`), so handlers
never touch python-telegram-bot objects and can be tested with plain function calls.
"""

from __future__ import annotations

from dataclasses import dataclass

CALLBACK_DATA_MAX_BYTES = 64  # Telegram refuses longer callback_data


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
