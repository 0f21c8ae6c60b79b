"""The bot's one send budget: when each message may go to Telegram, replies to members first.

Telegram allows about 30 messages a second overall, about one a second per private chat and 20 a
minute per group, and it answers 429 with a retry_after when a bot goes faster. Every message the
bot sends takes a slot here: replies (through delivery.ratelimit, the application's Bot) and
outbox notices (delivery.sender). Slots are handed out one at a time, PACE a second and never more
than TELEGRAM_MESSAGES_PER_SECOND in any second, each to the best request that may go now: the
oldest reply whose chat is free, else the oldest notice whose chat is free, at no more than the
notices' own rate (KKRBOT_SEND_RATE). A slot is never promised ahead, so a notice delays a reply
by at most the one slot it already holds, and notices use every slot replies leave. Nothing is
saved up while idle (a token bucket, like PTB's AIORateLimiter, sends a burst after every pause),
and a 429's retry_after holds every slot until it has passed.

What Telegram counts, as the fake Bot API (fake_bot_api.RateLimits) models it: messages (sendMessage,
sendDocument and the other send* methods, copies and forwards), each against the overall, the
chat's and a group's limit. Edits, answerCallbackQuery, getFile, setMyCommands and the like take no
slot; they only wait out a 429's pause.

The budget is one process's. Two `kkrbot run` with one token and one database each keep their own:
the outbox hands each process its own notices, but together they may send up to twice Telegram's
limit and draw 429s, which each then waits out. Sharing the budget through the database would cost a
round trip per message; give each process a share of KKRBOT_SEND_RATE instead (replies, which only
the process that receives the update sends, keep the full pace in each).
"""

from __future__ import annotations

import asyncio
import bisect
import enum
import itertools
import math
import time
from collections import Counter, deque
from collections.abc import Callable

TELEGRAM_MESSAGES_PER_SECOND = 30  # Telegram's overall limit: never more messages in any second
PACE = 28  # messages per second the slots are spaced at, below that limit to leave room for jitter
CHAT_INTERVAL = 1.05  # seconds between messages to one private chat: Telegram's 1 s and a little room
GROUP_INTERVAL = 3.15  # seconds between messages to one group: 20 a minute, and a little room
LATENESS_MADE_UP = 0.25  # of an interval: a slot granted this late does not push the next one back
# the methods that send a message: these take a slot; every other request only waits out a 429's pause
MESSAGE_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendvideonote",
        "sendmediagroup",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendpoll",
        "senddice",
        "sendsticker",
        "sendinvoice",
        "sendgame",
        "sendpaidmedia",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)

ChatId = int | str


def is_message(method: str) -> bool:
    """Does this Bot API method send a message, as Telegram's flood limits count them?"""
    return method.lower() in MESSAGE_METHODS


def is_group(chat_id: ChatId) -> bool:
    """Groups and channels have negative ids (or an @username); private chats are the users' ids."""
    return isinstance(chat_id, str) or chat_id < 0


class Priority(enum.IntEnum):
    """Who goes first when both wait: a member waiting for an answer, then the outbox."""

    REPLY = 1
    NOTICE = 2


class Slot:
    """One message's turn: granted when it may be sent, done() once Telegram answered (or failed to)."""

    __slots__ = ("_future", "_pacer", "chat_id", "finished", "granted_at", "order", "priority")

    def __init__(self, pacer: Pacer, chat_id: ChatId, priority: Priority, order: int) -> None:
        self._pacer = pacer
        self.chat_id = chat_id
        self.priority = priority
        self.order = order
        self.granted_at: float | None = None
        self.finished = False
        self._future: asyncio.Future[None] | None = None

    def done(self) -> None:
        """The send is over (answered, refused or lost): the chat's own spacing counts from now."""
        self._pacer._done(self)


class Pacer:
    """Hands out send slots: PACE a second overall (never more than the limit in any second), one per
    CHAT_INTERVAL per chat counted from Telegram's last answer, replies before notices."""

    def __init__(
        self,
        notice_rate: float | None = None,
        *,
        rate: float = PACE,
        chat_interval: float = CHAT_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or (notice_rate is not None and notice_rate <= 0):
            raise ValueError("send rates must be positive")
        # a notice rate above PACE is the operator's word that Telegram allows more (a paid broadcast,
        # a test server): the overall pace and limit grow with it
        rate = max(rate, notice_rate or 0.0)
        self.rate = rate
        self.notice_rate = min(notice_rate or rate, rate)
        self.limit = max(TELEGRAM_MESSAGES_PER_SECOND, math.ceil(rate * TELEGRAM_MESSAGES_PER_SECOND / PACE))
        self.chat_interval = chat_interval
        self.group_interval = group_interval
        self._clock = clock
        self._order = itertools.count()
        self._waiting: list[Slot] = []  # replies first, each kind oldest first
        self._next_slot = float("-inf")  # no slot before this (the overall pace)
        self._next_notice = float("-inf")  # no notice before this (the notices' rate)
        self._held_until = float("-inf")  # no slot before this either (Telegram's retry_after)
        self._in_flight = 0  # granted and not done: they may reach Telegram at any moment
        self._answered: deque[float] = deque()  # when the sends of the last second were answered
        self._chat_busy: Counter[ChatId] = Counter()  # sends in flight per chat
        self._chat_free_at: dict[ChatId, float] = {}  # per chat: the next send not before this
        self._timer: asyncio.TimerHandle | None = None

    # ----------------------------------------------------------------- asking for a slot

    async def turn(self, chat_id: ChatId, priority: Priority, *, retry_of: Slot | None = None) -> Slot:
        """Wait for a slot to send one message to `chat_id`; call done() on it when the send is over.
        A retry (after a 429) keeps its place ahead of the requests that came later."""
        slot = self.request(chat_id, priority, order=None if retry_of is None else retry_of.order)
        future = slot._future = asyncio.get_running_loop().create_future()
        self._dispatch()
        try:
            await future
        except asyncio.CancelledError:
            if slot.granted_at is None:
                self._waiting.remove(slot)
                self._dispatch()
            else:
                slot.done()
            raise
        return slot

    def request(self, chat_id: ChatId, priority: Priority, *, order: int | None = None) -> Slot:
        """Queue a request for a slot (turn() waits for it; tests drive grant_due() by hand)."""
        slot = Slot(self, chat_id, priority, next(self._order) if order is None else order)
        bisect.insort(self._waiting, slot, key=lambda waiting: (waiting.priority, waiting.order))
        return slot

    async def unheld(self) -> None:
        """Wait until no 429's pause holds the bot (for requests that take no slot)."""
        while (wait := self._held_until - self._clock()) > 0:
            await asyncio.sleep(wait)

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after `seconds`": no slot before then; the pace afterwards is unchanged."""
        self._held_until = max(self._held_until, self._clock() + seconds)
        self._dispatch()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    # ----------------------------------------------------------------- handing out slots

    def grant_due(self) -> float | None:
        """Grant the slot that may go now, if any; returns when to look again, None when only an answer
        (or a new request) can change anything."""
        if not self._waiting:
            return None
        now = self._clock()
        start = max(self._next_slot, self._held_until)
        if now < start:
            return start
        self._forget_old_answers(now)
        if self._in_flight + len(self._answered) >= self.limit:  # the last second's sends, as Telegram counts
            return self._answered[0] + 1.0 if self._answered else None
        later = math.inf
        for slot in self._waiting:
            ready = self._chat_ready_at(slot.chat_id)
            if slot.priority is Priority.NOTICE:
                ready = max(ready, self._next_notice)
            if ready <= now:
                self._grant(slot, now)
                return now + 1.0 / self.rate if self._waiting else None
            later = min(later, ready)
        return later if later < math.inf else None

    def _chat_ready_at(self, chat_id: ChatId) -> float:
        if self._chat_busy[chat_id]:
            return math.inf  # the chat's previous message is still on its way
        return self._chat_free_at.get(chat_id, -math.inf)

    def _grant(self, slot: Slot, now: float) -> None:
        self._waiting.remove(slot)
        slot.granted_at = now
        self._in_flight += 1
        self._chat_busy[slot.chat_id] += 1
        self._next_slot = _following(self._next_slot, now, 1.0 / self.rate)
        if slot.priority is Priority.NOTICE:
            self._next_notice = _following(self._next_notice, now, 1.0 / self.notice_rate)
        if slot._future is not None and not slot._future.done():
            slot._future.set_result(None)

    def _done(self, slot: Slot) -> None:
        if slot.finished or slot.granted_at is None:
            return
        slot.finished = True
        now = self._clock()
        self._in_flight -= 1
        self._forget_old_answers(now)
        self._answered.append(now)
        self._chat_busy[slot.chat_id] -= 1
        if not self._chat_busy[slot.chat_id]:
            del self._chat_busy[slot.chat_id]
        interval = self.group_interval if is_group(slot.chat_id) else self.chat_interval
        # from Telegram's answer: however late a request arrived, the next one to the chat is later still
        self._chat_free_at[slot.chat_id] = max(self._chat_free_at.get(slot.chat_id, now), now + interval)
        if len(self._chat_free_at) > 10_000:
            self._chat_free_at = {chat: at for chat, at in self._chat_free_at.items() if at > now}
        self._dispatch()

    def _forget_old_answers(self, now: float) -> None:
        """Sends answered a second ago or more: Telegram no longer counts them. (Compared as the very sum
        grant_due waits for, so a look at that moment finds the answer gone.)"""
        while self._answered and self._answered[0] + 1.0 <= now:
            self._answered.popleft()

    def _dispatch(self) -> None:
        """Grant what is due and set a timer for the next look (with no event loop, tests call grant_due)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        at = self.grant_due()
        if at is not None:
            self._timer = loop.call_later(max(0.0, at - self._clock()), self._dispatch)


def _following(due: float, now: float, interval: float) -> float:
    """The slot after one due at `due` and granted at `now`: a timer's usual millisecond late is made
    up, a long delay (an idle pacer, a busy event loop, a 429's pause) is not: no catching up."""
    on_time = now - due <= interval * LATENESS_MADE_UP
    return (due if on_time else now) + interval
