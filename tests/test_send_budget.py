"""One send budget for replies and notices (issue 14): the pacer's slots on a clock of its own, the Bot's
rate limiter against the fake Bot API, and the real `kkrbot run` answering a burst of members, alone
and while a broadcast runs, within Telegram's limits.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import ExtBot

from bot.app import ChatOrderedUpdates
from delivery.botapi import make_bot
from delivery.pacing import (
    CHAT_INTERVAL,
    GROUP_INTERVAL,
    PACE,
    TELEGRAM_MESSAGES_PER_SECOND,
    Pacer,
    Priority,
    Slot,
    is_message,
)
from delivery.ratelimit import PacedRateLimiter
from fake_bot_api import FakeTelegram, RateLimits
from storage import open_database
from tests.bot_process import running_bot
from tests.outbox_counts import outbox_counts
from tests.test_sender import add_members

REPLY, NOTICE = Priority.REPLY, Priority.NOTICE
FIRST_SUBSCRIBER = 810_001
FIRST_WRITER = 820_001


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


Arrival = tuple[float, int, Priority]  # when a send is asked for, to which chat, at which priority


def simulate(pacer: Pacer, clock: FakeClock, arrivals: list[Arrival], latency: float = 0.005) -> list[Slot]:
    """Drive the pacer by hand: requests come at their times, and Telegram answers each granted send
    `latency` seconds later. Returns the slots in the order they were asked for, all granted."""
    pending = sorted(arrivals, key=lambda arrival: arrival[0])
    slots: list[Slot] = []
    answers: list[tuple[float, Slot]] = []
    while True:
        while pending and pending[0][0] <= clock.now:
            _, chat_id, priority = pending.pop(0)
            slots.append(pacer.request(chat_id, priority))
        for answer in [answer for answer in answers if answer[0] <= clock.now]:
            answers.remove(answer)
            answer[1].done()
        waiting = [slot for slot in slots if slot.granted_at is None]
        look = pacer.grant_due()
        now_granted = [slot for slot in waiting if slot.granted_at is not None]
        answers += [(clock.now + latency, slot) for slot in now_granted]
        if now_granted:
            continue  # look again at the same moment
        moments = [at for at, _ in answers] + [arrival[0] for arrival in pending[:1]]
        moments += [] if look is None else [look]
        if not moments:
            break
        clock.now = min(moments)
    assert all(slot.granted_at is not None for slot in slots), "a request was never granted"
    return slots


def granted(slots: list[Slot]) -> list[float]:
    return [slot.granted_at for slot in slots if slot.granted_at is not None]


def most_in_one_second(times: list[float]) -> int:
    ordered, most, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


# --------------------------------------------------------------------- the pacer, on a clock of its own


def test_slots_are_one_over_the_rate_apart() -> None:
    clock = FakeClock()
    slots = simulate(Pacer(rate=10, clock=clock), clock, [(0.0, chat, REPLY) for chat in (1, 2, 3)])
    assert granted(slots) == pytest.approx([0.0, 0.1, 0.2])


def test_after_a_pause_the_pacer_sends_no_burst() -> None:
    """A token bucket would have saved up credit while idle; the pacer starts again at the steady pace."""
    clock = FakeClock()
    arrivals = [(0.0, 1, REPLY)] + [(100.0, chat, REPLY) for chat in (2, 3, 4)]
    slots = simulate(Pacer(rate=10, clock=clock), clock, arrivals)
    assert granted(slots)[1:] == pytest.approx([100.0, 100.1, 100.2])


def test_a_chat_waits_a_second_after_telegrams_answer_and_a_group_three() -> None:
    clock = FakeClock()
    arrivals: list[Arrival] = [(0.0, chat, REPLY) for chat in (1, 1, 2, -100, -100)]
    first, second, other, group, group_again = simulate(Pacer(clock=clock), clock, arrivals, latency=0.2)
    assert other.granted_at == pytest.approx(1 / PACE)  # the second send to chat 1 does not block others
    assert second.granted_at == pytest.approx(0.2 + CHAT_INTERVAL)  # from the answer, not the send
    assert group_again.granted_at == pytest.approx(group.granted_at + 0.2 + GROUP_INTERVAL)  # type: ignore[operator]
    assert first.granted_at == 0.0


def test_after_a_429_every_slot_waits_and_then_goes_at_the_same_pace() -> None:
    clock = FakeClock()
    pacer = Pacer(rate=10, clock=clock)
    slots = [pacer.request(chat, NOTICE) for chat in (1, 2, 3)]
    pacer.grant_due()
    clock.now = 0.05
    pacer.hold(3)
    assert pacer.grant_due() == pytest.approx(3.05)
    later = simulate(pacer, clock, [])
    assert later == [] and granted(slots) == pytest.approx([0.0, 3.05, 3.15])


def test_a_retry_after_a_429_keeps_its_place_ahead_of_later_requests() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    refused = pacer.request(1, NOTICE)
    pacer.grant_due()
    clock.now = 0.01
    refused.done()
    pacer.hold(2)
    later = pacer.request(2, NOTICE)
    retry = pacer.request(1, NOTICE, order=refused.order)
    simulate(pacer, clock, [])
    assert retry.granted_at == pytest.approx(2.01) and later.granted_at == pytest.approx(2.01 + 1 / PACE)


def test_replies_go_before_the_notices_already_waiting() -> None:
    clock = FakeClock()
    notices = [(0.0, chat, NOTICE) for chat in range(100, 110)]
    replies = [(0.001, chat, REPLY) for chat in range(1, 6)]
    slots = simulate(Pacer(25, clock=clock), clock, notices + replies)
    first_notice, second_notice = slots[0], slots[1]
    reply_times = granted(slots[10:])
    assert first_notice.granted_at == 0.0  # it already had its slot when the replies came
    # a notice delays a reply by at most the one slot it holds
    assert reply_times == pytest.approx([k / PACE for k in range(1, 6)])
    assert second_notice.granted_at is not None and second_notice.granted_at > max(reply_times)


def test_notices_take_every_slot_the_replies_leave_at_their_own_rate() -> None:
    """A member waiting for the second of two answers (one a second per chat) holds up nobody."""
    clock = FakeClock()
    arrivals = [(0.0, 1, REPLY), (0.0, 1, REPLY)] + [(0.0, chat, NOTICE) for chat in range(100, 150)]
    slots = simulate(Pacer(25, clock=clock), clock, arrivals)
    notices_in_the_first_second = [t for t in granted(slots[2:]) if t < 1.0]
    assert len(notices_in_the_first_second) == 25  # 1/25 s apart from the first free slot on
    second_answer = slots[1].granted_at
    assert (
        second_answer is not None
        and 0.005 + CHAT_INTERVAL <= second_answer <= 0.005 + CHAT_INTERVAL + 1 / PACE
    )


def test_a_broadcast_alone_goes_at_its_rate() -> None:
    clock = FakeClock()
    slots = simulate(Pacer(25, clock=clock), clock, [(0.0, chat, NOTICE) for chat in range(100, 1100)])
    assert granted(slots)[-1] == pytest.approx(999 / 25)


def test_a_burst_of_replies_goes_at_the_pace_and_never_over_telegrams_limit() -> None:
    clock = FakeClock()
    slots = simulate(Pacer(25, clock=clock), clock, [(0.0, chat, REPLY) for chat in range(1, 301)])
    assert granted(slots)[-1] == pytest.approx(299 / PACE)
    assert most_in_one_second(granted(slots)) < TELEGRAM_MESSAGES_PER_SECOND


def test_slow_answers_never_let_more_than_30_reach_telegram_in_a_second() -> None:
    """A request may reach Telegram any time between its slot and its answer: the pacer counts every
    send not answered a second ago, so however the network delays them, Telegram never counts 31."""
    clock = FakeClock()
    latency = 1.5
    slots = simulate(Pacer(clock=clock), clock, [(0.0, chat, REPLY) for chat in range(1, 201)], latency)
    times = granted(slots)
    for at in times:
        possibly_in_its_second = [t for t in times if t < at and t + latency + 1.0 > at]
        assert len(possibly_in_its_second) < TELEGRAM_MESSAGES_PER_SECOND


def test_what_telegram_counts_as_a_message() -> None:
    assert all(is_message(m) for m in ("sendMessage", "sendDocument", "copyMessage", "sendMediaGroup"))
    assert not any(
        is_message(m) for m in ("editMessageText", "answerCallbackQuery", "getFile", "sendChatAction")
    )


async def test_turn_waits_for_its_slot_on_the_event_loop() -> None:
    pacer = Pacer(rate=50)
    began = time.monotonic()
    order: list[int] = []

    async def send(chat_id: int, priority: Priority) -> None:
        slot = await pacer.turn(chat_id, priority)
        order.append(chat_id)
        slot.done()

    await asyncio.gather(*(send(chat, NOTICE) for chat in (100, 101, 102)), send(1, REPLY), send(2, REPLY))
    assert order == [100, 1, 2, 101, 102]  # the first notice was granted before the replies asked
    assert time.monotonic() - began >= 4 / 50 * 0.9
    assert pacer.waiting == 0


async def test_a_cancelled_wait_gives_up_its_place() -> None:
    pacer = Pacer(rate=20)
    first = await pacer.turn(1, NOTICE)
    waiting = asyncio.create_task(pacer.turn(2, NOTICE))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert pacer.waiting == 0
    first.done()
    assert (await asyncio.wait_for(pacer.turn(3, REPLY), 1)).chat_id == 3


# --------------------------------------------------------------------- the Bot's rate limiter


class RecordingPacer(Pacer):
    """A pacer that notes which chats asked for a slot."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[int | str, Priority]] = []

    def request(self, chat_id: int | str, priority: Priority, *, order: int | None = None) -> Slot:
        self.asked.append((chat_id, priority))
        return super().request(chat_id, priority, order=order)


@pytest.fixture
async def paced_bot(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[FakeTelegram, ExtBot[Priority], PacedRateLimiter]]:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as PTB 23 will give it, no warning
    with FakeTelegram(limits=RateLimits(chat_burst=1)) as server:
        server.add_user(4242, "Mette")
        limiter = PacedRateLimiter(RecordingPacer())
        bot = make_bot(server.token, server.api_url, rate_limiter=limiter, connections=8)
        async with bot:
            yield server, bot, limiter


async def test_messages_take_a_slot_edits_and_callback_answers_do_not(
    paced_bot: tuple[FakeTelegram, ExtBot[Priority], PacedRateLimiter],
) -> None:
    server, bot, limiter = paced_bot
    message = await bot.send_message(4242, "<b>Dagsorden</b>", parse_mode="HTML")
    await bot.edit_message_text("<b>Dagsorden</b>, rettet", 4242, message.message_id, parse_mode="HTML")
    await bot.send_document(4242, b"%PDF-1.4 test", filename="bilag.pdf")
    assert isinstance(limiter.pacer, RecordingPacer)
    assert limiter.pacer.asked == [(4242, REPLY), (4242, REPLY)]  # the edit asked for no slot
    assert server.rate_limited_count == 0  # the document waited its second after the message
    assert [e.plain_text for e in server.edits(4242)] == ["Dagsorden, rettet"]


async def test_a_reply_refused_with_429_waits_the_pause_and_is_sent_in_its_place(
    paced_bot: tuple[FakeTelegram, ExtBot[Priority], PacedRateLimiter],
) -> None:
    """The fake refuses every send until retry_after has passed, as Telegram does: a limiter that did
    not wait would collect a 429 per try."""
    server, bot, limiter = paced_bot
    server.fail_next("sendMessage", retry_after=1)
    await bot.send_message(4242, "Du får besked om alt nyt.")
    assert limiter.retry_after_count == 1 == server.rate_limited_count
    assert [m.plain_text for m in server.sent_messages(4242)] == ["Du får besked om alt nyt."]


# --------------------------------------------------------------------- updates side by side, a chat in order


def update_from(chat_id: int, update_id: int) -> Update:
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "hej"}
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_updates_from_different_chats_are_handled_side_by_side_one_chats_in_order() -> None:
    processor = ChatOrderedUpdates(concurrent=8)
    slow_first = asyncio.Event()
    finished: list[int] = []

    async def handle(update_id: int) -> None:
        if update_id == 1:
            await slow_first.wait()
        finished.append(update_id)

    updates = [(1, 111), (2, 111), (3, 222)]  # (update id, chat): the first is slow
    tasks = [
        asyncio.create_task(processor.process_update(update_from(chat, number), handle(number)))
        for number, chat in updates
    ]
    await asyncio.wait_for(asyncio.shield(asyncio.gather(*tasks[2:])), 1)
    assert finished == [3]  # the other chat did not wait for the slow one
    slow_first.set()
    await asyncio.gather(*tasks)
    assert finished == [3, 1, 2]  # chat 111's second update waited for its first


# --------------------------------------------------------------------- the real `kkrbot run` process


def writers(server: FakeTelegram, count: int) -> list[int]:
    chat_ids = list(range(FIRST_WRITER, FIRST_WRITER + count))
    for chat_id in chat_ids:
        server.add_user(chat_id, f"Skribent {chat_id}")
    return chat_ids


def everyone_answered(server: FakeTelegram, chat_ids: list[int]) -> bool:
    return set(chat_ids) <= {message.chat_id for message in server.sent_messages()}


def test_a_burst_of_members_is_answered_with_no_429(tmp_path: Path) -> None:
    """60 members write /abonner in the same moment, at Telegram's real limits (30/s overall)."""
    with FakeTelegram(limits=RateLimits()) as server:
        members = writers(server, 60)
        with running_bot(server, DATABASE_URL=f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"):
            for chat_id in members:
                server.push_message(chat_id, "/abonner")
            server.wait_for(lambda: everyone_answered(server, members), 60, "every member's answer")
        assert server.rate_limited_count == 0, server.report()
        assert server.errors() == []
        answers = Counter(message.chat_id for message in server.sent_messages())
        assert answers == dict.fromkeys(members, 1)
        assert all("besked" in server.sent_messages(chat_id)[0].plain_text for chat_id in members)


def test_replies_go_ahead_of_a_running_broadcast_with_no_429(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    db = open_database(url)
    with FakeTelegram(limits=RateLimits()) as server:
        members = writers(server, 30)
        with running_bot(server, DATABASE_URL=url, KKRBOT_SEND_RATE="25"):
            subscribers = add_members(db, server, 80, text="<b>Ny dagsorden</b>", first=FIRST_SUBSCRIBER)
            server.wait_for(lambda: len(server.sent_messages()) >= 10, 60, "the broadcast to be under way")
            for chat_id in members:
                server.push_message(chat_id, "/hjaelp")
            server.wait_for(lambda: everyone_answered(server, members), 60, "every member's answer")
            server.wait_for(lambda: everyone_answered(server, subscribers), 60, "the whole broadcast")
        with db.session() as session:
            assert outbox_counts(session).pending == 0
    db.dispose()
    assert server.rate_limited_count == 0, server.report()
    sent = [message.chat_id for message in server.sent_messages()]
    last_reply = max(index for index, chat_id in enumerate(sent) if chat_id in members)
    assert sent[last_reply + 1 :], "the broadcast ended before the replies"  # the tail came after them
    assert Counter(chat_id for chat_id in sent if chat_id in subscribers) == dict.fromkeys(subscribers, 1)
