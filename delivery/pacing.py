"""When the next notice may go out: Telegram's flood limits as a schedule, kept by the sender itself.

Telegram allows about 30 messages a second overall and about one a second per private chat, and it
punishes bursts with 429 answers. A token bucket (PTB's AIORateLimiter) saves up credit while idle
and spends it in a burst after every pause; this pacer keeps no credit: each send gets the next slot
at least 1/rate after the previous one, counted from now when the sender was idle, so the first
send after a pause goes at once and the rest follow at the steady pace. A 429's retry_after moves
every later slot behind it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

CHAT_INTERVAL = 1.05  # seconds between two messages to one chat: Telegram's 1 s, plus room for network jitter


class Pacer:
    """Hands out send times: 1/rate apart overall, CHAT_INTERVAL apart per chat, never earlier than now."""

    def __init__(
        self,
        rate: float,
        *,
        chat_interval: float = CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the send rate must be positive")
        self.interval = 1.0 / rate
        self.chat_interval = chat_interval
        self._clock = clock
        self._sleep = sleep
        self._next_slot = float("-inf")  # earliest time of the next send overall
        self._chat_next: dict[int, float] = {}  # earliest time of the next send per chat
        self._held_until = float("-inf")  # no send before this (Telegram's retry_after)
        # per chat: CHAT_INTERVAL after Telegram answered the last send, however late that request arrived
        self._chat_answered: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the earliest slot for a send to `chat_id` and return its time (on the pacer's clock)."""
        now = self._clock()
        slot = max(
            now, self._next_slot, self._chat_next.get(chat_id, now), self._chat_answered.get(chat_id, now)
        )
        self._next_slot = slot + self.interval
        self._chat_next[chat_id] = slot + self.chat_interval
        self._forget_old_chats(now)
        return slot

    async def wait_turn(self, chat_id: int) -> None:
        """Wait until this send's slot has come; a hold() while waiting sends it to the back of the line."""
        while True:
            booked_for_chat = self._chat_next.get(chat_id)
            delay = self.reserve(chat_id) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            now = self._clock()
            if now >= self._held_until and now >= self._chat_answered.get(chat_id, now):
                # woken late (a busy event loop): the next send still waits a full interval, no catching up
                self._next_slot = max(self._next_slot, now + self.interval)
                return
            if booked_for_chat is None:  # the slot was not used: the chat's own spacing starts over
                self._chat_next.pop(chat_id, None)
            else:
                self._chat_next[chat_id] = booked_for_chat

    def answered(self, chat_id: int) -> None:
        """Telegram answered a send to `chat_id`: the next one waits CHAT_INTERVAL from now, so network
        delays cannot bring two messages to one chat closer than that at Telegram's end."""
        self._chat_answered[chat_id] = self._clock() + self.chat_interval

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after `seconds`": no slot before then; the pace afterwards is unchanged."""
        self._held_until = max(self._held_until, self._clock() + seconds)
        self._next_slot = max(self._next_slot, self._held_until)

    def _forget_old_chats(self, now: float) -> None:
        if len(self._chat_next) + len(self._chat_answered) > 20_000:
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
            self._chat_answered = {chat: at for chat, at in self._chat_answered.items() if at > now}
