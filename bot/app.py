"""build_application(settings): python-telegram-bot wired to kkrbot's handlers.

The handlers are transport-neutral (text in, Reply out); this module turns Telegram updates into
calls to them and their Replies into sendMessage / editMessageText calls. Database work runs in a
worker thread so one slow query never stalls the bot's event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from bot.pollers import register_sources
from bot.updates import sender_of
from delivery.fanout import fan_out
from delivery.proposal_notices import queue_proposal_notices
from delivery.reminders import queue_reminders
from delivery.sender import attach_sender, outbox_sender, start_sender, stop_sender
from handlers.context import HandlerContext
from handlers.dispatch import COMMANDS, answer, answer_callback
from handlers.replies import Reply
from storage import Database

log = logging.getLogger(__name__)
CONTEXT_KEY = "kkrbot"
SORRY = "Beklager, der gik noget galt. Prøv igen om lidt."
CAPTION_MAX_CHARS = 1024  # Telegram's limit on a document's caption
FANOUT_SECONDS = 3  # how soon a stored document's notices are in the outbox
ALLOWED_UPDATES = ["message", "callback_query"]  # what the handlers below take, polled or by webhook


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


async def _send_document(bot: Bot, chat_id: int, reply: Reply) -> None:
    """A reply with a file: its text as the caption, or as a message just before it when too long."""
    assert reply.document is not None
    caption: str | None = reply.html
    if len(reply.html) > CAPTION_MAX_CHARS:
        await bot.send_message(chat_id, reply.html, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        caption = None
    await bot.send_document(
        chat_id,
        reply.document.content,
        filename=reply.document.filename,
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_markup=_markup(reply),
    )


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text or command: the dispatcher answers, every reply is sent in order."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    replies = await asyncio.to_thread(answer, _ctx(context), message.text, sender_of(update))
    for reply in replies:
        if reply.document is not None:
            await _send_document(context.bot, message.chat_id, reply)
            continue
        await message.reply_html(reply.html, reply_markup=_markup(reply), disable_web_page_preview=True)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answered at once, then the reply edits the message or follows it."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    replies = await asyncio.to_thread(answer_callback, _ctx(context), query.data or "", sender_of(update))
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
        if chat is not None and reply.document is not None:
            await _send_document(context.bot, chat.id, reply)
        elif chat is not None:
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
    await start_sender(application)  # the outbox: its own Bot and pacing (delivery.sender says why)


def schedule_notices(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings, db: Database
) -> None:
    """Every few seconds new events become outbox rows and administrators are told of new appointment
    proposals, every minute the reminders due are queued (delivery.fanout, delivery.proposal_notices,
    delivery.reminders); the sender is woken when there is something to send."""
    clock, job_queue = Clock.from_settings(settings), application.job_queue
    assert job_queue is not None  # python-telegram-bot[job-queue] is a dependency

    def job(work: Callable[[Database, dt.datetime], int], what: str) -> Any:
        async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                created = await asyncio.to_thread(work, db, clock.now())
            except Exception as err:  # the next run tries again; the operator gets one line
                log.error("kunne ikke lave %s: %s", what, err)
                return
            sender = outbox_sender(application)
            if created and sender is not None:
                sender.wake()

        return run

    job_queue.run_repeating(job(fan_out, "beskeder om nyt"), interval=FANOUT_SECONDS, first=1, name="fan-out")
    job_queue.run_repeating(job(queue_reminders, "påmindelser"), interval=60, first=5, name="reminders")
    admins = frozenset(settings.admins)

    def proposal_notices(db: Database, now: dt.datetime) -> int:
        return queue_proposal_notices(db, admins, now)

    job_queue.run_repeating(
        job(proposal_notices, "beskeder om forslag til udpegninger"),
        interval=FANOUT_SECONDS,
        first=2,
        name="proposal-notices",
    )


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
        .post_stop(stop_sender)
        .rate_limiter(AIORateLimiter(overall_max_rate=25, max_retries=3))
        .build()
    )
    application.bot_data[CONTEXT_KEY] = handler_context(db, settings)
    attach_sender(application, settings, db)
    schedule_notices(application, settings, db)
    sources = register_sources(application, settings, db, handler_ctx=_ctx)  # pages and inbox, polled
    application.bot_data[CONTEXT_KEY] = dataclasses.replace(
        application.bot_data[CONTEXT_KEY], fetch_now=sources.fetch_now
    )
    application.add_handler(MessageHandler(filters.TEXT, on_message))
    application.add_handler(MessageHandler(filters.Document.ALL, sources.on_document))  # admins' PDFs
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_error_handler(on_error)
    return application


def serve(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Run until stopped: long polling, or with KKRBOT_WEBHOOK_URL a webhook server on KKRBOT_PORT that
    refuses (403) every request without KKRBOT_WEBHOOK_SECRET. It listens on the URL's own path, so a
    proxy in front can pass requests through unchanged."""
    if settings.webhook_url is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    assert settings.webhook_secret is not None  # checked at start (bot.config.webhook_problem)
    application.run_webhook(
        listen="0.0.0.0",
        port=settings.port,
        url_path=urlsplit(settings.webhook_url).path.strip("/"),
        webhook_url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=ALLOWED_UPDATES,
    )
