"""The one way kkrbot talks to Telegram's Bot API: the Bot it uses, and how replies and notices are sent.

Replies to members (bot/app.py: messages, button presses, /hent reports, PDF uploads) and notices
(delivery.sender) go through here, so a message, an edit, a file and its buttons are sent the same
way everywhere. Buttons arrive as Telegram's JSON (texts.replies.keyboard_json), as the outbox stores
them, and become PTB's markup in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import HTTPXRequest

from texts.replies import Reply, keyboard_json

CAPTION_MAX_CHARS = 1024  # Telegram's limit on a document's caption
DEFAULT_CONNECTIONS = 256  # what python-telegram-bot's ApplicationBuilder gives a bot


def make_bot(
    token: str,
    api_url: str,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    connections: int = DEFAULT_CONNECTIONS,
) -> ExtBot[Any]:
    """A Bot on the Bot API server at `api_url` (Telegram's, or the tests' fake)."""
    api = api_url.rstrip("/")
    return ExtBot(
        token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connection_pool_size=connections),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=rate_limiter,
    )


def inline_markup(rows: Sequence[Sequence[dict[str, Any]]] | None, bot: Bot) -> InlineKeyboardMarkup | None:
    """Stored keyboard rows ({"text", "url" | "callback_data"}) as PTB's markup; None without buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup.de_json({"inline_keyboard": [list(row) for row in rows]}, bot)


async def send_html(
    bot: Bot, chat_id: int, html: str, rows: Sequence[Sequence[dict[str, Any]]] | None
) -> None:
    """One text message in Telegram HTML, links without previews."""
    await bot.send_message(
        chat_id,
        html,
        parse_mode=ParseMode.HTML,
        reply_markup=inline_markup(rows, bot),
        disable_web_page_preview=True,
    )


async def send_replies(
    bot: Bot, chat_id: int, replies: Sequence[Reply], *, pressed: CallbackQuery | None = None
) -> None:
    """Send each reply in order: an edit of the message a pressed button sits on (where the reply is
    one), a file with its caption, or a text message."""
    for reply in replies:
        rows = keyboard_json(reply.buttons)
        if reply.edit and pressed is not None and pressed.message is not None and await _edit(pressed, reply):
            continue
        if reply.document is not None:
            await _send_document(bot, chat_id, reply)
        else:
            await send_html(bot, chat_id, reply.html, rows)


async def _edit(pressed: CallbackQuery, reply: Reply) -> bool:
    """Replace the message's text and buttons; an edit that changes nothing counts as done."""
    try:
        await pressed.edit_message_text(
            reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_markup(keyboard_json(reply.buttons), pressed.get_bot()),
            disable_web_page_preview=True,
        )
    except BadRequest as err:
        if "not modified" not in str(err).lower():
            raise
    return True


async def _send_document(bot: Bot, chat_id: int, reply: Reply) -> None:
    """A reply with a file: its text as the caption, or as a message just before it when too long."""
    assert reply.document is not None
    caption: str | None = reply.html
    if len(reply.html) > CAPTION_MAX_CHARS:
        await send_html(bot, chat_id, reply.html, None)
        caption = None
    await bot.send_document(
        chat_id,
        reply.document.content,
        filename=reply.document.filename,
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_markup=inline_markup(keyboard_json(reply.buttons), bot),
    )
