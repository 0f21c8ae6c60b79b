"""build_application(settings): python-telegram-bot wired to kkrbot's handlers, jobs and outbox sender.

The handlers are transport-neutral (text in, Reply out); this module turns Telegram updates into
calls to them, and delivery.botapi sends their replies. Database work runs in a worker thread so one
slow query never stalls the bot's event loop, and updates from different chats are handled side by
side (one chat's in order), so a burst of members is answered at Telegram's pace.

Everything the bot sends shares one budget of Telegram's limits, a delivery.pacing.Pacer: replies
through the application's Bot (its rate limiter, delivery.ratelimit), notices through the outbox
sender's own Bot, replies first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.pollers import register_sources
from bot.updates import sender_of
from delivery.botapi import make_bot, send_replies
from delivery.fanout import fan_out
from delivery.pacing import Pacer
from delivery.proposal_notices import queue_proposal_notices
from delivery.ratelimit import PacedRateLimiter
from delivery.reminders import queue_reminders
from delivery.sender import MAX_IN_FLIGHT, OutboxSender
from handlers.commands import answer, answer_callback, menu
from handlers.context import HandlerContext
from storage import Database
from texts import help

log = logging.getLogger(__name__)
CONTEXT_KEY = "kkrbot"
SENDER_KEY = "kkrbot.outbox_sender"
FANOUT_SECONDS = 3  # how soon a stored document's notices are in the outbox
ALLOWED_UPDATES = ["message", "callback_query"]  # what the handlers below take, polled or by webhook
CONCURRENT_UPDATES = 64  # updates handled at once, each from a different chat
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def handler_context(db: Database, settings: Settings) -> HandlerContext:
    return HandlerContext(
        db=db,
        today=settings.clock().today,
        admins=frozenset(settings.admins),
        sources=settings.polled_sources,
    )


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> HandlerContext:
    handler_ctx: HandlerContext = context.application.bot_data[CONTEXT_KEY]
    return handler_ctx


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text or command: the dispatcher answers, every reply is sent in order."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    replies = await asyncio.to_thread(answer, _ctx(context), message.text, sender_of(update))
    await send_replies(context.bot, message.chat_id, replies)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answered at once, then the reply edits the message or follows it."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    await query.answer()
    replies = await asyncio.to_thread(answer_callback, _ctx(context), query.data or "", sender_of(update))
    await send_replies(context.bot, chat.id, replies, pressed=query)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure for the operator and tell the member something went wrong, in Danish."""
    log.error("fejl under behandling af en opdatering: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, help.sorry())
        except Exception:  # the chat may be gone; the log line above is what matters
            log.warning("kunne ikke sende fejlbesked til chat %s", update.effective_chat.id)


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Updates from different chats are handled side by side, up to `concurrent` at once; one chat's
    updates one after another, in the order they came. (PTB's own limit, taken before this one, is
    set so high that a member writing fast cannot fill it and hold up everyone else.)"""

    def __init__(self, concurrent: int) -> None:
        super().__init__(max_concurrent_updates=1_000_000)
        self._running = asyncio.Semaphore(concurrent)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # per chat: its lock, updates holding it

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._running:
                await coroutine
            return
        lock, users = self._chats.get(chat.id, (asyncio.Lock(), 0))
        self._chats[chat.id] = (lock, users + 1)
        try:
            async with lock, self._running:
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users > 1:
                self._chats[chat.id] = (lock, users - 1)
            else:
                del self._chats[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""


def outbox_sender(application: AnyApplication) -> OutboxSender | None:
    """The application's sender (the fan-out job calls wake() on it after writing notices)."""
    sender = application.bot_data.get(SENDER_KEY)
    return sender if isinstance(sender, OutboxSender) else None


async def _post_init(application: AnyApplication) -> None:
    """After getMe: the bot's username goes into the handlers' context (deep links), the command list
    to Telegram, and the outbox sender starts."""
    handler_ctx: HandlerContext = application.bot_data[CONTEXT_KEY]
    application.bot_data[CONTEXT_KEY] = dataclasses.replace(
        handler_ctx, bot_username=application.bot.username
    )
    await application.bot.set_my_commands([BotCommand(c.name, c.description) for c in menu()])
    sender = outbox_sender(application)
    if sender is not None:
        await sender.start()


async def _post_stop(application: AnyApplication) -> None:
    """Finish the notices in flight and give back unsent claims."""
    sender = outbox_sender(application)
    if sender is not None:
        await sender.stop()


def schedule_notices(application: AnyApplication, settings: Settings, db: Database) -> None:
    """Every few seconds new events become outbox rows and administrators are told of new appointment
    proposals, every minute the reminders due are queued (delivery.fanout, delivery.proposal_notices,
    delivery.reminders); the sender is woken when there is something to send."""
    clock, job_queue = settings.clock(), application.job_queue
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


def build_application(settings: Settings, db: Database) -> AnyApplication:
    """The bot, ready for run_polling(): handlers, error handler, jobs and the outbox sender."""
    assert settings.telegram_token is not None
    token = settings.telegram_token.get_secret_value()
    pacer = Pacer(settings.send_rate)  # the one send budget: replies first, notices at KKRBOT_SEND_RATE
    replies_bot = make_bot(token, settings.telegram_api_url, rate_limiter=PacedRateLimiter(pacer))
    application = (
        ApplicationBuilder()
        .bot(replies_bot)
        .concurrent_updates(ChatOrderedUpdates(CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .build()
    )
    application.bot_data[CONTEXT_KEY] = handler_context(db, settings)
    # notices go out through a Bot of their own (its own connections), in the same pacer's slots
    notices_bot = make_bot(token, settings.telegram_api_url, connections=MAX_IN_FLIGHT + 2)
    application.bot_data[SENDER_KEY] = OutboxSender(
        db,
        notices_bot,
        pacer=pacer,
        lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
        owns_bot=True,
    )
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


def serve(application: AnyApplication, settings: Settings) -> None:
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
