"""build_application(settings): python-telegram-bot wired to kkrbot's handlers.

The handlers are transport-neutral (text in, Reply out); this module turns Telegram updates into
calls to them and their Replies into sendMessage / editMessageText calls. Database work runs in a
worker thread so one slow query never stalls the bot's event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.clock import Clock
from bot.config import Settings
from handlers.context import HandlerContext, Sender
from handlers.dispatch import COMMANDS, answer, answer_callback
from handlers.replies import Reply
from storage import Database

log = logging.getLogger(__name__)
CONTEXT_KEY = "kkrbot"
SORRY = "Beklager, der gik noget galt. Prøv igen om lidt."


def handler_context(db: Database, settings: Settings) -> HandlerContext:
    return HandlerContext(db=db, today=Clock.from_settings(settings).today, admins=frozenset(settings.admins))


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data, url=b.url) for b in row]
            for row in reply.buttons
        ]
    )


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> HandlerContext:
    handler_ctx: HandlerContext = context.application.bot_data[CONTEXT_KEY]
    return handler_ctx


def _sender(update: Update) -> Sender | None:
    """Who wrote: the Telegram user and the chat the answer goes to."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Sender(user_id=user.id, chat_id=chat.id, name=user.full_name or None)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text or command: the dispatcher answers, every reply is sent in order."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    replies = await asyncio.to_thread(answer, _ctx(context), message.text, _sender(update))
    for reply in replies:
        await message.reply_html(reply.html, reply_markup=_markup(reply), disable_web_page_preview=True)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answered at once, then the reply edits the message or follows it."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    replies = await asyncio.to_thread(answer_callback, _ctx(context), query.data or "", _sender(update))
    for reply in replies:
        if reply.edit and query.message is not None:
            try:
                await query.edit_message_text(
                    reply.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_markup(reply),
                    disable_web_page_preview=True,
                )
                continue
            except BadRequest as err:
                if "not modified" in str(err).lower():
                    continue
                raise
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(
                chat.id, reply.html, parse_mode=ParseMode.HTML, reply_markup=_markup(reply),
                disable_web_page_preview=True,
            )  # fmt: skip


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure for the operator and tell the member something went wrong, in Danish."""
    log.error("fejl under behandling af en opdatering: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except Exception:  # the chat may be gone; the log line above is what matters
            log.warning("kunne ikke sende fejlbesked til chat %s", update.effective_chat.id)


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After getMe: the bot's username goes into the handlers' context (deep links), the command list
    to Telegram."""
    handler_ctx: HandlerContext = application.bot_data[CONTEXT_KEY]
    application.bot_data[CONTEXT_KEY] = dataclasses.replace(
        handler_ctx, bot_username=application.bot.username
    )
    await application.bot.set_my_commands([BotCommand(name, description) for name, description in COMMANDS])


def build_application(settings: Settings, db: Database) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for run_polling(): handlers, error handler and the command list."""
    assert settings.telegram_token is not None
    api = settings.telegram_api_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .post_init(_post_init)
        .rate_limiter(AIORateLimiter(overall_max_rate=25, max_retries=3))
        .build()
    )
    application.bot_data[CONTEXT_KEY] = handler_context(db, settings)
    application.add_handler(MessageHandler(filters.TEXT, on_message))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_error_handler(on_error)
    return application
