"""The outbox sender: claims due notices and sends them to Telegram at a pace Telegram accepts.

It runs inside `kkrbot run` as one asyncio task (start() in post_init, stop() in post_stop, wired by
bot/app.py) with a telegram.Bot of its own (delivery.botapi.make_bot, no rate limiter of its own, so
notices cannot take the connections replies need). Each notice waits for a slot of the Pacer it
shares with the replies (delivery.pacing): at notice priority, so a member's answer goes first and
the broadcast takes what the replies leave, at no more than KKRBOT_SEND_RATE. A 429 holds every
send, replies included, for its retry_after.

What each answer means for the row (storage.outbox): accepted → sent; 429 → the same notice again
after retry_after; 403 or 400 "chat not found" → the member is marked inactive and their pending
notices are closed; any other 400 → given up with Telegram's reason; network errors, timeouts and
5xx → kept, retried after a growing backoff. Several sends may be in flight at once (Telegram's
latency would otherwise cap the rate), but each starts only in its slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter

from core.time import utcnow
from delivery.botapi import send_html
from delivery.pacing import Pacer, Priority, Slot
from delivery.ratelimit import retry_after_seconds
from storage import Database
from storage.outbox import (
    DEFAULT_LEASE,
    FIRST_RETRY_DELAY,
    ClaimedNotice,
    claim_batch,
    deactivate_member,
    give_up,
    mark_sent,
    release,
    retry_later,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_IN_FLIGHT = 16  # concurrent sendMessage requests; the pacer decides when each one starts
IDLE_SECONDS = 1.0  # how often an idle sender looks for new notices
STOP_GRACE_SECONDS = 10.0  # how long stop() waits for sends in flight
CHAT_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


def worker_name() -> str:
    """Who claimed a row: host, process and a random tag, so a restarted process is a new worker."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def spread_by_chat(notices: Iterable[ClaimedNotice]) -> list[ClaimedNotice]:
    """Every chat's first notice, then every chat's second, ...: two notices to one chat never sit side
    by side, so the per-chat limit rarely holds up the others."""
    rounds: dict[int, list[ClaimedNotice]] = defaultdict(list)
    seen: dict[int, int] = defaultdict(int)
    for notice in notices:
        rounds[seen[notice.chat_id]].append(notice)
        seen[notice.chat_id] += 1
    return [notice for number in sorted(rounds) for notice in rounds[number]]


class OutboxSender:
    """Sends the outbox's due notices until stopped; safe to run in several processes at once."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        pacer: Pacer,
        lease: dt.timedelta = DEFAULT_LEASE,
        first_retry_delay: dt.timedelta = FIRST_RETRY_DELAY,
        idle_seconds: float = IDLE_SECONDS,
        max_in_flight: int = MAX_IN_FLIGHT,
        worker: str | None = None,
        owns_bot: bool = False,
    ) -> None:
        self.db = db
        self.bot = bot
        self.pacer = pacer
        rate = pacer.notice_rate
        self.lease = lease
        self.first_retry_delay = first_retry_delay
        self.idle_seconds = idle_seconds
        self.worker = worker or worker_name()
        # a batch is one second's sends (at most a quarter of a lease's), so claims stay fresh and
        # several senders share a broadcast
        self.batch_size = max(1, min(200, int(rate), int(rate * lease.total_seconds() / 4)))
        self.retry_after_count = 0  # 429 answers received
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._unreachable: set[int] = set()  # members found gone in this batch; their notices are closed
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._owns_bot = owns_bot  # start() initializes the bot and stop() shuts it down

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Begin sending in the background (from the application's post_init)."""
        if self._task is not None:
            return
        if self._owns_bot:
            await self.bot.initialize()
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name="kkrbot-outbox")
        log.info("udsendelse startet (%s beskeder/s, arbejder %s)", self.pacer.notice_rate, self.worker)

    async def stop(self) -> None:
        """Stop claiming, let sends in flight finish, give back what was claimed but not tried."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE_SECONDS)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        if self._owns_bot:
            await self.bot.shutdown()

    def wake(self) -> None:
        """New notices are waiting (the fan-out just wrote some): look now rather than after the idle wait."""
        self._wake.set()

    # ----------------------------------------------------------------- the loop

    async def run(self) -> None:
        """Claim and send until stopped; an unexpected failure is logged and the loop carries on."""
        while not self._stopping:
            try:
                sent_any = await self.send_batch()
            except Exception as error:  # the database may be away for a moment; the next round retries
                log.error("udsendelse: %s", error)
                sent_any = False
            if not sent_any and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)
                self._wake.clear()
        await self._drain()

    async def send_batch(self) -> bool:
        """Claim one batch and start sending each notice in its slot; False when nothing was due."""
        batch = await asyncio.to_thread(self._claim)
        if not batch:
            return False
        self._unreachable.clear()
        untried = spread_by_chat(batch)
        started = 0
        while untried and not self._stopping:
            notice = untried[0]
            await self._slots.acquire()
            slot = await self.pacer.turn(notice.chat_id, Priority.NOTICE)
            held_for = utcnow() - notice.claimed_at
            if self._stopping or held_for > self.lease or (started and held_for > self.lease / 2):
                slot.done()  # held long (a 429 pause, replies, a slow machine): others may take it soon
                self._slots.release()
                break
            untried.pop(0)
            started += 1
            if notice.member_id in self._unreachable:
                slot.done()
                self._slots.release()
                continue
            task = asyncio.create_task(self._deliver(notice, slot))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        if untried:
            await asyncio.to_thread(self._in_session, release, [notice.id for notice in untried], self.worker)
        return True

    async def _drain(self) -> None:
        if self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    # ----------------------------------------------------------------- one notice

    async def _deliver(self, notice: ClaimedNotice, slot: Slot) -> None:
        try:
            await self._send_until_answered(notice, slot)
        except Exception as error:  # recording the outcome failed (database away): the lease brings it back
            log.error("udsendelse: besked %s: %s", notice.id, error)
        finally:
            self._slots.release()

    async def _send_until_answered(self, notice: ClaimedNotice, slot: Slot) -> None:
        """Send in `slot`; after a 429 wait (everyone waits) and send the same notice again."""
        while True:
            try:
                await self._send(notice, slot)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                self.retry_after_count += 1
                self.pacer.hold(seconds)
                log.warning("Telegram beder om pause i %s s (429); udsendelsen venter", seconds)
                if self._stopping:
                    await asyncio.to_thread(self._in_session, release, [notice.id], self.worker)
                    return
                slot = await self.pacer.turn(notice.chat_id, Priority.NOTICE, retry_of=slot)
                continue
            except Forbidden as error:
                await self._member_gone(notice, f"Forbidden: {error}")
            except BadRequest as error:  # before NetworkError: PTB's BadRequest is a subclass of it
                if any(reason in str(error).lower() for reason in CHAT_GONE):
                    await self._member_gone(notice, f"BadRequest: {error}")
                else:
                    log.warning("besked %s afvist af Telegram for godt: %s", notice.id, error)
                    await asyncio.to_thread(self._in_session, give_up, notice.id, f"BadRequest: {error}")
            except Exception as error:  # NetworkError: timeouts, 5xx, a lost connection; or anything else
                await self._retry_later(notice, f"{type(error).__name__}: {error}")
            else:
                await asyncio.to_thread(self._in_session, mark_sent, notice.id)
            return

    async def _send(self, notice: ClaimedNotice, slot: Slot) -> None:
        """One try in its slot; the chat's spacing counts from Telegram's answer, whatever it was."""
        try:
            await send_html(self.bot, notice.chat_id, notice.text, notice.buttons)
        finally:
            slot.done()

    async def _member_gone(self, notice: ClaimedNotice, reason: str) -> None:
        self._unreachable.add(notice.member_id)
        closed = await asyncio.to_thread(self._in_session, deactivate_member, notice.member_id, reason)
        log.info("medlem %s kan ikke nås (%s); %s besked(er) stoppet", notice.member_id, reason, closed)

    async def _retry_later(self, notice: ClaimedNotice, reason: str) -> None:
        due = await asyncio.to_thread(
            self._in_session, retry_later, notice.id, reason, first_delay=self.first_retry_delay
        )
        log.warning("besked %s ikke sendt (%s); nyt forsøg %s UTC", notice.id, reason, f"{due:%H:%M:%S}")

    # ----------------------------------------------------------------- database, in worker threads

    def _claim(self) -> list[ClaimedNotice]:
        with self.db.session() as session:
            return claim_batch(session, self.worker, self.batch_size, lease=self.lease)

    def _in_session(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.db.session() as session:
            return operation(session, *args, **kwargs)
